// SPDX-License-Identifier: MIT
// One instance as the supervisor holds it: its plan, state, pipe, splitter, timers and readiness.
#pragma once

#include <tfrun/core/instance_state.hpp>
#include <tfrun/core/lifecycle_policy.hpp>
#include <tfrun/core/line_pattern.hpp>
#include <tfrun/core/line_splitter.hpp>
#include <tfrun/core/process_exit.hpp>
#include <tfrun/engine/log_output.hpp>
#include <tfrun/engine/supervisor.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace tfrun::engine {

// Where an instance stands on its way to ready (only the first life counts: dependents start once).
struct Readiness {
  bool ready = false;
  bool checking = false;                        // the check started with the first spawn
  std::optional<core::LinePattern> log_pattern; // ready = { log = "..." }
  pid_t probe_pid = -1;                         // ready = { command = "..." }, while it runs
  std::string notify_path;                      // ready = "notify": this instance's NOTIFY_SOCKET
  std::unique_ptr<boost::asio::local::datagram_protocol::socket> notify_socket;
  std::unique_ptr<std::array<char, 4096>> notify_buffer; // on the first receive: not 4 KiB in every child
};

// The last lines of one instance, for `tfrun logs` (docs/control.md): bounded in lines and in bytes, each
// line stamped with the formation-wide sequence number so the rings of several instances merge in order.
struct RecentLines {
  static constexpr std::size_t k_lines = 1000;
  static constexpr std::size_t k_bytes = 256 * 1024;
  static constexpr std::size_t k_line_bytes = 4096; // a longer line is kept cut to this

  struct Line {
    std::uint64_t seq = 0;
    std::string text;
  };
  std::deque<Line> lines;
  std::size_t bytes = 0;

  void add(std::uint64_t seq, std::string_view text) {
    lines.push_back({seq, std::string(text.substr(0, k_line_bytes))});
    bytes += lines.back().text.size();
    while (lines.size() > k_lines || bytes > k_bytes) {
      bytes -= lines.front().text.size();
      lines.pop_front();
    }
  }
};

struct SupervisedChild {
  SupervisedChild(boost::asio::io_context& io, PlannedInstance instance)
      : plan(std::move(instance)), pipe(io), kill_timer(io), drain_timer(io), restart_timer(io), ready_timer(io),
        probe_timer(io) {}

  PlannedInstance plan;
  core::InstanceState state;
  pid_t pid = -1;
  boost::asio::posix::stream_descriptor pipe;
  core::LineSplitter splitter;
  LineSource source;
  std::chrono::steady_clock::time_point last_data{};
  std::chrono::steady_clock::time_point started_at{};
  std::optional<core::ProcessExit> exit;
  // What its lifecycle policy said, decided when the exit happened (so the formation's status follows
  // the order in which processes exited) and carried out once its output is drained.
  std::optional<core::ExitVerdict> verdict;
  bool spawn_failed = false; // tfrun could not make the process (pipe or fork): the formation stops
  enum class KillCause { none, grace_expired, asked } kill_cause = KillCause::none;
  core::RestartHistory restarts;
  int lives = 0;                              // spawns so far: `tfrun ps` shows lives - 1 as restarts
  std::optional<core::ProcessExit> last_exit; // kept across restarts, for `tfrun ps`
  Readiness readiness;
  RecentLines recent;
  // The grace period before SIGKILL; before that, during a stop caused by another instance's exit, the
  // settle time a just-started instance gets before its stop signal.
  boost::asio::steady_timer kill_timer;
  boost::asio::steady_timer drain_timer;
  boost::asio::steady_timer restart_timer;
  boost::asio::steady_timer ready_timer; // the readiness deadline
  boost::asio::steady_timer probe_timer; // the next port or command probe
  bool reading = false;
  bool paused = false;
  std::size_t read_while_full = 0; // bytes read while the sink was full, in round `full_round`
  std::uint64_t full_round = 0;
};

} // namespace tfrun::engine
