// SPDX-License-Identifier: MIT
#include <tfrun/core/command_words.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tfrun::core;
using Words = std::vector<std::string>;

TEST_CASE("command words: shared options before the command move after it (honcho, node-foreman)", "[command_words]") {
  CHECK(normalize_command_words({"-f", "Procfile.dev", "-e", ".env.dev", "start"}) ==
        Words{"start", "-f", "Procfile.dev", "-e", ".env.dev"});
  CHECK(normalize_command_words({"--procfile=P", "--app-root", "app", "-p5000", "check", "--json"}) ==
        Words{"check", "--procfile=P", "--app-root", "app", "-p5000", "--json"});
  CHECK(normalize_command_words({"-e", ".env", "run", "echo", "hi"}) == Words{"run", "-e", ".env", "echo", "hi"});
  // A value that happens to be a command name is still the option's value.
  CHECK(normalize_command_words({"-f", "start", "start"}) == Words{"start", "-f", "start"});
}

TEST_CASE("command words: words that are not shared options stay before the command", "[command_words]") {
  CHECK(normalize_command_words({"--help"}) == Words{"--help"});
  CHECK(normalize_command_words({"-v"}) == Words{"-v"});
  CHECK(normalize_command_words({"--bogus", "start"}) == Words{"--bogus", "start"});
  CHECK(normalize_command_words({"-f", "P"}) == Words{"-f", "P"}); // no command: the parser says so
  CHECK(normalize_command_words({}).empty());
}

TEST_CASE("command words: colour spellings of foreman and honcho", "[command_words]") {
  CHECK(normalize_command_words({"start", "--no-colour"}) == Words{"start", "--color=never"});
  CHECK(normalize_command_words({"start", "--no-color"}) == Words{"start", "--color=never"});
  CHECK(normalize_command_words({"start", "--color"}) == Words{"start", "--color=always"});
  CHECK(normalize_command_words({"start", "--color", "web"}) == Words{"start", "--color=always", "web"});
  CHECK(normalize_command_words({"start", "--color", "never"}) == Words{"start", "--color", "never"});
  CHECK(normalize_command_words({"start", "--colour=auto"}) == Words{"start", "--color=auto"});
  CHECK(normalize_command_words({"--no-colour", "start"}) == Words{"start", "--color=never"});
}

TEST_CASE("command words: -c is honcho's concurrency before NAME=N, foreman's colour otherwise", "[command_words]") {
  CHECK(normalize_command_words({"start", "-c", "web=2,worker=1"}) == Words{"start", "-c", "web=2,worker=1"});
  CHECK(normalize_command_words({"start", "-cweb=2"}) == Words{"start", "-cweb=2"});
  CHECK(normalize_command_words({"start", "-c"}) == Words{"start", "--color=always"});
  CHECK(normalize_command_words({"start", "-c", "web"}) == Words{"start", "--color=always", "web"});
}

TEST_CASE("command words: output flags are dropped for a command without process output", "[command_words]") {
  CHECK(normalize_command_words({"--no-colour", "--no-prefix", "-f", "P", "check"}) == Words{"check", "-f", "P"});
  CHECK(normalize_command_words({"check", "--no-colour", "--json", "--color", "never"}) == Words{"check", "--json"});
  CHECK(normalize_command_words({"export", "systemd", "-c", "web=2", "--no-timestamp"}) ==
        Words{"export", "systemd", "-c", "web=2"});
  CHECK(normalize_command_words({"--no-prefix", "run", "x"}) == Words{"run", "--no-prefix", "x"});
}

TEST_CASE("command words: run's command and anything after -- are left alone", "[command_words]") {
  CHECK(normalize_command_words({"run", "-e", ".env", "grep", "--color", "-c", "x"}) ==
        Words{"run", "-e", ".env", "grep", "--color", "-c", "x"});
  CHECK(normalize_command_words({"run", "--", "ls", "--no-color"}) == Words{"run", "--", "ls", "--no-color"});
  CHECK(normalize_command_words({"-e", "x", "--", "start"}) == Words{"-e", "x", "--", "start"});
  CHECK(normalize_command_words({"start", "--", "--color"}) == Words{"start", "--", "--color"});
}

TEST_CASE("command words: option values are never rewritten", "[command_words]") {
  CHECK(normalize_command_words({"start", "-e", "--no-color", "-f", "-c"}) ==
        Words{"start", "-e", "--no-color", "-f", "-c"});
}

TEST_CASE("command words: a live-control command keeps its own options as written", "[command_words]") {
  // `logs -f` follows; it is not the Procfile option, so it must not swallow the next word.
  CHECK(normalize_command_words({"logs", "-f", "-n", "1", "worker"}) == Words{"logs", "-f", "-n", "1", "worker"});
  CHECK(normalize_command_words({"ps", "--no-color", "--json"}) == Words{"ps", "--no-color", "--json"});
  // The project may still be named before the command.
  CHECK(normalize_command_words({"-f", "Procfile.dev", "ps"}) == Words{"ps", "-f", "Procfile.dev"});
  CHECK(normalize_command_words({"--no-colour", "restart", "web"}) == Words{"restart", "web"});
}
