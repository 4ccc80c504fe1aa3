// SPDX-License-Identifier: MIT
#include <tfrun/os/terminal.hpp>

#include <tfrun/os/signal_guard.hpp>

#include <termios.h>
#include <unistd.h>

namespace tfrun::os {

bool owns_foreground_terminal() { return ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp(); }

pid_t foreground_group() { return ::isatty(STDIN_FILENO) == 1 ? ::tcgetpgrp(STDIN_FILENO) : -1; }

void set_foreground_group(pid_t pgid) {
  const SignalGuard blocked;
  ::tcsetpgrp(STDIN_FILENO, pgid);
}

} // namespace tfrun::os
