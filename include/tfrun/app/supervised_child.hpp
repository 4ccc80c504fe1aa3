// SPDX-License-Identifier: MIT
// One running instance as the supervisor holds it: its plan, state, pipe, splitter and timers.
#pragma once

#include <tfrun/app/log_output.hpp>
#include <tfrun/app/supervisor.hpp>
#include <tfrun/core/instance_state.hpp>
#include <tfrun/core/line_splitter.hpp>
#include <tfrun/core/process_exit.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <sys/types.h>

namespace tfrun::app {

struct SupervisedChild {
  SupervisedChild(boost::asio::io_context& io, PlannedInstance instance)
      : plan(std::move(instance)), pipe(io), kill_timer(io), drain_timer(io) {}

  PlannedInstance plan;
  core::InstanceState state;
  pid_t pid = -1;
  boost::asio::posix::stream_descriptor pipe;
  core::LineSplitter splitter;
  LineSource source;
  std::chrono::steady_clock::time_point last_data{};
  std::optional<core::ProcessExit> exit;
  boost::asio::steady_timer kill_timer;
  boost::asio::steady_timer drain_timer;
  bool reading = false;
  bool paused = false;
};

} // namespace tfrun::app
