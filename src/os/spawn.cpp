// SPDX-License-Identifier: MIT
// The only translation unit that includes Boost.Process v2 (still experimental in 1.81): it launches,
// and every handle is detached at once because os/reaper is the only code that waits.
#include <tfrun/os/spawn.hpp>

#include <tfrun/core/shebang.hpp>
#include <tfrun/os/signal_guard.hpp>

// pidfd_open fails with EPERM under old container seccomp profiles, after the child already started;
// tfrun never waits on a handle, so it does not need one.
#define BOOST_PROCESS_V2_DISABLE_PIDFD_OPEN 1
#include <boost/process/v2/default_launcher.hpp> // header-only: also brings the descriptor closer
#include <boost/process/v2/posix/default_launcher.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace tfrun::os {
namespace bp = boost::process::v2;

namespace {

// The RLIMIT_NOFILE soft limit tfrun was started with: what every child gets back. Many programs
// misbehave with tfrun's raised limit (select(), loops over every possible descriptor).
struct rlimit g_inherited_file_limit {};
bool g_file_limit_raised = false;

// Written by the vfork child in the parent's memory (vfork shares it until exec or _exit): which step
// failed and its errno. Nothing else crosses back.
struct ChildReport {
  SpawnStep step = SpawnStep::none;
  int error = 0;
  bool unshare_refused = false; // the kernel (or a filter) refused CLOSE_RANGE_UNSHARE: vfork will do
};

// Everything between vfork and exec: async-signal-safe calls only, no allocation (tfrun's writer thread
// keeps running in the shared memory meanwhile), and no Asio state touched.
struct ChildSetup {
  const SpawnRequest& request;
  const char* const* envp;
  char* listen_pid_entry; // "LISTEN_PID=" followed by room for the child's pid, or null
  int in_fd;              // becomes its stdin (-1: /dev/null could not be opened)
  int out_fd;             // becomes its stdout and stderr (-1: inherit tfrun's)
  // Made by clone(CLONE_FILES), the child shares tfrun's descriptor table: before it touches a
  // descriptor it takes a private copy of those below this number only (see LaunchSlots). -1: made
  // by vfork, with a copy of the whole table already.
  int unshare_below;
  ChildReport* report;

  template <typename Launcher>
  bp::error_code on_setup(Launcher& launcher, const bp::filesystem::path&, const char* const*&) const {
    launcher.env = envp; // process_environment does not link in header-only 1.81 (boostorg/process#312)
    for (int fd = 3; fd < 3 + request.inherited_listen_fds; ++fd) {
      launcher.fd_whitelist.push_back(fd); // contiguous from 0, which is all the 1.81 closer handles right
    }
    return {};
  }

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) const {
    // First of all: until this succeeds, closing or duplicating a descriptor would do it in tfrun.
    if (unshare_below >= 0 &&
        ::syscall(SYS_close_range, static_cast<unsigned>(unshare_below), ~0U, CLOSE_RANGE_UNSHARE) != 0) {
      report->unshare_refused = errno == EINVAL || errno == EPERM || errno == ENOSYS; // tfrun retries with vfork
      return fail(SpawnStep::descriptors);
    }
    if (request.controlling_terminal) {
      ::setsid(); // also a process group of its own, led by the child: tfrun signals it as any other
    } else if (request.new_process_group) {
      ::setpgid(0, 0);
    }
    if (request.take_terminal) {
      // Every signal is still blocked here, so SIGTTOU cannot stop this background group mid-call.
      ::tcsetpgrp(STDIN_FILENO, ::getpid());
    }
    if (!redirect()) {
      return fail(SpawnStep::descriptors);
    }
    if (request.controlling_terminal && ::ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) {
      return fail(SpawnStep::descriptors);
    }
    if (!request.cwd.empty() && ::chdir(request.cwd.c_str()) != 0) {
      return fail(SpawnStep::directory);
    }
    if (g_file_limit_raised) {
      ::setrlimit(RLIMIT_NOFILE, &g_inherited_file_limit);
    }
    if (listen_pid_entry != nullptr) {
      write_own_pid(listen_pid_entry);
    }
    reset_signals();
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr); // a clean mask, whatever tfrun's parent blocked
    report->step = SpawnStep::exec;                 // from here on, only exec can fail
    return {};
  }

  // Boost.Process 1.81's launchers end a failed child with ::exit(), which runs static destructors and
  // atexit handlers; in a vfork child they run on the parent's memory and deadlock it. This hook runs
  // first and never returns. (1.81 only calls an on_exec_error whose signature also matches the
  // five-argument form it probes for, hence the variadic one.)
  template <typename Launcher, typename... Ignored> void on_exec_error(Launcher&, Ignored&&...) const {
    if (report->error == 0) {
      report->error = errno;
    }
    ::_exit(127);
  }

  bp::error_code fail(SpawnStep step) const {
    report->step = step;
    report->error = errno;
    return {errno, bp::system_category()};
  }

  bool redirect() const {
    if (in_fd < 0) {
      errno = ENOENT; // /dev/null could not be opened
      return false;
    }
    if (in_fd != STDIN_FILENO && ::dup2(in_fd, STDIN_FILENO) < 0) {
      return false;
    }
    if (out_fd >= 0) {
      if (::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(out_fd, STDERR_FILENO) < 0) {
        return false;
      }
    }
    return true;
  }

  // Handlers would be reset by exec anyway, but ignored signals would survive it (SIGPIPE is ignored
  // in tfrun): a child must start with every disposition at its default.
  static void reset_signals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) {
        ::sigaction(sig, &action, nullptr);
      }
    }
  }

  // Async-signal-safe: digits into the room reserved after "LISTEN_PID=".
  static void write_own_pid(char* entry) {
    char* digits = std::strchr(entry, '=') + 1;
    char reversed[16];
    int count = 0;
    for (auto pid = static_cast<unsigned>(::getpid()); pid != 0 || count == 0; pid /= 10) {
      reversed[count++] = static_cast<char>('0' + pid % 10);
    }
    for (int i = 0; i < count; ++i) {
      digits[i] = reversed[count - 1 - i];
    }
    digits[count] = '\0';
  }
};

// Boost.Process v2's vfork launch, with its own initializer protocol (on_setup, on_exec_setup,
// on_exec_error), its argv building and its descriptor closing, minus the three things its vfork_launcher
// (1.81) does that are unsafe in a child sharing tfrun's memory: `notify_fork` on an Asio context in the
// child (it allocates, and with services it rewrites descriptors), `::exit()` after a failed exec (static
// destructors on tfrun's memory: a deadlock), and a process handle per child (a SIGCHLD signal_set, three
// descriptors and a reset of SIGCHLD's disposition, for a handle tfrun never uses). docs/ARCHITECTURE.md.
struct SafeVforkLauncher : bp::posix::default_launcher {
  // The child's pid, or -1 with `ec` set (the child writes it in tfrun's memory before it _exits).
  template <typename Init>
  pid_t launch(const bp::filesystem::path& executable, const std::vector<std::string>& args, const Init& init,
               bp::error_code& ec) {
    auto argv = this->build_argv_(executable, args);
    ec = bp::posix::detail::on_setup(*this, executable, argv, init);
    if (ec) {
      return -1;
    }
    if (init.unshare_below >= 0) {
      Child<Init> child{this, &executable, argv, &init, &ec};
      pid = ::clone(&Child<Init>::run, child_stack_top(), CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &child);
    } else {
      pid = ::vfork();
      if (pid == 0) {
        in_child(executable, argv, init, ec);
      }
    }
    if (pid == -1) {
      ec.assign(errno, bp::system_category());
      return -1;
    }
    return pid;
  }

private:
  template <typename Init>
  // `ec` is tfrun's own (the child shares its memory): how the parent learns that exec failed.
  [[noreturn]] void in_child(const bp::filesystem::path& executable, const char* const* argv, const Init& init,
                             bp::error_code& ec) {
    ec = bp::posix::detail::on_exec_setup(*this, executable, argv, init);
    if (!ec) {
      close_all_fds(ec);
    }
    if (!ec) {
      ::execve(executable.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(env));
      ec.assign(errno, bp::system_category());
    }
    bp::posix::detail::on_exec_error(*this, executable, argv, ec, init); // reports, then _exits
    ::_exit(127);
  }

  template <typename Init> struct Child {
    SafeVforkLauncher* launcher;
    const bp::filesystem::path* executable;
    const char* const* argv;
    const Init* init;
    bp::error_code* ec;
    static int run(void* self) {
      auto* child = static_cast<Child*>(self);
      child->launcher->in_child(*child->executable, child->argv, *child->init, *child->ec);
      ::_exit(127); // not reached: in_child execs or _exits (returning would run exit() on tfrun's memory)
    }
  };

  // The clone child's stack. One is enough: CLONE_VFORK suspends tfrun until the child has exec'd or
  // _exited, and only the event loop's thread launches. Pages never touched are never resident.
  static void* child_stack_top() {
    alignas(64) static char stack[256 * 1024];
    return stack + sizeof stack;
  }
};

int null_device() {
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

// A launch made with clone(CLONE_VM | CLONE_VFORK | CLONE_FILES) instead of vfork, where the kernel has
// close_range(CLOSE_RANGE_UNSHARE). vfork copies tfrun's whole descriptor table into the child (one
// reference per open descriptor, each dropped again at exec): O(descriptors held) per launch, so O(N^2)
// to start N instances, 3-5x the floor at 10,000 (docs/benchmarks.md). Sharing the table and then
// unsharing only the descriptors below a small bound copies a handful whatever tfrun holds. What the
// child needs must therefore sit below that bound: its stdin and its output are dup2'd by tfrun into two
// descriptors reserved at low numbers, and pointed back at /dev/null after the launch (a pipe's write end
// left there would keep the instance's output from ever reaching EOF).
struct LaunchSlots {
  bool tried = false;
  int in = -1;
  int out = -1;
};
LaunchSlots g_slots;

// close_range came with CLOSE_RANGE_UNSHARE (Linux 5.9). Asked to close a range above any descriptor, it
// closes nothing: 0 where it exists, ENOSYS where not. Never with CLOSE_RANGE_UNSHARE here: in tfrun
// that would give the event loop's thread a table of its own, apart from the writer thread's.
bool close_range_unshares() { return ::syscall(SYS_close_range, ~0U - 1, ~0U, 0) == 0; }

// After a slot could not be pointed back at /dev/null: closed (so no pipe end stays open), and every
// launch from now on uses vfork.
void release_slots() {
  for (int* slot : {&g_slots.in, &g_slots.out}) {
    if (*slot >= 0) {
      ::close(*slot);
      *slot = -1;
    }
  }
}

// Sanitizers cannot follow a child onto a stack of its own (AddressSanitizer unpoisons what it takes for
// the thread's stack before every noreturn call, and reports the child's frames): a sanitized build
// (TFRUN_SANITIZED, from CMake) launches with vfork, the normal build's suite covers the clone launch.
#if defined(TFRUN_SANITIZED) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool k_sanitized = true;
#else
constexpr bool k_sanitized = false;
#endif

// Valgrind stops a program at a clone() that is not a thread's or a fork's; it announces itself through
// the preload of its tools.
bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
}

void reserve_slots(int listen_fds) {
  g_slots.tried = true;
  const int null_fd = null_device();
  if (k_sanitized || null_fd < 0 || under_valgrind() || !close_range_unshares()) {
    return;
  }
  // Above the descriptors a child inherits (stdio and LISTEN_FDS), at the lowest numbers free now.
  g_slots.in = ::fcntl(null_fd, F_DUPFD_CLOEXEC, 3 + listen_fds);
  g_slots.out = ::fcntl(null_fd, F_DUPFD_CLOEXEC, 3 + listen_fds);
  if (g_slots.in < 0 || g_slots.out < 0) {
    release_slots();
  }
}

// Where the child finds `fd`: itself when it is below `bound`, else the slot it was dup2'd into. -1 when
// that failed (the launch then uses vfork).
int place(int fd, int slot, int bound) {
  if (fd < bound) {
    return fd;
  }
  return ::dup3(fd, slot, O_CLOEXEC) == slot ? slot : -1; // dup2 would leave the slot inheritable
}

struct TableShare {
  int in;
  int out;
  int unshare_below; // -1: vfork
};

// The slots back to /dev/null once the child has its own table.
void unshare_table(const TableShare& table, int in_fd, int out_fd) {
  if (table.unshare_below < 0) {
    return;
  }
  const int null_fd = null_device();
  if ((table.in != in_fd && ::dup3(null_fd, g_slots.in, O_CLOEXEC) != g_slots.in) ||
      (table.out != out_fd && ::dup3(null_fd, g_slots.out, O_CLOEXEC) != g_slots.out)) {
    release_slots();
  }
}

// The child's stdin and output as it will find them, and whether it can share tfrun's table.
TableShare share_table(int in_fd, int out_fd, int listen_fds) {
  if (g_slots.in < 0) {
    return {in_fd, out_fd, -1};
  }
  const int bound = std::max({g_slots.in, g_slots.out, 2 + listen_fds}) + 1;
  const int in = in_fd < 0 ? in_fd : place(in_fd, g_slots.in, bound);
  const int out = out_fd < 0 ? out_fd : place(out_fd, g_slots.out, bound);
  if ((in_fd >= 0 && in < 0) || (out_fd >= 0 && out < 0)) {
    unshare_table({in, out, bound}, in_fd, out_fd); // whichever was placed goes back to /dev/null
    return {in_fd, out_fd, -1};                     // and this launch uses vfork
  }
  return {in, out, bound};
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string first_bytes_of(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return {};
  }
  char buffer[256];
  const auto got = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : std::string();
}

std::size_t bytes_of(const std::vector<std::string>& strings) {
  std::size_t total = 0;
  for (const auto& entry : strings) {
    total += entry.size() + 1 + sizeof(char*);
  }
  return total;
}

} // namespace

void reserve_launch_descriptors() {
  if (!g_slots.tried) {
    reserve_slots(0);
  }
}

std::size_t raise_open_file_limit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 0;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    g_inherited_file_limit = limit;
    const auto raised_from = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    g_file_limit_raised = ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
    if (!g_file_limit_raised) {
      limit.rlim_cur = raised_from;
    }
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

std::string find_on_path(const std::string& program, const std::string& path_value, const std::string& from_dir) {
  if (program.find('/') != std::string::npos) {
    return program;
  }
  // A relative directory on PATH is relative to the directory the program will run in, as for execvp
  // called after chdir: it is checked from there, and returned as it is, for the exec after the chdir.
  const auto as_seen = [&](const std::string& candidate) {
    return from_dir.empty() || candidate.front() == '/' ? candidate : from_dir + "/" + candidate;
  };
  std::string fallback;
  std::size_t start = 0;
  while (start <= path_value.size()) {
    auto end = path_value.find(':', start);
    if (end == std::string::npos) {
      end = path_value.size();
    }
    const std::string dir = end == start ? "." : path_value.substr(start, end - start);
    const std::string candidate = dir + "/" + program;
    if (is_executable_file(as_seen(candidate))) {
      return candidate;
    }
    struct stat info {};
    if (fallback.empty() && ::stat(as_seen(candidate).c_str(), &info) == 0) {
      fallback = candidate; // exists but is not executable: exec reports EACCES, as execvp does
    }
    start = end + 1;
  }
  return fallback;
}

namespace {

// The child's PATH (execvp's default when it has none).
std::string path_of(const std::vector<std::string>& env) {
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) {
      return entry.substr(5);
    }
  }
  return "/bin:/usr/bin";
}

SpawnResult launch(const SpawnRequest& request, const std::string& program, const std::vector<std::string>& args) {
  // The environment is copied only when an entry must change: a launch allocates nothing per variable.
  std::vector<std::string> edited_env;
  char* listen_pid_entry = nullptr;
  if (request.inherited_listen_fds > 0) {
    edited_env = request.env;
    std::erase_if(edited_env, [](const std::string& entry) { return entry.starts_with("LISTEN_PID="); });
    edited_env.push_back("LISTEN_PID=" + std::string(15, '0')); // room for any pid, written by the child
    listen_pid_entry = edited_env.back().data();
  }
  const auto& env = request.inherited_listen_fds > 0 ? edited_env : request.env;
  std::vector<const char*> envp;
  envp.reserve(env.size() + 1);
  for (const auto& entry : env) {
    envp.push_back(entry.c_str());
  }
  envp.push_back(nullptr);
  ChildReport report;
  const int in_fd = request.stdin_fd >= 0 ? request.stdin_fd : null_device();
  const auto table = share_table(in_fd, request.output_fd, request.inherited_listen_fds);
  struct Restore { // the slots go back to /dev/null on every way out, an exception's included
    const TableShare& table;
    int in_fd;
    int out_fd;
    ~Restore() { unshare_table(table, in_fd, out_fd); }
  };
  const ChildSetup setup{request, envp.data(), listen_pid_entry, table.in, table.out, table.unshare_below, &report};
  pid_t pid = -1;
  bp::error_code error;
  {
    const Restore restore{table, in_fd, request.output_fd};
    SignalGuard blocked;
    // vfork or clone(CLONE_VM | CLONE_VFORK): the child borrows tfrun's memory until exec instead of
    // copying its page tables, whose size grows with every child; with fork, starting N children cost O(N^2).
    SafeVforkLauncher launcher;
    pid = launcher.launch(program, args, setup, error);
  }
  if (pid > 0 && !error && report.error == 0) {
    return {pid, 0, SpawnStep::none};
  }
  if (pid > 0) {
    // The child ended itself with _exit before tfrun resumed. Its pid was never handed out, so this wait
    // cannot take a status the reaper is owed.
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  const bool clone_refused = pid < 0 && table.unshare_below >= 0 &&
                             (error.value() == EINVAL || error.value() == EPERM || error.value() == ENOSYS);
  if (clone_refused || report.unshare_refused) {
    release_slots(); // a seccomp filter or an emulator that refuses the shared table: vfork from now on
    return launch(request, program, args);
  }
  if (pid > 0) {
    const int error_number = report.error != 0 ? report.error : error.value();
    return {-1, error_number != 0 ? error_number : EIO, report.step == SpawnStep::none ? SpawnStep::exec : report.step};
  }
  return {-1, error.value() != 0 ? error.value() : EIO, SpawnStep::fork};
}
} // namespace

namespace {

// The last bare name looked up, with the PATH and directory it was looked up for: the N instances of a
// type look it up once, not N times (a lookup is a stat() per PATH entry). Checked again with one access()
// before each use, and looked up afresh when it is no longer there. Only the event loop's thread spawns.
struct PathLookup {
  std::string program;
  std::string path;
  std::string cwd;
  std::string found;
};
PathLookup g_last_lookup;

std::string resolve(const SpawnRequest& request) {
  if (request.program.find('/') != std::string::npos) {
    return request.program;
  }
  auto path = path_of(request.env);
  auto& last = g_last_lookup;
  if (last.program == request.program && last.path == path && last.cwd == request.cwd) {
    const auto seen = request.cwd.empty() || last.found.front() == '/' ? last.found : request.cwd + "/" + last.found;
    if (::access(seen.c_str(), X_OK) == 0) {
      return last.found;
    }
  }
  auto found = find_on_path(request.program, path, request.cwd);
  if (!found.empty()) {
    last = {request.program, std::move(path), request.cwd, found};
  }
  return found;
}

} // namespace

SpawnResult spawn(const SpawnRequest& request) {
  // A bare name is looked up on the child's own PATH, from its own directory, as execvp would; one that is
  // nowhere fails here, before anything is forked, as exec would have failed.
  const std::string program = resolve(request);
  if (program.empty()) {
    return {-1, ENOENT, SpawnStep::exec};
  }
  auto result = launch(request, program, request.args);
  if (result.failed_step == SpawnStep::exec && result.error == ENOEXEC && program != "/bin/sh") {
    // An executable file without "#!": run by /bin/sh, as execvp and every shell do (foreman's users
    // rely on it).
    std::vector<std::string> script_args = request.args;
    script_args.insert(script_args.begin(), program);
    result = launch(request, "/bin/sh", script_args);
  }
  return result;
}

std::string describe_spawn_failure(const SpawnRequest& request, const SpawnResult& result) {
  const std::string reason = std::strerror(result.error);
  switch (result.failed_step) {
  case SpawnStep::fork:
    if (result.error == EMFILE || result.error == ENFILE) {
      return reason + " (raise the open-file limit, `ulimit -n`; docs/exit-status.md)"; // as for its pipe
    }
    return "cannot start a process: " + reason +
           (result.error == EAGAIN ? " (the limit on processes, `ulimit -u`, is reached)" : std::string());
  case SpawnStep::descriptors:
    return null_device() < 0 ? "cannot open /dev/null for its stdin: " + std::string(std::strerror(ENOENT))
                             : "cannot set up its stdin/stdout: " + reason;
  case SpawnStep::directory: return "cannot change to directory '" + request.cwd + "': " + reason;
  case SpawnStep::none:
  case SpawnStep::exec: break;
  }
  const bool bare = request.program.find('/') == std::string::npos;
  const auto file = find_on_path(request.program, path_of(request.env), request.cwd);
  if (bare && file.empty() && result.error == ENOENT) {
    return request.program + ": command not found"; // as a shell, and `tfrun run -- NAME`, say it
  }
  std::string message = "cannot execute " + request.program + ": " + reason;
  const auto file_seen = request.cwd.empty() || file.empty() || file.front() == '/' ? file : request.cwd + "/" + file;
  if (result.error == ENOENT && !file.empty() && ::access(file_seen.c_str(), F_OK) == 0) {
    // The file is there: what is missing is the interpreter its first line names.
    if (const auto interpreter = core::shebang_interpreter(first_bytes_of(file_seen))) {
      message += " (interpreter " + *interpreter + ")";
    }
  } else if (result.error == E2BIG) {
    message += " (arguments and environment take " +
               std::to_string((bytes_of(request.args) + bytes_of(request.env)) / 1024) +
               " KiB; a single variable may hold at most 128 KiB)";
  }
  return message;
}

int spawn_failure_status(const SpawnResult& result) {
  return result.failed_step == SpawnStep::exec && result.error == ENOENT ? 127 : 126;
}

} // namespace tfrun::os
