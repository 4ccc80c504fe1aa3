// SPDX-License-Identifier: MIT
#include <tfrun/os/terminal.hpp>

#include <tfrun/os/signal_guard.hpp>

#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace tfrun::os {

bool owns_foreground_terminal() { return ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp(); }

pid_t foreground_group() { return ::isatty(STDIN_FILENO) == 1 ? ::tcgetpgrp(STDIN_FILENO) : -1; }

void set_foreground_group(pid_t pgid) {
  const SignalGuard blocked;
  ::tcsetpgrp(STDIN_FILENO, pgid);
}

RawMode::RawMode(int fd) : m_fd(fd) {
  static_assert(sizeof(termios) <= sizeof m_saved);
  termios saved{};
  if (::isatty(fd) != 1 || ::tcgetattr(fd, &saved) != 0) {
    return;
  }
  termios raw = saved;
  ::cfmakeraw(&raw);
  const SignalGuard blocked; // SIGTTOU, should this run in the background
  m_active = ::tcsetattr(fd, TCSAFLUSH, &raw) == 0;
  std::memcpy(m_saved, &saved, sizeof saved);
}

RawMode::~RawMode() {
  if (m_active) {
    termios saved{};
    std::memcpy(&saved, m_saved, sizeof saved);
    const SignalGuard blocked;
    ::tcsetattr(m_fd, TCSAFLUSH, &saved);
  }
}

} // namespace tfrun::os
