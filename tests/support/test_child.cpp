// SPDX-License-Identifier: MIT
// A purpose-built child for the integration tests: each mode does one thing a real app might do to a
// supervisor (print a lot, print oddly, ignore or report signals, leave processes behind, exit oddly).
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <random>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      std::_Exit(3);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void say(const std::string& text) { write_all(STDOUT_FILENO, text.data(), text.size()); }

[[noreturn]] void idle() {
  while (true) {
    ::pause();
  }
}

long arg(char** argv, int argc, int index, long fallback) {
  return index < argc ? std::strtol(argv[index], nullptr, 10) : fallback;
}

// `lines ID COUNT SEED`: COUNT lines "ID:SEQ:LEN:xxxx" of mixed lengths, written in odd-sized pieces that do
// not line up with lines, as stdio does on a pipe. The test checks every line's length and content.
void write_lines(const std::string& id, long count, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> length(0, 300);
  std::uniform_int_distribution<int> piece(1, 7000);
  std::string pending;
  for (long seq = 0; seq < count; ++seq) {
    const int fill = length(random);
    pending += id + ":" + std::to_string(seq) + ":" + std::to_string(fill) + ":" + std::string(fill, 'x') + "\n";
    while (static_cast<int>(pending.size()) > 8192) {
      const auto n = static_cast<std::size_t>(piece(random));
      write_all(STDOUT_FILENO, pending.data(), n);
      pending.erase(0, n);
    }
  }
  write_all(STDOUT_FILENO, pending.data(), pending.size());
}

volatile sig_atomic_t g_received[NSIG] = {};

void record_signal(int sig) { g_received[sig] = g_received[sig] + 1; }

// Installs the recording handler for `signals` with them blocked, so a signal that arrives before the
// wait is not lost between a check and pause(): sigsuspend unblocks and waits in one step.
sigset_t install_recorder(const std::vector<int>& signals) {
  sigset_t blocked;
  sigemptyset(&blocked);
  for (const int sig : signals) {
    sigaddset(&blocked, sig);
  }
  // Blocked before the handlers exist: a signal arriving in between stays pending for sigsuspend instead
  // of running the handler before the wait loop looks at the counters.
  sigset_t previous;
  ::sigprocmask(SIG_BLOCK, &blocked, &previous);
  struct sigaction action {};
  action.sa_handler = record_signal;
  for (const int sig : signals) {
    ::sigaction(sig, &action, nullptr);
  }
  return previous;
}

// `report [N]`: prints "ready", then "got N" for each signal it receives; exits 0 after reporting signal N
// (default SIGTERM).
[[noreturn]] void report_signals(int exit_on) {
  std::vector<int> signals;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != 32 && sig != 33) {
      signals.push_back(sig);
    }
  }
  const sigset_t wait_mask = install_recorder(signals);
  say("ready\n");
  while (true) {
    ::sigsuspend(&wait_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
      while (g_received[sig] > 0) {
        g_received[sig] = g_received[sig] - 1;
        say("got " + std::to_string(sig) + "\n");
        if (sig == exit_on) {
          std::exit(0);
        }
      }
    }
  }
}

// `cleanup MS [FILE]`: on SIGTERM, takes MS milliseconds to clean up, prints "cleaned", exits 0. FILE is
// created once the handler is in place, for scripts that must not signal it earlier.
[[noreturn]] void slow_cleanup(long ms, const char* ready_file) {
  const sigset_t wait_mask = install_recorder({SIGTERM});
  say("ready\n");
  if (ready_file != nullptr) {
    ::close(::open(ready_file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  }
  while (g_received[SIGTERM] == 0) {
    ::sigsuspend(&wait_mask);
  }
  ::usleep(static_cast<useconds_t>(ms * 1000)); // the behaviour under test: a slow, honest cleanup
  say("cleaned\n");
  std::exit(0);
}

// `zombies N`: N orphans that exit at once, each adopted by the nearest subreaper or PID 1.
void make_orphans(long count) {
  for (long i = 0; i < count; ++i) {
    const pid_t middle = ::fork();
    if (middle == 0) {
      if (::fork() == 0) {
        ::usleep(20000); // outlive the middle process, so this one is an orphan when it exits
        std::_Exit(0);
      }
      std::_Exit(0);
    }
    ::waitpid(middle, nullptr, 0);
  }
}

// Inside a PID namespace: counts zombies in /proc until none is left or 5 s pass; returns the count.
int wait_for_no_zombies() {
  int zombies = 0;
  for (int attempt = 0; attempt < 500; ++attempt) {
    zombies = 0;
    if (DIR* proc = ::opendir("/proc")) {
      while (const dirent* entry = ::readdir(proc)) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
          continue;
        }
        const std::string path = std::string("/proc/") + entry->d_name + "/stat";
        if (FILE* stat = std::fopen(path.c_str(), "r")) {
          char line[512] = {};
          const bool got = std::fgets(line, sizeof line, stat) != nullptr;
          std::fclose(stat);
          const char* close = got ? std::strrchr(line, ')') : nullptr;
          if (close != nullptr && close[1] == ' ' && close[2] == 'Z') {
            ++zombies;
          }
        }
      }
      ::closedir(proc);
    }
    if (zombies == 0) {
      return 0;
    }
    ::usleep(10000); // polling /proc: the reaper runs in another process
  }
  return zombies;
}

pid_t fork_sleeper(bool new_session) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (new_session) {
      ::setsid();
    }
    idle();
  }
  return pid;
}

void double_fork_daemon() {
  const pid_t first = ::fork();
  if (first == 0) {
    ::setsid();
    if (::fork() == 0) {
      idle();
    }
    std::_Exit(0);
  }
  ::waitpid(first, nullptr, 0);
}

// `listen MS`: a slow server: MS milliseconds of start-up work, then it accepts on 127.0.0.1:$PORT.
[[noreturn]] void listen_on_port(long delay_ms) {
  ::usleep(static_cast<useconds_t>(delay_ms * 1000)); // the start-up work is the behaviour under test
  const char* port_text = std::getenv("PORT");
  const int port = port_text != nullptr ? std::atoi(port_text) : 0;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
    say("cannot listen on " + std::to_string(port) + ": " + std::strerror(errno) + "\n");
    std::_Exit(4);
  }
  say("listening " + std::to_string(port) + "\n");
  while (true) {
    const int client = ::accept(fd, nullptr, nullptr);
    if (client >= 0) {
      ::close(client);
    }
  }
}

// `notify MS`: MS milliseconds of start-up work, then READY=1 on $NOTIFY_SOCKET, as sd_notify(3) sends it.
[[noreturn]] void notify_ready(long delay_ms) {
  ::usleep(static_cast<useconds_t>(delay_ms * 1000));
  const char* path = std::getenv("NOTIFY_SOCKET");
  say(std::string("notify socket ") + (path != nullptr ? path : "(none)") + "\n");
  if (path != nullptr) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    auto length = static_cast<socklen_t>(sizeof address);
    if (path[0] == '@') { // the abstract namespace, as sd_notify reads it
      address.sun_path[0] = '\0';
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::strlen(path));
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    const std::string status = "STATUS=warming up";
    const std::string ready = "STATUS=serving\nREADY=1";
    ::sendto(fd, status.data(), status.size(), 0, reinterpret_cast<const sockaddr*>(&address), length);
    ::sendto(fd, ready.data(), ready.size(), 0, reinterpret_cast<const sockaddr*>(&address), length);
    ::close(fd);
  }
  idle();
}

} // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool stay = std::string(argv[argc - 1]) == "stay"; // keep running after the output, until signalled
  if (mode == "lines") {
    write_lines(argv[2], arg(argv, argc, 3, 1000), static_cast<unsigned>(arg(argv, argc, 4, 1)));
    if (stay) {
      say(std::string("done ") + argv[2] + "\n");
      idle();
    }
    return 0;
  }
  if (mode == "big") { // one line of N bytes, then a partial line
    const auto size = static_cast<std::size_t>(arg(argv, argc, 2, 1 << 20));
    std::string line(size, 'B');
    line += "\nend-without-newline";
    write_all(STDOUT_FILENO, line.data(), line.size());
    if (stay) {
      idle();
    }
    return 0;
  }
  if (mode == "utf8-line") { // "a", then N times 'é' (2 bytes each), then a newline: every cut is mid-character
    std::string line = "a";
    for (long i = 0; i < arg(argv, argc, 2, 1 << 20); ++i) {
      line += "\xC3\xA9";
    }
    line += '\n';
    write_all(STDOUT_FILENO, line.data(), line.size());
    return 0;
  }
  if (mode == "count") { // the lines 1..N, written with stdio (4 KiB writes), then "last" without a newline
    const long count = arg(argv, argc, 2, 1000);
    for (long i = 1; i <= count; ++i) {
      std::printf("%ld\n", i);
    }
    std::printf("last");
    return std::fflush(stdout) == 0 ? 0 : 3;
  }
  if (mode == "exec-with") { // exec-with closed-stdout|nonblocking-stdout PROGRAM ARG...: as PROGRAM would start
    const std::string how = argc > 2 ? argv[2] : "";
    if (how == "closed-stdout") {
      ::close(STDOUT_FILENO);
    } else if (how == "nonblocking-stdout") {
      ::fcntl(STDOUT_FILENO, F_SETFL, ::fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
    }
    if (argc > 3) {
      ::execvp(argv[3], argv + 3);
    }
    std::fprintf(stderr, "test_child: exec-with: cannot run the program\n");
    return 2;
  }
  if (mode == "slow-partial") { // "Loading..." then, after MS of silence, the rest of the line
    say("Loading...");
    ::usleep(static_cast<useconds_t>(arg(argv, argc, 2, 500) * 1000)); // the silence is the behaviour
    say(" done\n");
    idle();
  }
  if (mode == "print") { // print ARG... as lines, then stay
    for (int i = 2; i < argc; ++i) {
      say(std::string(argv[i]) + "\n");
    }
    idle();
  }
  if (mode == "pid") { // "pid N ppid M ARG...": whether a shell stands between it and its supervisor; then stays
    std::string line = "pid " + std::to_string(::getpid()) + " ppid " + std::to_string(::getppid());
    for (int i = 2; i < argc && std::string(argv[i]) != "stay"; ++i) {
      line += std::string(" [") + argv[i] + "]";
    }
    say(line + "\n");
    if (stay) {
      idle();
    }
    return 0;
  }
  if (mode == "winch") { // "size ROWS COLS [tty|pipe]" at start and at every SIGWINCH, then stays
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    for (;;) {
      struct winsize size {};
      const bool tty = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0;
      say("size " + std::to_string(size.ws_row) + " " + std::to_string(size.ws_col) + (tty ? " tty\n" : " pipe\n"));
      int sig = 0;
      ::sigwait(&set, &sig);
    }
  }
  if (mode == "ask") { // "Your name? " without a newline, then "Hello, NAME" for each line read; "bye" at EOF
    std::string line;
    say("Your name? ");
    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1) {
      if (c == '\n' || c == '\r') {
        if (!line.empty()) {
          say("Hello, " + line + "\n");
          say("Your name? ");
        }
        line.clear();
      } else {
        line += c;
      }
    }
    say("bye\n");
    idle();
  }
  if (mode == "color-if-tty") { // red "hello" on a terminal, plain "hello (no tty)" otherwise; then exits 0
    say(::isatty(STDOUT_FILENO) == 1 ? "\x1b[31mhello\x1b[0m\n" : "hello (no tty)\n");
    return 0;
  }
  if (mode == "progress") { // a bar redrawn with "\r" N times, then "done" on its own line; exits 0 (or stays)
    const long steps = arg(argv, argc, 2, 1000);
    for (long step = 1; step <= steps; ++step) {
      say("\rprogress " + std::to_string(step) + "/" + std::to_string(steps));
    }
    say("\r\n");
    say("done\n");
    if (argc > 3 && std::strcmp(argv[3], "stay") == 0) {
      idle();
    }
    return 0;
  }
  if (mode == "partial") { // a prompt without newline, then stay
    say(argc > 2 ? argv[2] : "prompt> ");
    idle();
  }
  if (mode == "ignore-term") {
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    say("ready\n");
    idle();
  }
  if (mode == "report") {
    report_signals(static_cast<int>(arg(argv, argc, 2, SIGTERM)));
  }
  if (mode == "cleanup") {
    slow_cleanup(arg(argv, argc, 2, 500), argc > 3 ? argv[3] : nullptr);
  }
  if (mode == "exit") {
    return static_cast<int>(arg(argv, argc, 2, 0));
  }
  if (mode == "kill-self") {
    ::signal(static_cast<int>(arg(argv, argc, 2, SIGTERM)), SIG_DFL);
    ::raise(static_cast<int>(arg(argv, argc, 2, SIGTERM)));
    return 99;
  }
  if (mode == "family") { // a background grandchild, a setsid escapee and a double-forked daemon
    const pid_t grandchild = fork_sleeper(false);
    const pid_t escapee = fork_sleeper(true);
    double_fork_daemon();
    say("family " + std::to_string(grandchild) + " " + std::to_string(escapee) + "\n");
    idle();
  }
  if (mode == "zombies") {
    make_orphans(arg(argv, argc, 2, 50));
    say("orphans made\n");
    say("zombies left " + std::to_string(wait_for_no_zombies()) + "\n");
    idle();
  }
  if (mode == "listen") {
    listen_on_port(arg(argv, argc, 2, 0));
  }
  if (mode == "notify") {
    notify_ready(arg(argv, argc, 2, 0));
  }
  if (mode == "blocked") { // blocks SIGCHLD, SIGTERM and SIGINT, then runs ARG... (as some parents leave it)
    sigset_t set;
    sigemptyset(&set);
    for (const int sig : {SIGCHLD, SIGTERM, SIGINT}) {
      sigaddset(&set, sig);
    }
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    ::execvp(argv[2], argv + 2);
    return 127;
  }
  if (mode == "setuid-hold") { // installed setuid root: becomes root, so an unprivileged tfrun cannot kill it
    if (::setresuid(0, 0, 0) != 0) {
      say("setresuid failed\n");
      return 4;
    }
    say("held\n");
    idle();
  }
  if (mode == "mask") { // prints its blocked and ignored signal sets as the kernel shows them, then stays
    FILE* status = std::fopen("/proc/self/status", "r");
    char line[256];
    while (status != nullptr && std::fgets(line, sizeof line, status) != nullptr) {
      if (std::strncmp(line, "SigBlk:", 7) == 0 || std::strncmp(line, "SigIgn:", 7) == 0) {
        say(line);
      }
    }
    if (status != nullptr) {
      std::fclose(status);
    }
    idle();
  }
  if (mode == "fds") { // lists its open descriptors
    std::string open;
    for (int fd = 0; fd < 1024; ++fd) {
      if (::fcntl(fd, F_GETFD) != -1) {
        open += (open.empty() ? "" : " ") + std::to_string(fd);
      }
    }
    say("fds " + open + "\n");
    idle();
  }
  std::fprintf(stderr, "test_child: unknown mode '%s'\n", mode.c_str());
  return 2;
}
