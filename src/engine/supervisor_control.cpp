// SPDX-License-Identifier: MIT
// What the control commands do to the formation (docs/control.md): every change goes through the
// instance's state table (user_stop, user_restart), so a stop asked for by the user follows the same path as
// any stop (stop signal + SIGCONT, grace, SIGKILL) and nothing is ever signalled after its reap.
#include "supervisor_impl.hpp"

#include <tfrun/core/name_match.hpp>
#include <tfrun/core/signals.hpp>

namespace tfrun::engine {
std::vector<SupervisedChild*> Supervisor::Impl::select(const std::shared_ptr<ControlSession>& session,
                                                       const std::vector<std::string>& patterns) {
  std::vector<core::NamedInstance> named;
  named.reserve(m_children.size());
  for (const auto& child : m_children) {
    named.push_back({child->plan.name, child->plan.type});
  }
  const auto selection = core::select_instances(patterns, named);
  if (!selection.unmatched.empty()) {
    std::string names;
    for (const auto& pattern : selection.unmatched) {
      names += (names.empty() ? "'" : ", '") + pattern + "'";
    }
    send(session, core::ControlError{core::ControlErrorCode::unknown_name, "no instance or type matches " + names});
    return {};
  }
  std::vector<SupervisedChild*> chosen;
  for (const auto index : selection.chosen) {
    chosen.push_back(m_children[index].get());
  }
  return chosen;
}

core::InstanceStatus Supervisor::Impl::status_of(const SupervisedChild& child) const {
  core::InstanceStatus status;
  status.name = child.plan.name;
  status.type = child.plan.type;
  const bool abandoned = child.abandoned && child.state.finished();
  status.state = abandoned ? "abandoned" : core::describe_state(child.state);
  if (child.state.alive() || abandoned) {
    status.pid = child.pid;
    status.uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - child.started_at).count();
  }
  status.restarts = std::max(0, child.lives - 1);
  if (child.last_exit) {
    status.last_exit = core::describe_exit(*child.last_exit);
  }
  status.port = child.plan.port;
  status.ready = child.readiness.ready;
  return status;
}

void Supervisor::Impl::answer_ps(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request) {
  const auto chosen = select(session, request.names);
  if (chosen.empty()) {
    return;
  }
  for (const auto* child : chosen) {
    send(session, status_of(*child), true);
  }
  send(session, core::ControlDone{});
}

void Supervisor::Impl::answer_stop_or_restart(const std::shared_ptr<ControlSession>& session,
                                              const core::ControlRequest& request) {
  const auto chosen = select(session, request.names);
  if (chosen.empty()) {
    return;
  }
  const bool restart = request.command == core::ControlCommand::restart;
  for (auto* child : chosen) {
    m_out.system_line((restart ? "restart " : "stop ") + child->plan.name + " (asked by " + who(*session) + ")");
    user_request(*child, restart ? InstanceEvent::user_restart : InstanceEvent::user_stop);
    send(session, core::ControlAction{child->plan.name, restart ? "restart" : "stop"});
  }
  send(session, core::ControlDone{});
}

void Supervisor::Impl::answer_signal(const std::shared_ptr<ControlSession>& session,
                                     const core::ControlRequest& request) {
  const auto signal = core::parse_signal(request.signal);
  if (!signal || *signal <= 0 || *signal >= NSIG) {
    send(session, core::ControlError{core::ControlErrorCode::bad_signal, "unknown signal '" + request.signal + "'"});
    return;
  }
  const auto chosen = select(session, request.names);
  if (chosen.empty()) {
    return;
  }
  for (auto* child : chosen) {
    if (!child->state.alive()) {
      send(session, core::ControlAction{child->plan.name, "not running"});
      continue;
    }
    m_out.system_line(core::signal_name(*signal) + " to " + child->plan.name + " (asked by " + who(*session) + ")");
    send_to_child(*child, *signal);
    send(session, core::ControlAction{child->plan.name, "signal " + core::signal_name(*signal)});
  }
  send(session, core::ControlDone{});
}

// A user's stop or restart: whatever was scheduled for the instance (a restart after a backoff, a
// readiness check; for a stop, a spawn in the queue) is dropped, then the table decides what to send. A
// restart keeps a queued spawn: `pending` stays `pending`, and nothing else would queue it again.
void Supervisor::Impl::user_request(SupervisedChild& child, InstanceEvent event) {
  if (event == InstanceEvent::user_stop) {
    std::erase(m_spawn_queue, &child);
  }
  child.restart_timer.cancel();
  if (!child.readiness.ready) {
    stop_readiness(child);
    child.readiness.checking = false; // its next life begins the check again
  }
  apply(child, event);
}

void Supervisor::Impl::queue_spawn(SupervisedChild& child) {
  if (!m_gate.waiting_for(child.plan.type).empty()) {
    if (std::find(m_waiting_for_dependencies.begin(), m_waiting_for_dependencies.end(), &child) ==
        m_waiting_for_dependencies.end()) {
      m_waiting_for_dependencies.push_back(&child);
    }
    return;
  }
  const bool idle = m_spawn_queue.empty();
  m_spawn_queue.push_back(&child);
  if (idle) {
    asio::post(m_io, [this] { spawn_next(); });
  }
}

// The end of a life the user asked to end: not judged by its policy, never a reason to stop the formation.
void Supervisor::Impl::report_user_exit(SupervisedChild& child) {
  const auto exit = child.exit.value_or(core::ProcessExit{});
  const bool killed = exit.signaled && exit.signal == SIGKILL;
  m_out.system_line(child.plan.name + " " + core::describe_exit(exit) +
                    (killed && child.kill_cause == SupervisedChild::KillCause::grace_expired
                         ? " after " + core::describe_duration(child.plan.timeout) + " grace"
                         : std::string()));
  child.kill_cause = SupervisedChild::KillCause::none;
  if (child.state.request == core::InstanceRequest::restart && !m_stopping) {
    apply(child, InstanceEvent::user_restart); // finished -> pending: spawned again
  }
}

} // namespace tfrun::engine
