// SPDX-License-Identifier: MIT
#include <tfrun/core/instance_state.hpp>

namespace tfrun::core {
namespace {

using Phase = InstancePhase;
using Event = InstanceEvent;
using Action = InstanceAction;

} // namespace

std::vector<InstanceAction> InstanceState::on(InstanceEvent event) {
  switch (event) {
  case Event::spawned:
    if (phase == Phase::pending) {
      phase = Phase::running;
    }
    return {};
  case Event::spawn_failed:
    phase = Phase::finished;
    reaped = drained = true;
    return {Action::report_exit};
  case Event::stop_requested:
    if (phase == Phase::running) {
      phase = Phase::stopping;
      return {Action::send_stop_signal};
    }
    if (phase == Phase::pending || phase == Phase::backoff) {
      phase = Phase::finished; // not running: nothing to stop, and no restart any more
    }
    // Reaped but not drained: the rest of its group (a background grandchild) still holds the pipe.
    return phase == Phase::exited ? std::vector<Action>{Action::send_stop_signal} : std::vector<Action>{};
  case Event::grace_expired:
  case Event::kill_now:
    if (phase == Phase::running || phase == Phase::stopping) {
      phase = Phase::killed;
      needed_kill = true;
      return {Action::send_kill};
    }
    if (phase == Phase::pending || phase == Phase::backoff) {
      phase = Phase::finished;
    }
    return phase == Phase::exited ? std::vector<Action>{Action::send_kill} : std::vector<Action>{};
  case Event::reaped:
    reaped = true;
    phase = drained ? Phase::finished : Phase::exited;
    return drained ? std::vector<Action>{Action::report_exit} : std::vector<Action>{Action::close_pipe_later};
  case Event::pipe_closed:
    drained = true;
    if (reaped) {
      phase = Phase::finished;
      return {Action::report_exit};
    }
    return {};
  case Event::restart_scheduled:
    if (phase == Phase::finished) {
      phase = Phase::backoff;
    }
    return {};
  case Event::restart_due:
    if (phase == Phase::backoff) {
      *this = InstanceState{}; // a new life: pending, nothing reaped or drained
    }
    return {};
  }
  return {};
}

std::string_view to_string(InstancePhase phase) {
  switch (phase) {
  case Phase::pending: return "pending";
  case Phase::running: return "running";
  case Phase::stopping: return "stopping";
  case Phase::killed: return "killed";
  case Phase::exited: return "exited";
  case Phase::finished: return "finished";
  case Phase::backoff: return "backoff";
  }
  return "unknown";
}

} // namespace tfrun::core
