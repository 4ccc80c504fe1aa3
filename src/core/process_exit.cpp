// SPDX-License-Identifier: MIT
#include <tfrun/core/process_exit.hpp>

#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/signals.hpp>

namespace tfrun::core {

int exit_status_of(const ProcessExit& exit) { return exit.signaled ? exit_code::signal_base + exit.signal : exit.code; }

std::string describe_exit(const ProcessExit& exit) {
  if (exit.signaled) {
    return "killed by " + signal_name(exit.signal);
  }
  return "exited with code " + std::to_string(exit.code);
}

} // namespace tfrun::core
