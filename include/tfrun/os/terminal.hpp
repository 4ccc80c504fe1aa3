// SPDX-License-Identifier: MIT
// Handing the controlling terminal to a one-off command and taking it back (job control).
#pragma once

#include <sys/types.h>

namespace tfrun::os {

// True when stdin is a terminal whose foreground process group is tfrun's own: only then may tfrun give
// the terminal away (in the background, or without a terminal, there is nothing to hand over).
[[nodiscard]] bool owns_foreground_terminal();
// The foreground process group of the terminal on stdin, or -1.
[[nodiscard]] pid_t foreground_group();
// Makes `pgid` the terminal's foreground group. SIGTTOU is blocked around the call: tfrun may already be
// in the background when it takes the terminal back.
void set_foreground_group(pid_t pgid);

// The terminal on `fd` in raw mode (every key as typed, no echo, no signals from Ctrl-C) for as long as
// this lives (`tfrun attach`); its settings are put back when it goes. Does nothing when `fd` is not a
// terminal.
class RawMode {
public:
  explicit RawMode(int fd);
  ~RawMode();
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;
  [[nodiscard]] bool active() const { return m_active; }

private:
  int m_fd;
  bool m_active = false;
  unsigned char m_saved[128]{}; // a struct termios, kept opaque so this header needs no <termios.h>
};

} // namespace tfrun::os
