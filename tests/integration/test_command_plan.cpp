// SPDX-License-Identifier: MIT
// How `start` and `run NAME` run a Procfile command (docs/formats.md, "How a command is run"): directly when
// the shell would have nothing to do, so the process tfrun reports and signals is the app itself; through the
// shell, which execs the app, when it has something to do ($PORT, quotes); tfrun's own message and the shell's
// 127 for a program that is nowhere; and a script without #! still runs, with /bin/sh.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/stat.h>

using namespace tfrun::test;

namespace {

const std::vector<std::string> k_plain_start = {"start", "--no-timestamp", "--color", "never"};

void write_script(const TempDir& dir, const std::string& name, const std::string& content) {
  dir.write(name, content);
  REQUIRE(::chmod((dir.path() + "/" + name).c_str(), 0755) == 0);
}

void stop(Tfrun& tfrun) {
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit(10s));
  CHECK(no_leftovers(tfrun.marker()));
}

} // namespace

TEST_CASE("start: a shell-free command runs directly: the pid tfrun reports is the app's, tfrun its parent") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " pid plain-word stay\n");
  Tfrun tfrun(k_plain_start, in_dir(dir));
  const auto started = tfrun.wait_for_line(R"(^system +\| web\.1 started \(pid (\d+),)");
  REQUIRE(started);
  const auto said = tfrun.wait_for_line(R"(^web\.1 +\| pid (\d+) ppid (\d+) \[plain-word\]$)");
  REQUIRE(said);
  CHECK((*said)[1] == (*started)[1]);
  CHECK((*said)[2] == std::to_string(tfrun.pid()));
  stop(tfrun);
}

TEST_CASE("start: $PORT and quotes still reach the shell, which execs the app in its own place") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " pid \"$PORT\" 'two  words' stay\n");
  Tfrun tfrun(k_plain_start, in_dir(dir));
  const auto started = tfrun.wait_for_line(R"(^system +\| web\.1 started \(pid (\d+), port (\d+)\))");
  REQUIRE(started);
  const auto said = tfrun.wait_for_line(R"(^web\.1 +\| pid (\d+) ppid (\d+) \[(\d+)\] \[two  words\]$)");
  REQUIRE(said);
  CHECK((*said)[1] == (*started)[1]); // the shell exec'd the app: no shell stands between
  CHECK((*said)[2] == std::to_string(tfrun.pid()));
  CHECK((*said)[3] == (*started)[2]);
  stop(tfrun);
}

TEST_CASE("start: a list stays with the shell, unchanged") {
  TempDir dir;
  dir.write("Procfile", "web: echo \"port $PORT\" && " + test_child() + " pid stay\n");
  Tfrun tfrun(k_plain_start, in_dir(dir));
  const auto started = tfrun.wait_for_line(R"(^system +\| web\.1 started \(pid (\d+), port (\d+)\))");
  REQUIRE(started);
  REQUIRE(tfrun.wait_for_line("^web\\.1 +\\| port " + (*started)[2] + "$"));
  const auto said = tfrun.wait_for_line(R"(^web\.1 +\| pid (\d+) ppid (\d+)$)");
  REQUIRE(said);
  CHECK((*said)[2] == (*started)[1]); // the shell is the tracked process, the app its child
  stop(tfrun);
}

TEST_CASE("start: a program that is nowhere gets tfrun's own message and the shell's 127") {
  TempDir dir;
  dir.write("Procfile", "web: tfrun-test-no-such-program --flag\n");
  const auto result = run_tfrun(k_plain_start, in_dir(dir), 10s);
  CHECK(result.status == 127);
  CHECK(result.out.find("web.1 could not start: tfrun-test-no-such-program: command not found\n") != std::string::npos);
  CHECK(result.out.find("web.1 exited with code 127") != std::string::npos);
}

TEST_CASE("start: an executable script without #! still runs, with /bin/sh") {
  TempDir dir;
  write_script(dir, "plain.sh", "echo \"plain script: $1 $PS\"\n");
  dir.write("Procfile", "web: ./plain.sh first\n");
  const auto result = run_tfrun(k_plain_start, in_dir(dir), 10s);
  CHECK(result.out.find("| plain script: first web.1\n") != std::string::npos);
  CHECK(result.status == 0);
}

TEST_CASE("run NAME: a shell-free command is exec'd directly, with tfrun as its parent") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " pid plain-word\n");
  Tfrun tfrun({"run", "web"}, in_dir(dir));
  const auto said = tfrun.wait_for_line(R"(^pid (\d+) ppid (\d+) \[plain-word\]$)");
  REQUIRE(said);
  CHECK((*said)[2] == std::to_string(tfrun.pid()));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("run NAME: expansions and quotes still reach the shell, which execs the app") {
  TempDir dir;
  dir.write(".env", "GREETING=hello there\n");
  dir.write("Procfile", "web: " + test_child() + " pid \"$GREETING\" 'two  words'\n");
  Tfrun tfrun({"run", "web"}, in_dir(dir));
  const auto said = tfrun.wait_for_line(R"(^pid (\d+) ppid (\d+) \[hello there\] \[two  words\]$)");
  REQUIRE(said);
  CHECK((*said)[2] == std::to_string(tfrun.pid()));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("run NAME: a program that is nowhere gets tfrun's own message and 127") {
  TempDir dir;
  dir.write("Procfile", "web: tfrun-test-no-such-program --flag\n");
  const auto result = run_tfrun({"run", "web"}, in_dir(dir), 10s);
  CHECK(result.status == 127);
  CHECK(result.err == "tfrun: error: tfrun-test-no-such-program: command not found\n");
}

TEST_CASE("run NAME: an executable script without #! still runs, with /bin/sh") {
  TempDir dir;
  write_script(dir, "plain.sh", "echo \"plain script: $1\"\nexit 4\n");
  dir.write("Procfile", "web: ./plain.sh first\n");
  const auto result = run_tfrun({"run", "web"}, in_dir(dir), 10s);
  CHECK(result.status == 4);
  CHECK(result.out == "plain script: first\n");
}

TEST_CASE("run NAME: a bare name is looked up on the PATH the app gets, from the app's directory") {
  TempDir dir;
  REQUIRE(::mkdir((dir.path() + "/bin").c_str(), 0755) == 0);
  write_script(dir, "bin/tool", "#!/bin/sh\necho \"tool ran in $(basename \"$PWD\")\"\n");
  dir.write("Procfile", "web: tool\n");
  dir.write(".env", "PATH=bin:/usr/bin:/bin\n");
  const auto result = run_tfrun({"run", "web"}, in_dir(dir), 10s);
  CHECK(result.status == 0);
  CHECK(result.out.find("tool ran in ") == 0);
}
