// SPDX-License-Identifier: MIT
// `tfrun start` with restart policies and can_exit from tfrun.toml: the backoff measured from the system
// lines' own timestamps, giving up, a healthy run resetting the delay, types allowed to finish.
#include "lifecycle_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

struct Restart {
  double delay_ms = 0; // from the exit line to the next start line
  std::string exit_line;
};

// Each "X exited ...; restart N in D" line and the time until the next "X started" line.
std::vector<Restart> restarts_of(const std::vector<TimedLine>& lines, const std::string& name) {
  std::vector<Restart> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].process != "system" || lines[i].text.rfind(name + " exited", 0) != 0 ||
        lines[i].text.find("; restart ") == std::string::npos) {
      continue;
    }
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[j].process == "system" && lines[j].text.rfind(name + " started", 0) == 0) {
        out.push_back({lines[j].ms - lines[i].ms, lines[i].text});
        break;
      }
    }
  }
  return out;
}

} // namespace

TEST_CASE("a crashing type is restarted with doubling delays, keeps its name and PORT, then is given up") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print serving") + "\ncrash: echo \"port=$PORT\"; exit 3\n");
  dir.write("tfrun.toml", "[process.crash]\nrestart = \"on-failure\"\nrestart_delay = \"200ms\"\n"
                          "max_restart_delay = \"600ms\"\nmax_restarts = 4\n");
  const auto result = run_tfrun({"start", "-p", "7000"}, json_output_in(dir), 30s);
  CHECK(result.status == 3); // the status of the exit that made tfrun give up
  const auto lines = timed_lines(result.out);
  const auto restarts = restarts_of(lines, "crash.1");
  REQUIRE(restarts.size() == 4);
  const std::vector<double> expected = {200, 400, 600, 600}; // doubled, then held at the ceiling
  for (std::size_t i = 0; i < restarts.size(); ++i) {
    INFO(restarts[i].exit_line << " then started after " << restarts[i].delay_ms << " ms");
    CHECK(restarts[i].exit_line == "crash.1 exited with code 3; restart " + std::to_string(i + 1) + " in " +
                                       std::to_string(static_cast<int>(expected[i])) + " ms");
    CHECK(restarts[i].delay_ms >= expected[i] - 5); // timestamps are whole milliseconds
    CHECK(restarts[i].delay_ms < expected[i] + 500);
  }
  int port_lines = 0;
  for (const auto& line : lines) {
    if (line.process == "crash.1") {
      CHECK(line.text == "port=7100"); // same name, same PORT in every life
      ++port_lines;
    }
  }
  CHECK(port_lines == 5);
  CHECK(find_line(lines, "system", ", port 7100, restart 4)"));
  CHECK(find_line(lines, "system", "crash.1 gave up after 4 restarts (last: exited with code 3), stopping"));
  CHECK(find_line(lines, "system", "web.1 killed by SIGTERM"));
}

TEST_CASE("a healthy run resets the backoff") {
  TempDir dir;
  // Each life runs 0.4 s, longer than healthy_after: every restart is the first in a row again.
  dir.write("Procfile", "flaky: sleep 0.4; exit 1\n");
  dir.write("tfrun.toml", "[process.flaky]\nrestart = \"on-failure\"\nrestart_delay = \"100ms\"\n"
                          "healthy_after = \"300ms\"\n");
  Tfrun tfrun({"start"}, json_output_in(dir));
  REQUIRE(tfrun.wait_for_text_count("; restart 1 in 100 ms", 3, 15s));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  CHECK(tfrun.out().find("; restart 2 in") == std::string::npos);
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("restart = always also restarts a clean exit, and Ctrl-C during the delay stops at once") {
  TempDir dir;
  dir.write("Procfile", "tick: echo tick; exit 0\n");
  dir.write("tfrun.toml", "[process.tick]\nrestart = \"always\"\nrestart_delay = \"100ms\"\n"
                          "max_restart_delay = \"60s\"\n");
  Tfrun tfrun({"start"}, json_output_in(dir));
  // The fourth delay is 800 ms: Ctrl-C lands in it (or in the next), and nothing may start afterwards.
  REQUIRE(tfrun.wait_for_line("tick\\.1 exited with code 0; restart 4 in 800 ms"));
  tfrun.send_signal(SIGINT);
  REQUIRE(tfrun.wait_for_exit(5s) == 130);
  const auto lines = timed_lines(tfrun.out());
  const auto sigint = find_line(lines, "system", "SIGINT received");
  REQUIRE(sigint);
  for (std::size_t i = *sigint; i < lines.size(); ++i) {
    CHECK(lines[i].text.find("started") == std::string::npos);
  }
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("can_exit: a type that finishes with 0 leaves the others running, a failure still stops them") {
  TempDir dir;
  SECTION("exit 0 is fine") {
    dir.write("Procfile", "assets: echo built; exit 0\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.assets]\ncan_exit = true\n");
    Tfrun tfrun({"start"}, json_output_in(dir));
    REQUIRE(tfrun.wait_for_line("assets\\.1 exited with code 0; allowed to exit"));
    REQUIRE(tfrun.wait_for_line("web\\.1.*serving"));
    tfrun.send_signal(SIGTERM);
    REQUIRE(tfrun.wait_for_exit() == 143); // web ran until tfrun was told to stop
    CHECK(tfrun.out().find("web.1 killed by SIGTERM") != std::string::npos);
  }
  SECTION("a non-zero exit stops the formation") {
    dir.write("Procfile", "assets: echo broken; exit 2\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.assets]\ncan_exit = true\n");
    CHECK(run_tfrun({"start"}, json_output_in(dir)).status == 2);
  }
  SECTION("when every process has finished and was allowed to, tfrun exits 0") {
    dir.write("Procfile", "assets: echo built\nrelease: echo migrated\n");
    dir.write("tfrun.toml", "[process.assets]\ncan_exit = true\n\n[process.release]\noneshot = true\n");
    const auto result = run_tfrun({"start"}, json_output_in(dir));
    CHECK(result.status == 0);
    CHECK(find_line(timed_lines(result.out), "system", "every process has finished"));
  }
}
