// SPDX-License-Identifier: MIT
// One instance as the supervisor holds it: its plan, state, pipe, splitter, timers and readiness.
#pragma once

#include <tfrun/core/instance_state.hpp>
#include <tfrun/core/lifecycle_policy.hpp>
#include <tfrun/core/line_pattern.hpp>
#include <tfrun/core/line_splitter.hpp>
#include <tfrun/core/process_exit.hpp>
#include <tfrun/core/recent_lines.hpp>
#include <tfrun/engine/log_output.hpp>
#include <tfrun/engine/supervisor.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace tfrun::engine {

struct ControlSession;

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

// A steady_timer made when first armed: an instance has five timers, and most never arms most of them
// (readiness, restart), so 10,000 instances held 5 MiB of idle Asio timers. Same calls as steady_timer.
class OnDemandTimer {
public:
  explicit OnDemandTimer(boost::asio::io_context& io) : m_io(&io) {}

  void expires_after(std::chrono::steady_clock::duration after) { timer().expires_after(after); }
  void expires_at(std::chrono::steady_clock::time_point at) { timer().expires_at(at); }
  template <typename Handler> void async_wait(Handler&& handler) { timer().async_wait(std::forward<Handler>(handler)); }
  void cancel() {
    if (m_timer) {
      m_timer->cancel();
    }
  }

private:
  boost::asio::steady_timer& timer() {
    if (!m_timer) {
      m_timer = std::make_unique<boost::asio::steady_timer>(*m_io);
    }
    return *m_timer;
  }

  boost::asio::io_context* m_io;
  std::unique_ptr<boost::asio::steady_timer> m_timer;
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
  bool abandoned = false;    // still there after SIGKILL; tfrun stopped waiting for it (until its next life)
  bool spawn_failed = false; // tfrun could not make the process (pipe or fork): the formation stops
  enum class KillCause { none, grace_expired, asked } kill_cause = KillCause::none;
  core::RestartHistory restarts;
  int lives = 0;                              // spawns so far: `tfrun ps` shows lives - 1 as restarts
  std::optional<core::ProcessExit> last_exit; // kept across restarts, for `tfrun ps`
  Readiness readiness;
  core::RecentLines recent; // for `tfrun logs`
  // The grace period before SIGKILL; before that, during a stop caused by another instance's exit, the
  // settle time a just-started instance gets before its stop signal.
  OnDemandTimer kill_timer;
  OnDemandTimer drain_timer;
  OnDemandTimer restart_timer;
  OnDemandTimer ready_timer; // the readiness deadline
  OnDemandTimer probe_timer; // the next port or command probe
  bool on_terminal = false;  // this life's output is read from a pseudo-terminal's master (`pipe`)
  // The `tfrun attach` client connected to its terminal (docs/terminal.md), if any: one at a time.
  std::shared_ptr<ControlSession> attached;
  bool reading = false;
  bool paused = false;
  std::size_t read_while_full = 0; // bytes read while the sink was full, in round `full_round`
  std::uint64_t full_round = 0;
};

} // namespace tfrun::engine
