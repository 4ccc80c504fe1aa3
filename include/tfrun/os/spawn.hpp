// SPDX-License-Identifier: MIT
// Starting a child. Boost.Process v2 launches (in spawn.cpp only); nothing here waits: os/reaper does.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace tfrun::os {

struct SpawnRequest {
  std::string program;           // executed as given (PATH is searched when it has no '/')
  std::vector<std::string> args; // argv[1..]
  std::vector<std::string> env;  // NAME=VALUE
  std::string cwd;               // empty: inherit
  int stdin_fd = -1;             // -1: /dev/null
  int output_fd = -1;            // stdout and stderr; -1: inherit both
  bool new_process_group = true; // setpgid(0, 0)
  bool take_terminal = false;    // become the terminal's foreground process group (tfrun run)
};

struct SpawnResult {
  pid_t pid = -1;
  int error = 0; // errno of the failure (exec, chdir, fork); 0 on success
};

// Call with every signal blocked (SignalGuard); the child restores `original_mask` and resets every
// disposition to default just before exec, so a signal sent at once is neither lost nor misrouted.
[[nodiscard]] SpawnResult spawn(const SpawnRequest& request);

// Resolves `program` on PATH (from `path_value`) like execvp; returns it unchanged when it has a '/'.
// Empty when not found anywhere.
[[nodiscard]] std::string find_on_path(const std::string& program, const std::string& path_value);

} // namespace tfrun::os
