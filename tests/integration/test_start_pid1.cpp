// SPDX-License-Identifier: MIT
// `tfrun start` as PID 1 of a PID namespace, as in a container.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <poll.h>

using namespace tfrun::test;

namespace {

RunOptions as_pid1(const TempDir& dir) {
  RunOptions options;
  options.cwd = dir.path();
  options.env["TFRUN_COLOR"] = "never";
  options.env["TFRUN_NO_TIMESTAMP"] = "1";
  options.wrapper = {"unshare", "--pid", "--fork", "--mount-proc"};
  return options;
}

} // namespace

TEST_CASE("as PID 1: 50 orphaned zombies are reaped, and an orphan's exit is not an app exit") {
  if (!unshare_available()) {
    WARN("unshare --pid is not available here: skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "maker: exec " + test_child() + " zombies 50\n");
  Tfrun tfrun({"start"}, as_pid1(dir));
  REQUIRE(tfrun.wait_for_line("maker\\.1 +\\| orphans made"));
  REQUIRE(tfrun.wait_for_line("maker\\.1 +\\| zombies left (\\d+)"));
  CHECK(tfrun.out().find("zombies left 0") != std::string::npos);
  CHECK(tfrun.out().find("exited") == std::string::npos); // no orphan counted as an app process
  tfrun.send_signal(SIGTERM);                             // to unshare, which does not forward it: stop tfrun itself
  const pid_t pid1 = first_child(tfrun.pid(), tfrun_binary());
  if (pid1 > 0) {
    ::kill(pid1, SIGTERM);
  }
  CHECK(tfrun.wait_for_exit().has_value());
}

TEST_CASE("as PID 1: SIGTERM sent the moment after start is never lost") {
  if (!unshare_available()) {
    WARN("unshare --pid is not available here: skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "app: exec " + test_child() + " report\n");
  int stopped = 0;
  const int tries = 25;
  for (int i = 0; i < tries; ++i) {
    Tfrun tfrun({"start"}, as_pid1(dir));
    const pid_t pid1 = first_child(tfrun.pid(), tfrun_binary());
    REQUIRE(pid1 > 0);
    REQUIRE(first_child(pid1) > 0); // the moment the app's process exists (init.md E6a)
    ::kill(pid1, SIGTERM);
    const auto status = tfrun.wait_for_exit(10s);
    INFO("status " << status.value_or(-1) << "\n" << tfrun.out() << tfrun.err());
    CHECK(status == 143);
    stopped += status == 143 ? 1 : 0;
    CHECK(no_leftovers(tfrun.marker()));
  }
  CHECK(stopped == tries);
}
