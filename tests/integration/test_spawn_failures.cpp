// SPDX-License-Identifier: MIT
// A child that cannot be started: every cause named, the shell's 126/127, and tfrun never hangs (before,
// a failed exec in the vfork child deadlocked tfrun, which then ignored SIGTERM).
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <sys/stat.h>

using namespace tfrun::test;

namespace {

void write_script(const TempDir& dir, const std::string& name, const std::string& content) {
  dir.write(name, content);
  REQUIRE(::chmod((dir.path() + "/" + name).c_str(), 0755) == 0);
}

// A .env whose one value is larger than the kernel takes for one string (128 KiB): exec fails with E2BIG.
std::string oversized_env() { return "HUGE=" + std::string(200 * 1024, 'x') + "\n"; }

} // namespace

TEST_CASE("run: a script whose interpreter is missing names the interpreter, exits 127, does not hang") {
  TempDir dir;
  write_script(dir, "bad.sh", "#!/nonexistent/interpreter -x\necho never\n");
  const auto result = run_tfrun({"run", "./bad.sh"}, in_dir(dir), 10s);
  CHECK(result.status == 127);
  CHECK(result.err ==
        "tfrun: error: cannot execute ./bad.sh: No such file or directory (interpreter /nonexistent/interpreter)\n");
}

TEST_CASE("run: an executable script without #! runs with /bin/sh, as a shell runs it") {
  TempDir dir;
  write_script(dir, "plain.sh", "echo \"plain script: $1 $PS\"\nexit 4\n");
  const auto result = run_tfrun({"run", "./plain.sh", "first"}, in_dir(dir), 10s);
  CHECK(result.status == 4);
  CHECK(result.out == "plain script: first run.1\n");
}

TEST_CASE("run: an environment over the kernel's limit is named, exits 126, does not hang") {
  TempDir dir;
  dir.write(".env", oversized_env());
  const auto result = run_tfrun({"run", "true"}, in_dir(dir), 10s);
  CHECK(result.status == 126);
  CHECK(result.err.find("tfrun: error: cannot execute ") == 0);
  CHECK(result.err.find(": Argument list too long (arguments and environment take ") != std::string::npos);
}

TEST_CASE("run: a type's cwd that is a file is refused up front with its tfrun.toml line") {
  TempDir dir;
  dir.write("Procfile", "web: pwd\n");
  dir.write("afile", "");
  dir.write("tfrun.toml", "# the web type\n[process.web]\ncwd = \"afile\"\n");
  const auto result = run_tfrun({"run", "web"}, in_dir(dir), 10s);
  CHECK(result.status == 66);
  CHECK(result.err == "tfrun: error: tfrun.toml:3: cwd 'afile' of web is not a directory\n");
  const auto start = run_tfrun({"start"}, in_dir(dir), 10s);
  CHECK(start.status == 66);
  CHECK(start.err == result.err);
}

TEST_CASE("start: an instance that cannot be executed exits 126, the formation stops, nothing hangs") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " print serving\nworker: " + test_child() + " print up\n");
  dir.write(".env", oversized_env());
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(
      R"(^system +\| web\.1 could not start: cannot execute \S*test_child: Argument list too long)"));
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 126);
  CHECK(tfrun.out().find("web.1 exited with code 126") != std::string::npos);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("start: an exec failure is the instance's exit, so its restart policy applies") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " print up\nbroken: " + test_child() + " print never\n");
  dir.write("tfrun.toml", "[process.broken]\nrestart = \"on-failure\"\nrestart_delay = \"10ms\"\nmax_restarts = 2\n"
                          "env = { HUGE = \"" +
                              std::string(200 * 1024, 'x') + "\" }\n");
  const auto result = run_tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir), 20s);
  CHECK(result.status == 126);
  CHECK(result.out.find("broken.1 exited with code 126; restart 1 in 10 ms") != std::string::npos);
  CHECK(result.out.find("broken.1 gave up after 2 restarts (last: exited with code 126), stopping") !=
        std::string::npos);
  CHECK(result.out.find("never") == std::string::npos);
}

TEST_CASE("start: SIGTERM is still obeyed after an instance failed to start") {
  TempDir dir;
  dir.write("Procfile", "web: " + test_child() + " print up\nbroken: " + test_child() + " print never\n");
  dir.write("tfrun.toml", "[process.broken]\nrestart = \"always\"\nrestart_delay = \"50ms\"\n"
                          "env = { HUGE = \"" +
                              std::string(200 * 1024, 'x') + "\" }\n");
  Tfrun tfrun({"start", "--no-timestamp", "--color", "never"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(broken\.1 exited with code 126; restart 2 in)"));
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(10s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("run and start work under valgrind, which cannot follow a launch onto a stack of its own") {
#if defined(TFRUN_SANITIZED)
  WARN("a sanitized build does not run under valgrind: skipped");
  return;
#endif
  if (std::system("command -v valgrind >/dev/null 2>&1") != 0) {
    WARN("valgrind is not installed: skipped");
    return;
  }
  TempDir dir;
  dir.write("Procfile", "web: echo up; exec " + test_child() + " report\n");
  auto options = in_dir(dir);
  options.wrapper = {"valgrind", "-q", "--error-exitcode=99"};
  const auto run = run_tfrun({"run", "--", "sh", "-c", "echo one-off"}, options, 60s);
  CHECK(run.status == 0);
  CHECK(run.out == "one-off\n");
  Tfrun tfrun({"start", "--no-timestamp"}, options);
  REQUIRE(tfrun.wait_for_line(R"(web\.1 +\| up)", 60s));
  tfrun.send_signal(SIGTERM);
  const auto status = tfrun.wait_for_exit(60s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGTERM);
}
