// SPDX-License-Identifier: MIT
// A child's end, decoded from its wait status by the OS layer, and what tfrun says and returns about it.
#pragma once

#include <string>

namespace tfrun::core {

struct ProcessExit {
  bool signaled = false;
  int code = 0;   // exit code when !signaled
  int signal = 0; // terminating signal when signaled
};

// The code, or 128 + the signal (the shell's convention).
[[nodiscard]] int exit_status_of(const ProcessExit& exit);
// "exited with code 3", "killed by SIGTERM".
[[nodiscard]] std::string describe_exit(const ProcessExit& exit);

} // namespace tfrun::core
