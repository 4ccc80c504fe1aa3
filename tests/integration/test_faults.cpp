// SPDX-License-Identifier: MIT
// Faults tfrun must survive with a clear message and nothing left running: too few descriptors, the
// process limit reached, storms of signals while starting and stopping.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <regex>
#include <sys/stat.h>

using namespace tfrun::test;

namespace {

// Runs tfrun under `sh -c PREFIX; exec tfrun ARGS`, in `dir`.
RunOptions wrapped(const TempDir& dir, const std::string& prefix) {
  auto options = in_dir(dir);
  options.wrapper = {"sh", "-c", prefix + "; exec \"$@\"", "sh"};
  return options;
}

} // namespace

TEST_CASE("faults: an open-file limit too low for the formation is refused before anything starts") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " print up\n");
  const auto result = run_tfrun({"start", "web=30"}, wrapped(dir, "ulimit -n 40; ulimit -Hn 40"), 10s);
  CHECK(result.status == 71);
  // 30 pipes, tfrun's own 11 and at least stdin, stdout and stderr.
  const std::regex message(R"(tfrun: error: the open-file limit \(40\) is too low for 30 instances, which need (\d+): )"
                           R"(raise it with `ulimit -n` \(or the engine's LimitNOFILE\)\n)");
  std::smatch match;
  REQUIRE(std::regex_match(result.err, match, message));
  CHECK(std::stoi(match[1]) >= 44);
  CHECK(result.out.empty());
}

TEST_CASE("faults: the open-file limit a formation is said to need is exactly what it needs") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " print up stay\n");
  const auto refused = run_tfrun({"start", "web=30"}, wrapped(dir, "ulimit -n 40"), 10s);
  std::smatch match;
  REQUIRE(std::regex_search(refused.err, match, std::regex(R"(which need (\d+):)")));
  const int needed = std::stoi(match[1]);
  const auto one_less = run_tfrun({"start", "web=30"}, wrapped(dir, "ulimit -n " + std::to_string(needed - 1)), 10s);
  CHECK(one_less.status == 71);
  CHECK(one_less.err.find("which need " + std::to_string(needed) + ":") != std::string::npos);
  // At exactly that limit every instance starts, and the stop needs no descriptor more.
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "web=30"},
              wrapped(dir, "ulimit -n " + std::to_string(needed)));
  REQUIRE(tfrun.wait_for_text_count("| up", 30));
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(tfrun.out().find("could not start") == std::string::npos);
  CHECK(tfrun.err().empty());
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("faults: descriptors running out in the middle of the start stop what started, with a clear line") {
  TempDir dir;
  // web starts first; late (40 instances) only once web is ready, which the test decides: in between, the
  // test lowers tfrun's open-file limit to what it uses plus a few.
  dir.write("Procfile", "web: exec " + test_child() + " print up\nlate: exec " + test_child() + " print up\n");
  dir.write("tfrun.toml", "[process.web]\nready = { command = \"test -e go\" }\n\n[process.late]\n"
                          "depends_on = [\"web\"]\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "web=1", "late=40"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| up)"));
  const auto in_use = std::distance(std::filesystem::directory_iterator("/proc/" + std::to_string(tfrun.pid()) + "/fd"),
                                    std::filesystem::directory_iterator());
  const auto limit = std::to_string(in_use + 8); // room for the readiness probe, not for 40 more
  REQUIRE(std::system(("prlimit --pid " + std::to_string(tfrun.pid()) + " --nofile=" + limit + ":" + limit).c_str()) ==
          0);
  dir.write("go", "");
  const bool said =
      tfrun.wait_for_line(R"(could not start: Too many open files \(raise the open-file limit)").has_value();
  INFO(tfrun.out() << tfrun.err());
  REQUIRE(said);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 71);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("faults: the process limit reached (fork fails) stops the formation with 71, nothing left") {
  if (::geteuid() != 0 || !runnable_by_others(test_child())) {
    WARN("not root, or the test child is out of another user's reach (a private build directory): skipped");
    return;
  }
  TempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0777) == 0);
  dir.write("Procfile", "web: exec " + test_child() + " print up\n");
  auto options = in_dir(dir);
  // Root is exempt from RLIMIT_NPROC: run as nobody, allowed 6 processes in all.
  options.wrapper = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit", "--nproc=6"};
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "web=10"}, options);
  REQUIRE(tfrun.wait_for_line(R"(could not start: cannot start a process: Resource temporarily unavailable)"));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 71);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("faults: 10,000 signals while starting and while stopping lose no shutdown and crash nothing") {
  TempDir dir;
  dir.write("Procfile", "web: exec " + test_child() + " print up\nworker: exec " + test_child() + " cleanup 300\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "web=10", "worker=5"}, in_dir(dir));
  // While the instances are being spawned: window-size changes, forwarded to every group.
  for (int i = 0; i < 5000; ++i) {
    tfrun.send_signal(SIGWINCH);
  }
  REQUIRE(tfrun.wait_for_text_count(" started (pid ", 15));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_line("SIGTERM received, stopping"));
  // While stopping (the workers take 300 ms to clean up): more stop requests and window changes.
  for (int i = 0; i < 5000; ++i) {
    tfrun.send_signal(i % 2 == 0 ? SIGHUP : SIGWINCH);
  }
  const auto status = tfrun.wait_for_exit(20s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(tfrun.out().find("SIGTERM received, stopping") != std::string::npos);
  CHECK(tfrun.err().empty());
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("faults: no /dev/null (a bare root) is named before anything starts") {
  if (::geteuid() != 0 || !unshare_available()) {
    WARN("needs root and unshare: skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "web: exec " + test_child() + " print up\n");
  auto options = in_dir(dir);
  options.wrapper = {"unshare", "--mount", "sh", "-c", "mount -t tmpfs none /dev && exec \"$@\"", "sh"};
  const auto result = run_tfrun({"start"}, options, 10s);
  CHECK(result.status == 71);
  CHECK(result.err == "tfrun: error: cannot open /dev/null: No such file or directory (every instance gets it as "
                      "its stdin)\n");
  CHECK(result.out.empty());
}

namespace {

// A copy of the test child installed setuid root in `dir`: it makes itself root, so tfrun running as
// nobody cannot signal it, and SIGKILL does not end it.
std::string install_unkillable(const TempDir& dir) {
  const auto path = dir.path() + "/holder";
  REQUIRE(std::system(("cp " + test_child() + " " + path + " && chmod 4755 " + path).c_str()) == 0);
  REQUIRE(::chmod(dir.path().c_str(), 0777) == 0);
  return path;
}

RunOptions as_nobody(const TempDir& dir) {
  auto options = in_dir(dir);
  options.wrapper = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  return options;
}

} // namespace

TEST_CASE("faults: an instance SIGKILL cannot end is named, and the stop still ends") {
  if (::geteuid() != 0) {
    WARN("not root: cannot install a setuid child, skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "web: exec " + install_unkillable(dir) + " setuid-hold\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "-t", "0.2"}, as_nobody(dir));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| held)"));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_line(R"(warning: web\.1 \(pid \d+\) is still running after SIGKILL; tfrun stops waiting)"));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
}

TEST_CASE("faults: a leftover SIGKILL cannot end is named, and the stop still ends") {
  if (::geteuid() != 0 || !runnable_by_others(test_child())) {
    WARN("not root, or the test child is out of another user's reach (a private build directory): skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "web: " + install_unkillable(dir) + " setuid-hold & exec " + test_child() + " print up\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "-t", "0.2"}, as_nobody(dir));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| held)"));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| up)"));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_line(R"(warning: holder \(pid \d+\) is still running after SIGKILL; tfrun exits without it)"));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
}

TEST_CASE("faults: an instance `tfrun stop` cannot end is shown as abandoned, and the formation goes on") {
  if (::geteuid() != 0 || !runnable_by_others(test_child())) {
    WARN("not root, or the test child is out of another user's reach (a private build directory): skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile",
            "web: exec " + install_unkillable(dir) + " setuid-hold\nother: exec " + test_child() + " report\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never", "-t", "0.2"}, as_nobody(dir));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| held)"));
  REQUIRE(tfrun.wait_for_line(R"(other\.1 +\| ready)"));
  const auto stopped = run_tfrun({"stop", "web"}, as_nobody(dir), 10s);
  CHECK(stopped.status == 0);
  REQUIRE(tfrun.wait_for_line(R"(warning: web\.1 \(pid \d+\) is still running after SIGKILL; tfrun stops waiting)"));
  const auto ps = run_tfrun({"ps", "web"}, as_nobody(dir), 10s);
  CHECK(ps.status == 0);
  CHECK(std::regex_search(ps.out, std::regex(R"(web\.1 +\d+ +abandoned )")));
  CHECK(run_tfrun({"ps", "other"}, as_nobody(dir), 10s).out.find("running") != std::string::npos);
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
}
