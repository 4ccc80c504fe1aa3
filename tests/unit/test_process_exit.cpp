// SPDX-License-Identifier: MIT
#include <tfrun/core/process_exit.hpp>

#include <catch2/catch.hpp>

#include <csignal>

using tfrun::core::describe_exit;
using tfrun::core::exit_status_of;
using tfrun::core::ProcessExit;

namespace {

ProcessExit exited(int code) { return ProcessExit{false, code, 0}; }
ProcessExit killed(int signal) { return ProcessExit{true, 0, signal}; }

} // namespace

TEST_CASE("exit_status_of passes a code through", "[process_exit]") {
  CHECK(exit_status_of(exited(0)) == 0);
  CHECK(exit_status_of(exited(1)) == 1);
  CHECK(exit_status_of(exited(3)) == 3);
  CHECK(exit_status_of(exited(127)) == 127);
  CHECK(exit_status_of(exited(255)) == 255);
  CHECK(exit_status_of(ProcessExit{}) == 0);
}

TEST_CASE("exit_status_of gives 128 + the signal (the shell's convention)", "[process_exit]") {
  CHECK(exit_status_of(killed(SIGINT)) == 130);
  CHECK(exit_status_of(killed(SIGKILL)) == 137);
  CHECK(exit_status_of(killed(SIGTERM)) == 143);
  CHECK(exit_status_of(killed(SIGHUP)) == 129);
  // The code is ignored once the process was signalled.
  CHECK(exit_status_of(ProcessExit{true, 7, SIGTERM}) == 143);
}

TEST_CASE("describe_exit says how the process ended", "[process_exit]") {
  CHECK(describe_exit(exited(0)) == "exited with code 0");
  CHECK(describe_exit(exited(3)) == "exited with code 3");
  CHECK(describe_exit(exited(255)) == "exited with code 255");
  CHECK(describe_exit(killed(SIGTERM)) == "killed by SIGTERM");
  CHECK(describe_exit(killed(SIGKILL)) == "killed by SIGKILL");
  CHECK(describe_exit(killed(SIGSEGV)) == "killed by SIGSEGV");
  CHECK(describe_exit(killed(SIGINT)) == "killed by SIGINT");
  CHECK(describe_exit(ProcessExit{true, 7, SIGTERM}) == "killed by SIGTERM");
  // A number with no name is still described.
  CHECK(describe_exit(killed(99)) == "killed by signal 99");
}
