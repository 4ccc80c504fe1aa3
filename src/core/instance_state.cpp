// SPDX-License-Identifier: MIT
#include <tfrun/core/instance_state.hpp>

namespace tfrun::core {
namespace {

using Phase = InstancePhase;
using Event = InstanceEvent;
using Action = InstanceAction;

struct Row {
  Phase from;
  Event event;
  Phase next;
  Action action;
};

// Every transition there is; any (phase, event) pair not listed is refused. Read it by phase.
constexpr Row k_rows[] = {
    // Not started: a stop means it never starts (and a scheduled restart is dropped).
    {Phase::pending, Event::spawned, Phase::running, Action::none},
    {Phase::pending, Event::spawn_failed, Phase::finished, Action::report_exit},
    {Phase::pending, Event::stop_requested, Phase::finished, Action::none},
    {Phase::pending, Event::kill_now, Phase::finished, Action::none},

    {Phase::running, Event::stop_requested, Phase::stopping, Action::send_stop_signal},
    {Phase::running, Event::kill_now, Phase::killed, Action::send_kill},
    {Phase::running, Event::reaped, Phase::exited, Action::drain_output},
    {Phase::running, Event::pipe_closed, Phase::running_closed, Action::none},

    {Phase::stopping, Event::grace_expired, Phase::killed, Action::send_kill},
    {Phase::stopping, Event::kill_now, Phase::killed, Action::send_kill},
    {Phase::stopping, Event::reaped, Phase::exited, Action::drain_output},
    {Phase::stopping, Event::pipe_closed, Phase::stopping_closed, Action::none},

    {Phase::killed, Event::reaped, Phase::exited, Action::drain_output},
    {Phase::killed, Event::pipe_closed, Phase::killed_closed, Action::none},
    {Phase::killed, Event::kill_failed, Phase::finished, Action::abandon},

    {Phase::running_closed, Event::stop_requested, Phase::stopping_closed, Action::send_stop_signal},
    {Phase::running_closed, Event::kill_now, Phase::killed_closed, Action::send_kill},
    {Phase::running_closed, Event::reaped, Phase::finished, Action::report_exit},

    {Phase::stopping_closed, Event::grace_expired, Phase::killed_closed, Action::send_kill},
    {Phase::stopping_closed, Event::kill_now, Phase::killed_closed, Action::send_kill},
    {Phase::stopping_closed, Event::reaped, Phase::finished, Action::report_exit},

    {Phase::killed_closed, Event::reaped, Phase::finished, Action::report_exit},
    {Phase::killed_closed, Event::kill_failed, Phase::finished, Action::abandon},

    // Reaped, output held open by something it left behind: only that is signalled, never the pid.
    {Phase::exited, Event::stop_requested, Phase::exited, Action::stop_leftovers},
    {Phase::exited, Event::grace_expired, Phase::exited, Action::kill_leftovers},
    {Phase::exited, Event::kill_now, Phase::exited, Action::kill_leftovers},
    {Phase::exited, Event::pipe_closed, Phase::finished, Action::report_exit},

    {Phase::finished, Event::restart_scheduled, Phase::backoff, Action::none},

    {Phase::backoff, Event::stop_requested, Phase::finished, Action::none},
    {Phase::backoff, Event::kill_now, Phase::finished, Action::none},
    {Phase::backoff, Event::restart_due, Phase::pending, Action::none},

    // Live control. A user stop is a stop that leaves the formation running; a user restart stops what
    // runs and spawns it again once it is finished (the supervisor applies user_restart once more then,
    // from finished). Asked while already stopping, the wish is recorded and nothing more is sent.
    {Phase::pending, Event::user_stop, Phase::finished, Action::none},
    {Phase::pending, Event::user_restart, Phase::pending, Action::none},
    {Phase::running, Event::user_stop, Phase::stopping, Action::send_stop_signal},
    {Phase::running, Event::user_restart, Phase::stopping, Action::send_stop_signal},
    {Phase::running_closed, Event::user_stop, Phase::stopping_closed, Action::send_stop_signal},
    {Phase::running_closed, Event::user_restart, Phase::stopping_closed, Action::send_stop_signal},
    {Phase::stopping, Event::user_stop, Phase::stopping, Action::none},
    {Phase::stopping, Event::user_restart, Phase::stopping, Action::none},
    {Phase::killed, Event::user_stop, Phase::killed, Action::none},
    {Phase::killed, Event::user_restart, Phase::killed, Action::none},
    {Phase::stopping_closed, Event::user_stop, Phase::stopping_closed, Action::none},
    {Phase::stopping_closed, Event::user_restart, Phase::stopping_closed, Action::none},
    {Phase::killed_closed, Event::user_stop, Phase::killed_closed, Action::none},
    {Phase::killed_closed, Event::user_restart, Phase::killed_closed, Action::none},
    {Phase::exited, Event::user_stop, Phase::exited, Action::stop_leftovers},
    {Phase::exited, Event::user_restart, Phase::exited, Action::stop_leftovers},
    {Phase::finished, Event::user_stop, Phase::finished, Action::none},
    {Phase::finished, Event::user_restart, Phase::pending, Action::queue_spawn},
    {Phase::backoff, Event::user_stop, Phase::finished, Action::none},
    {Phase::backoff, Event::user_restart, Phase::pending, Action::queue_spawn},
};

using Table = std::array<std::array<std::optional<InstanceTransition>, k_instance_event_count>, k_instance_phase_count>;

constexpr Table build_table() {
  Table table{};
  for (const auto& row : k_rows) {
    table[static_cast<std::size_t>(row.from)][static_cast<std::size_t>(row.event)] =
        InstanceTransition{row.next, row.action};
  }
  return table;
}

constexpr Table k_table = build_table();

} // namespace

std::optional<InstanceTransition> instance_transition(InstancePhase phase, InstanceEvent event) {
  return k_table[static_cast<std::size_t>(phase)][static_cast<std::size_t>(event)];
}

InstanceAction InstanceState::on(InstanceEvent event) {
  const auto transition = instance_transition(phase, event);
  if (!transition) {
    return Action::none;
  }
  phase = transition->next;
  if (event == Event::user_stop) {
    request = InstanceRequest::stop;
  } else if (event == Event::user_restart) {
    request = InstanceRequest::restart;
  } else if (event == Event::spawned) {
    request = InstanceRequest::none; // a new life: its exit is judged by its policy again
  } else if (event == Event::spawn_failed && request != InstanceRequest::none) {
    request = InstanceRequest::stop; // asked for by the user and failed: it stays down until asked again
  }
  return transition->action;
}

bool InstanceState::alive() const {
  switch (phase) {
  case Phase::running:
  case Phase::stopping:
  case Phase::killed:
  case Phase::running_closed:
  case Phase::stopping_closed:
  case Phase::killed_closed: return true;
  case Phase::pending:
  case Phase::exited:
  case Phase::finished:
  case Phase::backoff: return false;
  }
  return false;
}

std::string_view to_string(InstancePhase phase) {
  switch (phase) {
  case Phase::pending: return "pending";
  case Phase::running: return "running";
  case Phase::stopping: return "stopping";
  case Phase::killed: return "killed";
  case Phase::running_closed: return "running_closed";
  case Phase::stopping_closed: return "stopping_closed";
  case Phase::killed_closed: return "killed_closed";
  case Phase::exited: return "exited";
  case Phase::finished: return "finished";
  case Phase::backoff: return "backoff";
  }
  return "unknown";
}

std::string_view to_string(InstanceEvent event) {
  switch (event) {
  case Event::spawned: return "spawned";
  case Event::spawn_failed: return "spawn_failed";
  case Event::stop_requested: return "stop_requested";
  case Event::grace_expired: return "grace_expired";
  case Event::kill_now: return "kill_now";
  case Event::reaped: return "reaped";
  case Event::pipe_closed: return "pipe_closed";
  case Event::restart_scheduled: return "restart_scheduled";
  case Event::restart_due: return "restart_due";
  case Event::kill_failed: return "kill_failed";
  case Event::user_stop: return "user_stop";
  case Event::user_restart: return "user_restart";
  }
  return "unknown";
}

std::string_view to_string(InstanceAction action) {
  switch (action) {
  case Action::none: return "none";
  case Action::send_stop_signal: return "send_stop_signal";
  case Action::send_kill: return "send_kill";
  case Action::stop_leftovers: return "stop_leftovers";
  case Action::kill_leftovers: return "kill_leftovers";
  case Action::drain_output: return "drain_output";
  case Action::report_exit: return "report_exit";
  case Action::abandon: return "abandon";
  case Action::queue_spawn: return "queue_spawn";
  }
  return "unknown";
}

std::string_view describe_state(const InstanceState& state) {
  switch (state.phase) {
  case Phase::pending: return "pending";
  case Phase::running:
  case Phase::running_closed: return "running";
  case Phase::stopping:
  case Phase::killed:
  case Phase::stopping_closed:
  case Phase::killed_closed: return "stopping";
  case Phase::exited: return "draining";
  case Phase::finished: return state.request == InstanceRequest::stop ? "stopped" : "exited";
  case Phase::backoff: return "backoff";
  }
  return "unknown";
}

} // namespace tfrun::core
