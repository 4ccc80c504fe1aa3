// SPDX-License-Identifier: MIT
// The life of one instance as one explicit table of states and events (in the manner of s6-supervise):
// the runtime feeds events in and carries out the actions that come back. Every (phase, event) cell is
// either a named transition or refused (nothing changes, nothing is done). An instance is finished only
// when its process was reaped AND its output reached EOF, so its last lines are never lost; and no action
// that signals the process or its group exists once it was reaped, so a recycled pid is never signalled.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tfrun::core {

enum class InstancePhase {
  pending,         // not spawned yet (waiting for its turn or its dependencies)
  running,         // spawned, not asked to stop, output open
  stopping,        // stop signal sent, grace period running, output open
  killed,          // SIGKILL sent, output open
  running_closed,  // still running, but it closed its output
  stopping_closed, // stopping, output closed
  killed_closed,   // SIGKILL sent, output closed
  exited,          // reaped; the output is still open (a descendant holds it): draining
  finished,        // reaped and drained: nothing more happens unless a restart is scheduled
  backoff,         // finished, waiting out the restart delay before it becomes pending again
};
inline constexpr std::size_t k_instance_phase_count = 10;

enum class InstanceEvent {
  spawned,
  spawn_failed,
  stop_requested,
  grace_expired,
  kill_now, // second Ctrl-C
  reaped,
  pipe_closed,
  restart_scheduled, // the restart policy wants it again, after a delay
  restart_due,       // the delay is over: spawn it again
  kill_failed,       // still not reaped well after SIGKILL (uninterruptible sleep, or not tfrun's to kill)
  // Live control (docs/control.md). The user's wish is remembered in InstanceState::request until the
  // next life begins: a stopped instance stays down, a restarted one is spawned again once finished.
  user_stop,    // `tfrun stop NAME`
  user_restart, // `tfrun restart NAME`: stop it if it runs, then start it (also after a user stop or an exit)
};
inline constexpr std::size_t k_instance_event_count = 12;

enum class InstanceAction {
  none,
  send_stop_signal, // stop signal + SIGCONT to the process (group); arm the grace period
  send_kill,        // SIGKILL to the process (group)
  stop_leftovers,   // reaped, output still held: stop what it left behind (never its own pid or group id)
  kill_leftovers,   // the same with SIGKILL
  drain_output,     // reaped, output still open: keep reading until EOF
  report_exit,      // reaped and drained: the `system` line, then the formation policy looks at the exit
  abandon,          // SIGKILL did not end it: name it, stop waiting for it and for its output
  queue_spawn,      // a user restart of an instance that is not running: spawn it (again) now
};

// What the user asked of an instance through the control socket, until its next life starts. Its exit is
// then not judged by the lifecycle policy (it neither restarts by policy nor stops the formation).
enum class InstanceRequest { none, stop, restart };

struct InstanceTransition {
  InstancePhase next;
  InstanceAction action;
};

// The table itself: nullopt where `event` is refused in `phase`.
[[nodiscard]] std::optional<InstanceTransition> instance_transition(InstancePhase phase, InstanceEvent event);

struct InstanceState {
  InstancePhase phase = InstancePhase::pending;
  InstanceRequest request = InstanceRequest::none;

  // Applies `event` and returns what the runtime must do (none when refused).
  InstanceAction on(InstanceEvent event);
  // The process exists and has not been reaped: the only phases in which it may be signalled.
  [[nodiscard]] bool alive() const;
  [[nodiscard]] bool finished() const { return phase == InstancePhase::finished; }
  [[nodiscard]] bool pending() const { return phase == InstancePhase::pending; }
};

[[nodiscard]] std::string_view to_string(InstancePhase phase);
[[nodiscard]] std::string_view to_string(InstanceEvent event);
[[nodiscard]] std::string_view to_string(InstanceAction action);
// What `tfrun ps` shows: running, stopping, draining, pending, backoff, stopped (by the user), exited.
[[nodiscard]] std::string_view describe_state(const InstanceState& state);

} // namespace tfrun::core
