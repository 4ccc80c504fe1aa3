// SPDX-License-Identifier: MIT
// The only translation unit that includes Boost.Process v2 (still experimental in 1.81): it launches,
// and every handle is detached at once because os/reaper is the only code that waits.
#include <tfrun/os/spawn.hpp>

#include <tfrun/os/signal_guard.hpp>

// pidfd_open fails with EPERM under old container seccomp profiles, after the child already started;
// tfrun never waits on a handle, so it does not need one.
#define BOOST_PROCESS_V2_DISABLE_PIDFD_OPEN 1
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>

#include <cerrno>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

namespace tfrun::os {
namespace bp = boost::process::v2;

namespace {

// Everything between fork and exec: async-signal-safe calls only.
struct ChildSetup {
  const SpawnRequest& request;
  const char* const* envp;
  int null_fd;

  template <typename Launcher>
  bp::error_code on_setup(Launcher& launcher, const bp::filesystem::path&, const char* const*&) const {
    launcher.env = envp; // process_environment does not link in header-only 1.81 (boostorg/process#312)
    return {};
  }

  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) const {
    if (request.new_process_group) {
      ::setpgid(0, 0);
    }
    if (request.take_terminal) {
      // Every signal is still blocked here, so SIGTTOU cannot stop this background group mid-call.
      ::tcsetpgrp(STDIN_FILENO, ::getpid());
    }
    if (!redirect()) {
      return {errno, bp::system_category()};
    }
    if (!request.cwd.empty() && ::chdir(request.cwd.c_str()) != 0) {
      return {errno, bp::system_category()};
    }
    reset_signals();
    mark_inherited_fds_cloexec();
    ::pthread_sigmask(SIG_SETMASK, &original_signal_mask(), nullptr);
    return {};
  }

  bool redirect() const {
    const int in = request.stdin_fd >= 0 ? request.stdin_fd : null_fd;
    if (in >= 0 && in != STDIN_FILENO && ::dup2(in, STDIN_FILENO) < 0) {
      return false;
    }
    if (request.output_fd >= 0) {
      if (::dup2(request.output_fd, STDOUT_FILENO) < 0 || ::dup2(request.output_fd, STDERR_FILENO) < 0) {
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

  // Boost.Process 1.81 leaks duplicate pipe ends into children; close-on-exec (not close) keeps the
  // launcher's own exec-error pipe working.
  static void mark_inherited_fds_cloexec() {
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) {
      return;
    }
    const long max_fd = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < max_fd; ++fd) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
};

// Launching through a context that owns no descriptors: the launcher's notify_fork re-registers every
// descriptor of its context in the child, which would make each spawn cost grow with the live children.
boost::asio::io_context& launch_context() {
  static boost::asio::io_context context;
  return context;
}

int null_device() {
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

} // namespace

std::string find_on_path(const std::string& program, const std::string& path_value) {
  if (program.find('/') != std::string::npos) {
    return program;
  }
  std::string fallback;
  std::size_t start = 0;
  while (start <= path_value.size()) {
    auto end = path_value.find(':', start);
    if (end == std::string::npos) {
      end = path_value.size();
    }
    const std::string dir = end == start ? "." : path_value.substr(start, end - start);
    const std::string candidate = dir + "/" + program;
    if (is_executable_file(candidate)) {
      return candidate;
    }
    struct stat info {};
    if (fallback.empty() && ::stat(candidate.c_str(), &info) == 0) {
      fallback = candidate; // exists but is not executable: exec reports EACCES, as execvp does
    }
    start = end + 1;
  }
  return fallback;
}

SpawnResult spawn(const SpawnRequest& request) {
  std::vector<const char*> envp;
  envp.reserve(request.env.size() + 1);
  for (const auto& entry : request.env) {
    envp.push_back(entry.c_str());
  }
  envp.push_back(nullptr);
  SignalGuard blocked;
  // vfork: the child borrows tfrun's memory until exec instead of copying its page tables, whose size
  // grows with every child; with fork, starting N children cost O(N^2). Everything in ChildSetup is a
  // syscall on the child's own signal dispositions, descriptors and group, which vfork does not share.
  bp::posix::vfork_launcher launcher;
  try {
    auto process = launcher(launch_context().get_executor(), request.program, request.args,
                            ChildSetup{request, envp.data(), null_device()});
    const pid_t pid = process.id();
    process.detach();
    return {pid, 0};
  } catch (const bp::system_error& error) {
    return {-1, error.code().value() != 0 ? error.code().value() : EIO};
  }
}

} // namespace tfrun::os
