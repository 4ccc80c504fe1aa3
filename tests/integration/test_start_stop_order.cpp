// SPDX-License-Identifier: MIT
// How a formation stops: the status follows the order in which processes exited, what an instance left
// behind stops with that instance's wave, a second Ctrl-C says it killed at once, and siblings that had
// only just started still print what they were starting to print.
#include "lifecycle_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace tfrun::test;

namespace {

// A shell loop that says it is up, says so again when TERM arrives, runs `cleanup`, then says it is done.
std::string trapping(const std::string& name, const std::string& cleanup = ":") {
  return "sh -c 'trap \"echo " + name + " got TERM; " + cleanup + "; echo " + name + " done; exit 0\" TERM; echo " +
         name + " up; while :; do sleep 0.05; done'";
}

} // namespace

TEST_CASE("start: the status is that of the first process to exit, even when its output drains later") {
  TempDir dir;
  // `a` exits 3 leaving a background sleep that holds its output open; `b` exits 5 as soon as `a` has
  // been reaped (kill -0 fails from then on), so b's output closes first.
  dir.write("Procfile", "a: echo $$ > a.pid; sleep 30 & exit 3\n"
                        "b: until [ -s a.pid ] && ! kill -0 $(cat a.pid) 2>/dev/null; do :; done; exit 5\n");
  const auto result = run_tfrun({"start", "--no-timestamp"}, in_dir(dir), 20s);
  INFO(result.out);
  CHECK(result.status == 3);
}

TEST_CASE("start: what an instance left behind is stopped with its instance's wave, not before the first") {
  TempDir dir;
  // db leaves a double-forked process in its group (adopted by tfrun); web depends on db, so web stops
  // first (its clean-up takes a while) and the leftover only with db, once web is done.
  dir.write("Procfile", "db: (" + trapping("db-leftover") + " &); exec " + trapping("db") +
                            "\nweb: " + trapping("web", "sleep 0.3") + "\n");
  dir.write("tfrun.toml", "[process.web]\ndepends_on = [\"db\"]\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line("db-leftover up"));
  REQUIRE(tfrun.wait_for_line("web up"));
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  const auto out = tfrun.out();
  INFO(out << "\nstderr:\n" << tfrun.err());
  const auto web = out.find("web done");
  const auto leftover = out.find("db-leftover got TERM");
  REQUIRE(web != std::string::npos);
  REQUIRE(leftover != std::string::npos);
  CHECK(web < leftover);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("start: after a second Ctrl-C the exit line says the process was killed at once") {
  TempDir dir;
  dir.write("Procfile", "stubborn: exec " + test_child() + " ignore-term\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "-t", "60"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(stubborn\.1 +\| ready)")); // its SIGTERM is ignored from now on
  tfrun.send_signal(SIGINT);
  REQUIRE(tfrun.wait_for_line("SIGINT received, stopping"));
  tfrun.send_signal(SIGINT);
  REQUIRE(tfrun.wait_for_line(R"(stubborn\.1 killed by SIGKILL at once \(asked twice\))"));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGINT);
  CHECK(tfrun.out().find("grace") == std::string::npos);
}

TEST_CASE("start: siblings that exit at once all print first, 20 times in a row") {
  TempDir dir;
  dir.write("Procfile", "a: echo one\nb: echo two\nc: echo three\n");
  for (int run = 0; run < 20; ++run) {
    const auto result = run_tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir), 20s);
    INFO("run " << run << ":\n" << result.out);
    CHECK(result.status == 0);
    CHECK(result.out.find("a.1    | one\n") != std::string::npos);
    CHECK(result.out.find("b.1    | two\n") != std::string::npos);
    CHECK(result.out.find("c.1    | three\n") != std::string::npos);
  }
}

TEST_CASE("start: grace periods of 100 years in three waves add up without overflow") {
  TempDir dir;
  dir.write("Procfile", "a: exec " + test_child() + " print up\nb: exec " + test_child() + " print up\nc: exec " +
                            test_child() + " print up\n");
  dir.write("tfrun.toml", "[process.a]\ntimeout = \"876000h\"\n[process.b]\ntimeout = \"876000h\"\n"
                          "depends_on = [\"a\"]\n[process.c]\ntimeout = \"876000h\"\ndepends_on = [\"b\"]\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(c\.1 +\| up)"));
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(tfrun.err().empty());
}
