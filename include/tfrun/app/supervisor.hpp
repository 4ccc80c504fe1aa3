// SPDX-License-Identifier: MIT
// The runtime of `tfrun start`: one single-threaded io_context that owns the children, feeds their pipes
// through line splitters to the one writer, learns of exits from the reaper and carries out the shutdown.
#pragma once

#include <tfrun/app/log_output.hpp>
#include <tfrun/app/options.hpp>
#include <tfrun/core/duration.hpp>
#include <tfrun/core/settings.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tfrun::app {

// One instance as the runtime needs it: everything resolved.
struct PlannedInstance {
  std::string name;
  std::string type;
  std::size_t type_index = 0;
  int port = 0;
  std::string command;
  std::vector<std::string> env; // NAME=VALUE
  std::string cwd;
  int stop_signal = 15;
  core::Duration timeout{5000};
  core::SignalTarget signal_target = core::SignalTarget::group;
};

struct SupervisorPlan {
  std::vector<PlannedInstance> instances;
  core::Duration quiet_period{1000};
  LogFormat log_format = LogFormat::text;
  core::TextStyle style;
};

class Supervisor {
public:
  explicit Supervisor(SupervisorPlan plan);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs until every child is gone; returns the exit status of DESIGN.md §7.
  int run();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace tfrun::app
