// SPDX-License-Identifier: MIT
// `tfrun run`: one-off commands in the app's environment, exit statuses, argv passthrough.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <sstream>
#include <vector>

using namespace tfrun::test;

TEST_CASE("run: exit statuses 0..255 pass through") {
  TempDir dir;
  for (int code = 0; code <= 255; ++code) {
    REQUIRE(tfrun_status({"run", test_child(), "exit", std::to_string(code)}, dir.path()) == code);
  }
}

TEST_CASE("run: killed by a signal gives 128+n, not found 127, not executable 126") {
  TempDir dir;
  for (const int sig : {SIGTERM, SIGHUP, SIGQUIT, SIGKILL}) {
    CHECK(run_tfrun({"run", test_child(), "kill-self", std::to_string(sig)}, in_dir(dir)).status == 128 + sig);
  }
  const auto missing = run_tfrun({"run", "no-such-command-tfrun", "arg"}, in_dir(dir));
  CHECK(missing.status == 127);
  CHECK(missing.err == "tfrun: error: no-such-command-tfrun: command not found\n");
  const auto directory = run_tfrun({"run", "--", dir.path()}, in_dir(dir));
  CHECK(directory.status == 126);
  CHECK(directory.err == "tfrun: error: " + dir.path() + ": is a directory\n");
  dir.write("script", "#!/bin/sh\necho hi\n");
  const auto not_executable = run_tfrun({"run", "./script"}, in_dir(dir));
  CHECK(not_executable.status == 126);
  CHECK(not_executable.err == "tfrun: error: ./script: permission denied (not executable)\n");
}

TEST_CASE("run: arguments are passed as given, options after the command belong to it") {
  TempDir dir;
  dir.write(".env", "FOO=bar\nQUOTED=\"a b\"\n");
  const auto printed = run_tfrun({"run", "printf", "%s|", "a b", "$HOME", "*", "-e"}, in_dir(dir));
  CHECK(printed.status == 0);
  CHECK(printed.out == "a b|$HOME|*|-e|");
  const auto grep = run_tfrun({"run", "grep", "-e", "FOO", ".env"}, in_dir(dir));
  CHECK(grep.out == "FOO=bar\n");
  const auto dashes =
      run_tfrun({"run", "-p", "6000", "--", "sh", "-c", "echo $PS $PORT $FOO \"$QUOTED\""}, in_dir(dir));
  CHECK(dashes.out == "run.1 6000 bar a b\n");
}

TEST_CASE("run: a Procfile entry's name runs its command through the shell in the root") {
  TempDir dir;
  dir.write("Procfile", "web: echo web on $PORT in $(pwd)\nmigrate: echo migrating $PS; exit 3\n");
  const auto migrate = run_tfrun({"run", "migrate"}, in_dir(dir));
  CHECK(migrate.status == 3);
  CHECK(migrate.out == "migrating run.1\n");
  auto elsewhere = in_dir(dir);
  elsewhere.cwd = "/";
  const auto web = run_tfrun({"run", "-f", dir.path() + "/Procfile", "web"}, elsewhere);
  CHECK(web.out == "web on 5000 in " + dir.path() + "\n");
}

TEST_CASE("run: stdout and stderr stay separate, stdin is inherited") {
  TempDir dir;
  const auto result = run_tfrun({"run", "sh", "-c", "echo out; echo err >&2; cat"}, in_dir(dir));
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
}

TEST_CASE("run: signals to tfrun reach the command") {
  TempDir dir;
  Tfrun tfrun({"run", test_child(), "report"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line("^ready$"));
  for (const int sig : {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGRTMIN + 2}) {
    tfrun.send_signal(sig);
    CHECK(tfrun.wait_for_line("^got " + std::to_string(sig) + "$"));
  }
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 0);
}

TEST_CASE("run: when the command exits, what it left behind gets SIGTERM and time to clean up") {
  TempDir dir;
  const auto result =
      run_tfrun({"run", "sh", "-c",
                 test_child() + " cleanup 500 cleanup-ready & while [ ! -e cleanup-ready ]; do :; done; exit 3"},
                in_dir(dir));
  CHECK(result.status == 3);
  CHECK(result.out == "ready\ncleaned\n");
}

TEST_CASE("run: `run -- CMD` alone (the container entrypoint, read without the option parser) means the defaults") {
  TempDir dir;
  dir.write("Procfile", "web: echo web\n");
  dir.write(".env", "FROM_ENV_FILE=1\nPORT=6100\n");
  const auto sorted_lines = [](const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("TFRUN_TEST_MARKER=")) { // the harness's, different for every run
        lines.push_back(line);
      }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  // The same line with an option that changes nothing goes through the parser: the two must agree.
  const auto plain = run_tfrun({"run", "--", "env"}, in_dir(dir));
  const auto parsed = run_tfrun({"run", "--signal-target", "group", "--", "env"}, in_dir(dir));
  REQUIRE(plain.status == 0);
  REQUIRE(parsed.status == 0);
  CHECK(sorted_lines(plain.out) == sorted_lines(parsed.out));
  CHECK(plain.out.find("FROM_ENV_FILE=1\n") != std::string::npos);
  CHECK(plain.out.find("PORT=6100\n") != std::string::npos);
  // A TFRUN_* variable is an option too: it is read.
  auto options = in_dir(dir);
  options.env["TFRUN_PORT"] = "7000";
  CHECK(run_tfrun({"run", "--", "env"}, options).out.find("PORT=7000\n") != std::string::npos);
}
