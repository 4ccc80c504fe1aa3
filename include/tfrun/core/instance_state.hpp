// SPDX-License-Identifier: MIT
// The life of one instance as a table of states and events (in the manner of s6-supervise): the runtime
// feeds events in and carries out the actions that come back. An instance is finished only when its
// process was reaped AND its pipe reached EOF, so its last lines are never lost.
#pragma once

#include <string_view>
#include <vector>

namespace tfrun::core {

enum class InstancePhase {
  pending,  // not spawned yet (waiting for its turn or its dependencies)
  running,  // spawned, not asked to stop
  stopping, // stop signal sent, grace period running
  killed,   // SIGKILL sent after the grace period
  exited,   // reaped; pipe may still hold output
  finished, // reaped and drained: nothing more happens unless a restart is scheduled
  backoff,  // finished, waiting out the restart delay before it becomes pending again
};

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
};

enum class InstanceAction {
  send_stop_signal, // stop signal + SIGCONT to the process group
  send_kill,        // SIGKILL to the process group
  report_exit,      // reaped and drained: the `system` line, then the formation policy looks at the exit
  close_pipe_later, // reaped but the pipe is still open (a grandchild holds it): drain it, bounded in time
};

struct InstanceState {
  InstancePhase phase = InstancePhase::pending;
  bool reaped = false;
  bool drained = false;
  bool needed_kill = false; // SIGKILL was sent while it still ran

  // Applies `event` and returns what the runtime must do.
  std::vector<InstanceAction> on(InstanceEvent event);
  [[nodiscard]] bool alive() const {
    return phase == InstancePhase::running || phase == InstancePhase::stopping || phase == InstancePhase::killed;
  }
  [[nodiscard]] bool finished() const { return phase == InstancePhase::finished; }
  [[nodiscard]] bool pending() const { return phase == InstancePhase::pending; }
};

[[nodiscard]] std::string_view to_string(InstancePhase phase);

} // namespace tfrun::core
