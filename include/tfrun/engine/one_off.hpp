// SPDX-License-Identifier: MIT
// The runtime of `tfrun run`: one command, the terminal handed to it, every signal forwarded, every
// zombie reaped, and the command's descendants given a grace period when it exits (container init).
#pragma once

#include <tfrun/core/duration.hpp>
#include <tfrun/core/settings.hpp>

#include <string>
#include <vector>

namespace tfrun::engine {

struct OneOffPlan {
  std::string program; // resolved path
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd; // empty: the caller's directory
  core::Duration timeout{5000};
  core::SignalTarget signal_target = core::SignalTarget::group;
  int listen_fds = 0; // socket activation: descriptors 3.. passed through, LISTEN_PID set to the command
};

// Runs to completion; returns the command's status (128+n when killed by signal n).
[[nodiscard]] int run_one_off(const OneOffPlan& plan);

} // namespace tfrun::engine
