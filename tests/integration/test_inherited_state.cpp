// SPDX-License-Identifier: MIT
// What tfrun inherits from its parent and what its children inherit from tfrun: a blocked signal mask,
// ignored signals, the open-file limit.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <string>

using namespace tfrun::test;

namespace {

// Signals 1 to 31 of "SigBlk:\t0000000080000002" (bit n-1 is signal n), as 8 hex digits: "00000002".
// glibc reserves 32 and 33 for itself and lets no program change them, so whatever tfrun's own parent
// left there reaches every child.
std::string mask_field(const std::string& out, const std::string& field) {
  const auto at = out.find(field + ":\t");
  if (at == std::string::npos) {
    return {};
  }
  const auto low = std::stoul(out.substr(at + field.size() + 2 + 8, 8), nullptr, 16) & 0x7fffffffUL;
  char text[9];
  std::snprintf(text, sizeof text, "%08lx", low);
  return text;
}

} // namespace

TEST_CASE("start: with SIGCHLD, SIGTERM and SIGINT blocked by its parent, tfrun still reaps and stops") {
  TempDir dir;
  dir.write("Procfile", "web: exec " + test_child() + " mask\nonce: echo once; exit 0\n");
  dir.write("tfrun.toml", "[process.once]\ncan_exit = true\n");
  auto options = in_dir(dir);
  options.wrapper = {test_child(), "blocked"};
  Tfrun blocked({"start", "--no-timestamp", "--color", "never"}, options);
  REQUIRE(blocked.wait_for_line(R"(once\.1 exited with code 0; allowed to exit)")); // SIGCHLD reached tfrun
  REQUIRE(blocked.wait_for_line(R"(web\.1 +\| SigIgn:)"));
  const auto out = blocked.out();
  CHECK(mask_field(out, "SigBlk") == "00000000"); // the child starts with a clean mask
  CHECK(mask_field(out, "SigIgn") == "00000000");
  blocked.send_signal(SIGTERM);
  const auto status = blocked.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(no_leftovers(blocked.marker()));
}

TEST_CASE("start: SIGINT and SIGHUP ignored by the parent (nohup, `cmd &`) stay ignored, SIGTERM stops") {
  TempDir dir;
  dir.write("Procfile", "web: exec " + test_child() + " mask\n");
  auto options = in_dir(dir);
  options.wrapper = {"sh", "-c", "trap '' INT HUP; exec \"$@\"", "sh"};
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never"}, options);
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| SigIgn:)"));
  CHECK(mask_field(tfrun.out(), "SigIgn") == "00000000"); // children get every default back
  tfrun.send_signal(SIGINT);
  tfrun.send_signal(SIGHUP);
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(tfrun.out().find("SIGINT received") == std::string::npos);
  CHECK(tfrun.out().find("SIGHUP received") == std::string::npos);
  CHECK(tfrun.out().find("SIGTERM received, stopping") != std::string::npos);
}

TEST_CASE("start and run: children get the open-file limit tfrun was started with, not its raised one") {
  TempDir dir;
  dir.write("Procfile", "web: echo nofile=$(ulimit -n)\n");
  auto options = in_dir(dir);
  options.wrapper = {"sh", "-c", "ulimit -S -n 1000; exec \"$@\"", "sh"};
  const auto start = run_tfrun({"start", "--no-timestamp", "--color", "never"}, options, 10s);
  CHECK(start.out.find("web.1  | nofile=1000\n") != std::string::npos);
  const auto run = run_tfrun({"run", "web"}, options, 10s);
  CHECK(run.out == "nofile=1000\n");
}
