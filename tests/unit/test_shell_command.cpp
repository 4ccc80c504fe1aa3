// SPDX-License-Identifier: MIT
#include <tfrun/core/shell_command.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>

#include <string>
#include <utility>
#include <vector>

using tfrun::core::plan_command;
using Argv = std::vector<std::string>;

namespace {

Argv shell(const std::string& text) { return {"/bin/sh", "-c", text}; }

} // namespace

TEST_CASE("a command with nothing for the shell to do is executed directly", "[shell_command]") {
  const std::vector<std::pair<std::string, Argv>> cases = {
      {"bundle exec puma -C config/puma.rb", {"bundle", "exec", "puma", "-C", "config/puma.rb"}},
      {"  bin/rails   server\t-b 0.0.0.0 ", {"bin/rails", "server", "-b", "0.0.0.0"}},
      {"/usr/bin/env node --port=3000 a,b:c@d+e%f", {"/usr/bin/env", "node", "--port=3000", "a,b:c@d+e%f"}},
      {"exec gunicorn app:app", {"gunicorn", "app:app"}},
      {"python -c 'print(\"hi; there\")'", {"python", "-c", "print(\"hi; there\")"}},
      {"echo-server \"a  b\" 'c'\"d\" e\\ f ''", {"echo-server", "a  b", "cd", "e f", ""}},
      {"grep \"\\\"\\\\\\$\\`\\x\"", {"grep", "\"\\$`\\x"}},
      {"caf\xc3\xa9 --name \xe2\x98\x83", {"caf\xc3\xa9", "--name", "\xe2\x98\x83"}},
      {"'my prog' 'a|b' \"x;y\" 'z&'", {"my prog", "a|b", "x;y", "z&"}},
  };
  for (const auto& [command, argv] : cases) {
    INFO(command);
    const auto plan = plan_command(command);
    CHECK_FALSE(plan.via_shell);
    CHECK(plan.argv == argv);
  }
}

TEST_CASE("a simple command the shell must expand is exec'ed by the shell", "[shell_command]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"puma -p $PORT", "exec puma -p $PORT"},
      {"puma -p ${PORT:-5000}", "exec puma -p ${PORT:-5000}"},
      {"node \"$APP_ROOT/server.js\"", "exec node \"$APP_ROOT/server.js\""},
      {"worker --id $(hostname) `date`", "exec worker --id $(hostname) `date`"},
      {"ls *.rb", "exec ls *.rb"},
      {"cat ~/notes", "exec cat ~/notes"},
      {"server >>log/server.log 2>&1", "exec server >>log/server.log 2>&1"},
      {"2>&1 server", "2>&1 exec server"},
      {"RAILS_ENV=production bundle exec puma", "RAILS_ENV=production exec bundle exec puma"},
      {"A=1 B=\"$A two\" >out prog x", "A=1 B=\"$A two\" >out exec prog x"},
      {"$HOME/bin/app --port $PORT", "exec $HOME/bin/app --port $PORT"},
      {"./bin/webpack-dev-server --hot # the assets", "exec ./bin/webpack-dev-server --hot # the assets"},
      {"x --expr $(echo 'a;b' | tr ';' ,)", "exec x --expr $(echo 'a;b' | tr ';' ,)"},
      {"x $((1 + (2 * 3)))", "exec x $((1 + (2 * 3)))"},
      {"x ${A:-\"a;b\"}", "exec x ${A:-\"a;b\"}"},
      {"prog {a,b} !x", "exec prog {a,b} !x"},
  };
  for (const auto& [command, text] : cases) {
    INFO(command);
    const auto plan = plan_command(command);
    CHECK(plan.via_shell);
    CHECK(plan.argv == shell(text));
  }
}

TEST_CASE("a command that is not one simple program run is given to the shell unchanged", "[shell_command]") {
  const std::vector<std::string> cases = {
      // lists, pipelines, background jobs, subshells and compound commands
      "bin/setup && bin/server",
      "migrate; serve",
      "a || b",
      "tail -f log | grep ERROR",
      "worker &",
      "server &>log",
      "(cd web && exec node server.js)",
      "{ a; b; }",
      "while true; do work; sleep 1; done",
      "if test -f x; then a; fi",
      "for i in 1 2; do echo $i; done",
      "case $X in a) run ;; esac",
      "! prog",
      "time prog",
      // builtins: exec would run a different program, or none
      "echo $PORT",
      "cd web",
      "cd web && exec node server.js",
      "trap 'echo bye' TERM",
      "exec",
      "exec -a name prog",
      "A=1 B=2",
      "FOO=bar echo $FOO",
      "'echo' hi",
      ">log",
      "$CMD --flag",
      "\"$RUNNER\" go",
      // what this scanner does not follow exactly
      "x 'unclosed",
      "x \"unclosed",
      "x \\",
      "cat <<EOF",
      "x $(case a in a) echo;; esac)",
      "x $(echo \"$(echo ')')\")",
      "x `echo a`; y",
      "",
      "   ",
  };
  for (const auto& command : cases) {
    INFO(command);
    const auto plan = plan_command(command);
    CHECK(plan.via_shell);
    CHECK(plan.argv == shell(command));
  }
}

TEST_CASE("the shell's path is the caller's", "[shell_command]") {
  CHECK(plan_command("a | b", "/bin/bash").argv == Argv{"/bin/bash", "-c", "a | b"});
  CHECK(plan_command("prog", "/bin/bash").argv == Argv{"prog"});
}

TEST_CASE("characters some shell treats specially keep a command in the shell", "[shell_command]") {
  for (const std::string command : {"prog a^b", "prog a]b", "prog \x01", "prog {}", "'a=b' x", "prog 'a\\b' $"}) {
    INFO(command);
    CHECK(plan_command(command).via_shell);
  }
}

namespace {

// What /bin/sh makes of the words of `command`: `set -- COMMAND` does the shell's quote removal (and, for
// commands that have any, its expansions), and printf hands the words back separated by NUL.
Argv words_by_the_shell(const std::string& command) {
  const std::string script = "set -- " + command + "; printf '%s\\0' \"$@\"";
  std::string quoted = "'";
  for (const char c : script) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  FILE* pipe = ::popen(("/bin/sh -c " + quoted + "'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    out.append(buffer, n);
  }
  REQUIRE(::pclose(pipe) == 0);
  Argv words;
  for (std::size_t start = 0, end; (end = out.find('\0', start)) != std::string::npos; start = end + 1) {
    words.push_back(out.substr(start, end - start));
  }
  return words;
}

} // namespace

// Random commands from pieces that quoting gets wrong; whenever plan_command executes one directly, its argv
// must be exactly the words /bin/sh would have given the program. Seeded, so a failure can be replayed.
TEST_CASE("a command executed directly gets exactly the words the shell would give it", "[shell_command]") {
  const std::vector<std::string> pieces = {
      "a",        "B1",      "-x",      "--k=v", "./p",  "/u/b",  "%",       "@:,+", "\xc3\xa9", " ",
      " ",        "\t",      "'",       "\"",    "\\",   "'a b'", "\"c d\"", "\\ ",  "\\\"",     "\\'",
      "\"\\\\\"", "\"\\$\"", "\"\\x\"", "''",    "\"\"", "'\\'",  "$",       ";",    "*",
  };
  std::uint32_t state = 20261204;
  const auto next = [&] { return state = state * 1664525U + 1013904223U; };
  int direct = 0;
  for (int round = 0; round < 400; ++round) {
    std::string command = "prog ";
    for (auto n = 1 + next() % 6; n > 0; --n) {
      command += pieces[next() % pieces.size()];
    }
    const auto plan = plan_command(command);
    if (plan.via_shell) {
      continue;
    }
    ++direct;
    INFO(command);
    CHECK(plan.argv == words_by_the_shell(command));
  }
  CHECK(direct > 100);
}
