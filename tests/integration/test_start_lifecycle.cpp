// SPDX-License-Identifier: MIT
// `tfrun start` lifecycle: shutdown, escalation, exit statuses, forwarded signals, leftovers.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace tfrun::test;

namespace {

RunOptions plain_text_in(const TempDir& dir) {
  RunOptions options;
  options.cwd = dir.path();
  options.env["TFRUN_COLOR"] = "never";
  options.env["TFRUN_NO_TIMESTAMP"] = "1";
  return options;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0; }

} // namespace

TEST_CASE("a background grandchild, a setsid escapee and a double-forked daemon are all gone after tfrun") {
  TempDir dir;
  dir.write("Procfile", "family: exec " + test_child() + " family\nother: exec " + test_child() + " print up\n");
  Tfrun tfrun({"start", "-t", "2"}, plain_text_in(dir));
  const auto family = tfrun.wait_for_line("family (\\d+) (\\d+)");
  REQUIRE(family);
  REQUIRE(tfrun.wait_for_line("other\\.1 +\\| up"));
  CHECK(processes_with_marker(tfrun.marker()).size() == 6); // tfrun, family, its 3 descendants, other
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  CHECK_FALSE(process_alive(std::stoi((*family)[1])));
  CHECK_FALSE(process_alive(std::stoi((*family)[2])));
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("a child that ignores SIGTERM is SIGKILLed at the deadline and named") {
  TempDir dir;
  dir.write("Procfile",
            "stubborn: exec " + test_child() + " ignore-term\npolite: exec " + test_child() + " print up\n");
  Tfrun tfrun({"start", "-t", "1"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("stubborn\\.1 +\\| ready"));
  REQUIRE(tfrun.wait_for_line("polite\\.1 +\\| up"));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  const auto out = tfrun.out();
  CHECK(out.find("system     | polite.1 killed by SIGTERM\n") != std::string::npos);
  CHECK(out.find("system     | stubborn.1 killed by SIGKILL after 1 s grace\n") != std::string::npos);
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("a second Ctrl-C during the grace period kills at once") {
  TempDir dir;
  dir.write("Procfile", "stubborn: exec " + test_child() + " ignore-term\n");
  Tfrun tfrun({"start", "-t", "60"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("stubborn\\.1 +\\| ready"));
  tfrun.send_signal(SIGINT);
  REQUIRE(tfrun.wait_for_line("SIGINT received, stopping"));
  tfrun.send_signal(SIGINT);
  REQUIRE(tfrun.wait_for_exit(10s) == 130); // far less than the 60 s grace
  CHECK(tfrun.out().find("stubborn.1 killed by SIGKILL") != std::string::npos);
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("exit status: the first exiting child's code, 128+n for a signal, 130/143 when tfrun is signalled") {
  TempDir dir;
  const std::string stay = "stay: exec " + test_child() + " print up\n";
  SECTION("first exit's code") {
    dir.write("Procfile", stay + "fail: exec " + test_child() + " exit 7\n");
    CHECK(run_tfrun({"start"}, plain_text_in(dir)).status == 7);
  }
  SECTION("a child killed by a signal") {
    dir.write("Procfile", stay + "crash: exec " + test_child() + " kill-self 6\n");
    const auto result = run_tfrun({"start"}, plain_text_in(dir));
    CHECK(result.status == 134);
    CHECK(result.out.find("crash.1 killed by SIGABRT") != std::string::npos);
  }
  SECTION("SIGINT and SIGTERM to tfrun") {
    dir.write("Procfile", stay);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
      Tfrun tfrun({"start"}, plain_text_in(dir));
      REQUIRE(tfrun.wait_for_line("stay\\.1 +\\| up"));
      tfrun.send_signal(sig);
      CHECK(tfrun.wait_for_exit() == 128 + sig);
    }
  }
  SECTION("a command that is not found") {
    dir.write("Procfile", stay + "typo: no-such-command-tfrun\n");
    const auto result = run_tfrun({"start"}, plain_text_in(dir));
    CHECK(result.status == 127);
    CHECK(result.out.find("typo.1 could not start: no-such-command-tfrun: command not found\n") != std::string::npos);
  }
}

TEST_CASE("USR1, USR2 and WINCH are forwarded to every process group") {
  TempDir dir;
  dir.write("Procfile", "a: exec " + test_child() + " report\nb: exec " + test_child() + " report\n");
  Tfrun tfrun({"start"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("a\\.1 +\\| ready"));
  REQUIRE(tfrun.wait_for_line("b\\.1 +\\| ready"));
  for (const int sig : {SIGUSR1, SIGUSR2, SIGWINCH}) {
    tfrun.send_signal(sig);
    CHECK(tfrun.wait_for_line("a\\.1 +\\| got " + std::to_string(sig) + "$"));
    CHECK(tfrun.wait_for_line("b\\.1 +\\| got " + std::to_string(sig) + "$"));
  }
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
}

// The state letter of /proc/PID/stat ('T' stopped, 'S' sleeping, ...), once it is `wanted`; the last one seen
// at the deadline.
char wait_for_state(pid_t pid, char wanted) {
  char state = '?';
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    state = close != std::string::npos && close + 2 < text.size() ? text[close + 2] : '?';
    if (state == wanted) {
      break;
    }
    ::poll(nullptr, 0, 5);
  }
  return state;
}

// Waits until `sig` is no longer pending for `pid` (its handler has taken it); false at the deadline.
bool wait_until_taken(pid_t pid, int sig) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    bool pending = false;
    while (std::getline(status, line)) {
      if (line.rfind("SigPnd:", 0) == 0 || line.rfind("ShdPnd:", 0) == 0) {
        pending = pending || ((std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1U) != 0;
      }
    }
    if (!pending) {
      return true;
    }
    ::poll(nullptr, 0, 5);
  }
  return false;
}

TEST_CASE("Ctrl-Z (SIGTSTP) suspends every process group and tfrun, SIGCONT resumes them") {
  // With --pty each instance leads a session of its own, where the kernel discards a default SIGTSTP.
  const bool pty = GENERATE(false, true);
  INFO("--pty: " << pty);
  TempDir dir;
  dir.write("Procfile", "reporter: exec " + test_child() + " report\nplain: exec " + test_child() + " print up\n");
  Tfrun tfrun(pty ? std::vector<std::string>{"start", "--pty"} : std::vector<std::string>{"start"}, plain_text_in(dir));
  const auto reporter = tfrun.wait_for_line("reporter\\.1 started \\(pid (\\d+)");
  REQUIRE(reporter);
  REQUIRE(tfrun.wait_for_line("reporter\\.1 +\\| ready"));
  const auto plain = tfrun.wait_for_line("plain\\.1 started \\(pid (\\d+)");
  REQUIRE(plain);
  REQUIRE(tfrun.wait_for_line("plain\\.1 +\\| up"));
  const pid_t plain_pid = std::stoi((*plain)[1]);
  tfrun.send_signal(SIGTSTP);
  CHECK(wait_for_state(tfrun.pid(), 'T') == 'T');
  CHECK(wait_for_state(plain_pid, 'T') == 'T'); // the default action of the forwarded SIGTSTP
  // A SIGCONT discards a stop signal still pending: the reporter must have taken its SIGTSTP first.
  CHECK(wait_until_taken(std::stoi((*reporter)[1]), SIGTSTP));
  tfrun.send_signal(SIGCONT); // what the shell's `fg` sends
  CHECK(tfrun.wait_for_line("reporter\\.1 +\\| got 20$"));
  CHECK(tfrun.wait_for_line("reporter\\.1 +\\| got 18$"));
  CHECK(wait_for_state(plain_pid, 'S') == 'S');
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("each instance gets its own PORT, PS and TFRUN_PROCESS and runs in the root") {
  TempDir dir;
  dir.write("Procfile", "web: echo \"$PS $TFRUN_PROCESS $PORT $(pwd)\"; exec " + test_child() + " print x\n");
  Tfrun tfrun({"start", "web=2", "-p", "6100"}, plain_text_in(dir));
  CHECK(tfrun.wait_for_line("web\\.1 +\\| web\\.1 web\\.1 6100 " + dir.path() + "$"));
  CHECK(tfrun.wait_for_line("web\\.2 +\\| web\\.2 web\\.2 6101 " + dir.path() + "$"));
  CHECK(tfrun.wait_for_line("system +\\| web\\.2 started \\(pid \\d+, port 6101\\)"));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
}

TEST_CASE("a port already bound by another process is reported before spawning") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  TempDir dir;
  dir.write("Procfile", "web: exec " + test_child() + " exit 0\n");
  const auto result = run_tfrun({"start", "-p", std::to_string(port)}, plain_text_in(dir));
  ::close(fd);
  CHECK(result.out.find("warning: port " + std::to_string(port) + " for web.1 is already in use") != std::string::npos);
}
