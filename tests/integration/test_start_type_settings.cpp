// SPDX-License-Identifier: MIT
// `tfrun start` with the per-type settings of tfrun.toml: stop_signal, timeout, signal_target, env, cwd.
#include "lifecycle_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("stop_signal and timeout per type") {
  TempDir dir;
  // quitter leaves only on SIGQUIT (3); slowpoke ignores SIGTERM and has a short grace of its own.
  dir.write("Procfile", "quitter: " + child("report 3") + "\nslowpoke: " + child("ignore-term") + "\n");
  dir.write("tfrun.toml", "[process.quitter]\nstop_signal = \"QUIT\"\n\n[process.slowpoke]\ntimeout = \"300ms\"\n");
  Tfrun tfrun({"start", "-t", "60"}, json_output_in(dir));
  REQUIRE(tfrun.wait_for_text_count("\"line\":\"ready\"", 2));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit(20s) == 143); // far less than the 60 s of -t
  const auto lines = timed_lines(tfrun.out());
  CHECK(find_line(lines, "quitter.1", "got 3"));
  CHECK_FALSE(find_line(lines, "quitter.1", "got 15"));
  CHECK(find_line(lines, "system", "quitter.1 exited with code 0"));
  CHECK(find_line(lines, "system", "slowpoke.1 killed by SIGKILL after 300 ms grace"));
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("signal_target = main signals only the main process, group reaches the whole group") {
  TempDir dir;
  // A background process in the instance's group logs what it receives to bg.log; the main process
  // starts once the background one is listening for signals.
  dir.write("Procfile", "fam: " + test_child() +
                            " report > bg.log & until grep -q ready bg.log; do sleep 0.01; done; " + child("report") +
                            "\n");
  std::string target;
  SECTION("main") { target = "main"; }
  SECTION("group") { target = "group"; }
  dir.write("tfrun.toml", "[process.fam]\nsignal_target = \"" + target + "\"\n");
  Tfrun tfrun({"start"}, json_output_in(dir));
  REQUIRE(tfrun.wait_for_line("\"process\":\"fam.1\".*\"line\":\"ready\""));
  tfrun.send_signal(SIGUSR1);
  REQUIRE(tfrun.wait_for_line("\"process\":\"fam.1\".*\"line\":\"got 10\""));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker(), 3s));
  const auto background = read_file(dir.path() + "/bg.log");
  CHECK(background.find("ready") != std::string::npos);
  if (target == "main") {
    CHECK(background.find("got 10") == std::string::npos);
  } else {
    CHECK(background.find("got 10") != std::string::npos);
  }
}

TEST_CASE("env and cwd per type: tfrun.toml's values over the env files, cwd relative to the root") {
  TempDir dir;
  dir.write("Procfile", "w: echo \"X=$X Y=$Y\"; pwd; " + child("print done") + "\nother: echo \"other X=$X\"; " +
                            child("print done") + "\n");
  dir.write(".env", "X=from-env\nY=kept\n");
  REQUIRE(::mkdir((dir.path() + "/sub").c_str(), 0755) == 0);
  dir.write("tfrun.toml", "[process.w]\nenv = { X = \"from-toml\" }\ncwd = \"sub\"\n");
  Tfrun tfrun({"start"}, json_output_in(dir));
  REQUIRE(tfrun.wait_for_text_count("\"line\":\"done\"", 2));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  const auto lines = timed_lines(tfrun.out());
  CHECK(find_line(lines, "w.1", "X=from-toml Y=kept"));
  const auto cwd = find_line(lines, "w.1", "/sub");
  REQUIRE(cwd);
  CHECK(lines[*cwd].text == dir.path() + "/sub");
  CHECK(find_line(lines, "other.1", "other X=from-env")); // only w has the override
}
