// SPDX-License-Identifier: MIT
// Pseudo-terminals for `tfrun start --pty` (docs/terminal.md): one per instance life, its master read as
// the instance's output, its slave the instance's stdin, stdout, stderr and controlling terminal.
#pragma once

#include <optional>

namespace tfrun::os {

struct WindowSize {
  unsigned short rows = 24;
  unsigned short columns = 80;
  bool operator==(const WindowSize&) const = default;
};

struct PseudoTerminal {
  int master = -1; // non-blocking, close-on-exec: tfrun's end
  int slave = -1;  // close-on-exec, not tfrun's controlling terminal: handed to the child at launch
  int error = 0;   // errno when it could not be made (both -1)
};

// A new pair sized `size`. ENOSPC (or EAGAIN) when the kernel's limit on pseudo-terminals is reached
// (kernel.pty.max).
[[nodiscard]] PseudoTerminal open_pseudo_terminal(WindowSize size);

// Resizes the terminal behind `fd` (a master): the kernel sends SIGWINCH to its foreground process group.
// False when the size could not be set (the descriptor is closed, not a terminal).
bool set_window_size(int fd, WindowSize size);

// The size of the terminal on `fd`, if it is one.
[[nodiscard]] std::optional<WindowSize> window_size_of(int fd);

} // namespace tfrun::os
