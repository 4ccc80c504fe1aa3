// SPDX-License-Identifier: MIT
#include <tfrun/os/process_control.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace tfrun::os {

bool become_child_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

bool is_pid1() { return ::getpid() == 1; }

bool signal_group(pid_t pgid, int sig) { return pgid > 1 && ::kill(-pgid, sig) == 0; }

bool signal_process(pid_t pid, int sig) { return pid > 0 && ::kill(pid, sig) == 0; }

void signal_adopted(pid_t pid, int sig) {
  const pid_t group = ::getpgid(pid);
  if (group == pid && group != ::getpgrp()) {
    signal_group(group, sig);
  }
  signal_process(pid, sig);
  if (sig != SIGKILL) {
    signal_process(pid, SIGCONT);
  }
}

bool signal_group_if_held(pid_t pgid, int sig) {
  if (pgid <= 1) {
    return false;
  }
  // Asks the kernel whether a child of tfrun (zombies included) is in the group, without reaping
  // (WNOWAIT): ECHILD when none is. One call, where listing the children and asking each for its group
  // made every call O(children) system calls.
  siginfo_t info{};
  if (::waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) != 0) {
    return false;
  }
  signal_group(pgid, sig);
  if (sig != SIGKILL) {
    signal_group(pgid, SIGCONT);
  }
  return true;
}

namespace {

// Field 4 of /proc/PID/stat; the command name (field 2) may hold spaces and ')', so parse after the last ')'.
pid_t parent_of(const std::string& pid_text) {
  std::ifstream in("/proc/" + pid_text + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) {
    return -1;
  }
  // ") S PPID ..."
  return static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
}

} // namespace

namespace {

// /proc/self/task/TID/children (Linux 3.5+, CONFIG_PROC_CHILDREN) lists each thread's children directly:
// a few numbers to read instead of every process on the machine. False when the kernel lacks it.
bool list_children_from_tasks(std::vector<pid_t>& children) {
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) {
    return false;
  }
  bool found_any_file = false;
  while (const dirent* task = ::readdir(tasks)) {
    if (task->d_name[0] < '1' || task->d_name[0] > '9') {
      continue;
    }
    const std::string path = std::string("/proc/self/task/") + task->d_name + "/children";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    found_any_file = true;
    // Whole reads and from_chars: with thousands of children, istream's cost per number was most of a stop.
    std::string text;
    std::array<char, 65536> chunk{};
    for (ssize_t got = 0; (got = ::read(fd, chunk.data(), chunk.size())) > 0;) {
      text.append(chunk.data(), static_cast<std::size_t>(got));
    }
    ::close(fd);
    const char* const end = text.data() + text.size();
    for (const char* at = text.data(); at < end;) {
      pid_t pid = 0;
      const auto [next, error] = std::from_chars(at, end, pid);
      if (error == std::errc{}) {
        children.push_back(pid);
        at = next;
      } else {
        ++at;
      }
    }
  }
  ::closedir(tasks);
  return found_any_file;
}

} // namespace

std::size_t open_descriptor_count(std::size_t below) {
  std::size_t count = 0;
  if (DIR* fds = ::opendir("/proc/self/fd")) {
    const auto own = static_cast<std::size_t>(::dirfd(fds));
    while (const dirent* entry = ::readdir(fds)) {
      std::size_t fd = 0;
      const auto* end = entry->d_name + std::strlen(entry->d_name);
      if (std::from_chars(entry->d_name, end, fd).ptr == end && fd < below && fd != own) {
        ++count;
      }
    }
    ::closedir(fds);
    return count;
  }
  const auto highest = static_cast<int>(std::min<std::size_t>(below, 1 << 20));
  for (int fd = 0; fd < highest; ++fd) {
    count += ::fcntl(fd, F_GETFD) >= 0 ? 1 : 0;
  }
  return count;
}

bool has_any_child() {
  siginfo_t info{};
  while (::waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) != 0) {
    if (errno != EINTR) {
      return errno != ECHILD; // an unexpected error: assume there may be some
    }
  }
  return true;
}

std::vector<pid_t> list_children() {
  std::vector<pid_t> children;
  if (list_children_from_tasks(children)) {
    return children;
  }
  children.clear();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return children;
  }
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
      continue;
    }
    if (parent_of(entry->d_name) == self) {
      children.push_back(static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10)));
    }
  }
  ::closedir(proc);
  return children;
}

std::string process_name(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

void stop_self() {
  if (!is_pid1()) {
    ::kill(::getpid(), SIGSTOP);
  }
}

bool tcp_port_in_use(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  const int yes = 1;
  // SO_REUSEADDR: a port in TIME_WAIT is free for the app, so it must not be reported as bound.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool in_use =
      ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return in_use;
}

PipeEnds make_output_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return {-1, -1, errno};
  }
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return {fds[0], fds[1], 0};
}

bool takes_default_action(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  bool read_any = false;
  while (std::getline(status, line)) {
    if (line.rfind("SigIgn:", 0) != 0 && line.rfind("SigCgt:", 0) != 0) {
      continue;
    }
    read_any = true;
    const auto hex = line.substr(line.find_first_not_of(" \t", 7));
    std::uint64_t mask = 0;
    if (std::from_chars(hex.data(), hex.data() + hex.size(), mask, 16).ec != std::errc{}) {
      return false;
    }
    if ((mask >> (sig - 1)) & 1U) {
      return false;
    }
  }
  return read_any;
}

} // namespace tfrun::os
