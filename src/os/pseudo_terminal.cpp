// SPDX-License-Identifier: MIT
#include <tfrun/os/pseudo_terminal.hpp>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace tfrun::os {

PseudoTerminal open_pseudo_terminal(WindowSize size) {
  PseudoTerminal out;
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) {
    out.error = errno;
    return out;
  }
  const auto fail = [&] {
    out.error = errno;
    ::close(master);
    return out;
  };
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    return fail();
  }
  // TIOCGPTPEER opens the slave from the master itself: no path lookup, and no race with another
  // process opening the same /dev/pts entry.
  int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0 && (errno == EINVAL || errno == ENOTTY)) { // before Linux 4.13
    char name[64];
    if (::ptsname_r(master, name, sizeof name) == 0) {
      slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    }
  }
  if (slave < 0) {
    return fail();
  }
  const int flags = ::fcntl(master, F_GETFL);
  if (flags < 0 || ::fcntl(master, F_SETFL, flags | O_NONBLOCK) != 0) {
    const int error = errno;
    ::close(slave);
    errno = error;
    return fail();
  }
  set_window_size(master, size);
  // Ctrl-Z typed through `tfrun attach` would stop the instance with nothing on its terminal to resume it
  // (no shell does job control there): it reaches the program as a byte instead. Ctrl-C and Ctrl-\ keep
  // their signals, which debuggers and REPLs expect.
  termios settings{};
  if (::tcgetattr(slave, &settings) == 0) {
    settings.c_cc[VSUSP] = _POSIX_VDISABLE;
    ::tcsetattr(slave, TCSANOW, &settings);
  }
  out.master = master;
  out.slave = slave;
  return out;
}

bool set_window_size(int fd, WindowSize size) {
  struct winsize window {};
  window.ws_row = size.rows;
  window.ws_col = size.columns;
  return ::ioctl(fd, TIOCSWINSZ, &window) == 0;
}

std::optional<WindowSize> window_size_of(int fd) {
  struct winsize window {};
  if (::ioctl(fd, TIOCGWINSZ, &window) != 0 || window.ws_col == 0 || window.ws_row == 0) {
    return std::nullopt;
  }
  return WindowSize{window.ws_row, window.ws_col};
}

} // namespace tfrun::os
