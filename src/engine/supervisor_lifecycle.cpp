// SPDX-License-Identifier: MIT
// The supervisor's signals, exits and restarts (docs/lifecycle.md: the lifecycle keys of tfrun.toml).
#include "supervisor_impl.hpp"

#include <csignal>
#include <unistd.h>

namespace tfrun::engine {

void Supervisor::Impl::install_signal_handlers() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGWINCH, SIGQUIT, SIGTSTP, SIGCONT}) {
    if (!os::ignored_at_start(sig)) {
      m_signals.add(sig);
    }
  }
  wait_for_signal();
}

void Supervisor::Impl::wait_for_signal() {
  m_signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) {
      return;
    }
    on_signal(sig);
    if (!m_done) {
      wait_for_signal();
    }
  });
}

void Supervisor::Impl::on_signal(int sig) {
  switch (sig) {
  case SIGCHLD:
    m_reaper.reap_all();
    if (m_stopping) {
      // Any of these deaths may have orphaned a daemonised grandchild. Listing the children is O(N), so
      // not per exit, nor per batch of exits (a stop of 10,000 had hundreds of batches): see
      // scan_for_leftovers_soon.
      scan_for_leftovers_soon();
    }
    maybe_finish();
    return;
  case SIGINT:
  case SIGTERM:
  case SIGHUP:
    if (!m_stopping) {
      m_out.system_line(core::signal_name(sig) + " received, stopping" +
                        (sig == SIGHUP ? std::string() : " (again to kill at once)"));
      begin_stop(core::exit_code::signal_base + sig, StopCause::signal);
    } else if (sig != SIGHUP && !m_killing) {
      m_out.system_line(core::signal_name(sig) + " received again, killing");
      kill_everything();
    }
    return;
  case SIGTSTP:
    // Ctrl-Z: the children sit in their own groups, out of the terminal's reach, so tfrun suspends them
    // and then itself; `fg` continues tfrun, and SIGCONT below continues them.
    for (auto& child : m_children) {
      if (child->state.alive()) {
        send_to_child(*child, SIGTSTP);
      }
    }
    os::stop_self();
    return;
  default:
    // USR1, USR2, WINCH, QUIT, CONT: meant for the app, so every process group gets them. An instance on a
    // pseudo-terminal learns of a resize from its terminal instead, with the size that is its own.
    if (sig == SIGWINCH) {
      resize_terminals();
    }
    for (auto& child : m_children) {
      if (child->state.alive() && !(sig == SIGWINCH && child->on_terminal)) {
        send_to_child(*child, sig);
      }
    }
  }
}

void Supervisor::Impl::send_to_child(SupervisedChild& child, int sig) {
  if (!child.state.alive()) {
    return; // reaped (its pid may be another process's by now) or never started
  }
  const auto deliver = [&](int signal) {
    if (child.plan.signal_target == core::SignalTarget::main) {
      os::signal_process(child.pid, signal);
    } else {
      os::signal_group(child.pid, signal); // each child leads its own group: pgid == pid
    }
  };
  if (child.on_terminal && (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) &&
      os::takes_default_action(child.pid, sig)) {
    // On a terminal of its own the instance leads a session, so its group is orphaned (its parent, tfrun,
    // is in another session), and there the kernel discards these three when their action is the default
    // one: SIGSTOP does what that default would have done. A program that handles them gets them.
    sig = SIGSTOP;
  }
  deliver(sig);
}

void Supervisor::Impl::on_reaped(pid_t pid, const core::ProcessExit& exit) {
  if (const auto probe = m_probes.find(pid); probe != m_probes.end()) {
    SupervisedChild& child = *probe->second;
    m_probes.erase(probe);
    on_probe_exit(child, exit);
    return;
  }
  const auto found = m_by_pid.find(pid);
  if (found == m_by_pid.end()) {
    // An adopted orphan (tfrun is PID 1 or a subreaper): reaped so it leaves no zombie, and its exit
    // never counts as an app process's exit.
    if (const auto leftover = m_leftovers.find(pid);
        leftover != m_leftovers.end() && exit.signaled && exit.signal == SIGKILL) {
      m_out.system_line(leftover->second + " (pid " + std::to_string(pid) + ", left behind) killed by SIGKILL");
    }
    m_leftovers.erase(pid);
    return;
  }
  SupervisedChild& child = *found->second;
  m_by_pid.erase(found);
  on_exit_known(child, exit);
  apply(child, InstanceEvent::reaped);
  stop_if_verdict_says(child);
}

void Supervisor::Impl::on_exit_known(SupervisedChild& child, const core::ProcessExit& exit) {
  child.exit = exit;
  child.last_exit = exit;
  if (m_stopping || child.spawn_failed || child.state.request != core::InstanceRequest::none) {
    return; // part of the shutdown, tfrun's own failure, or asked for by the user: no policy to ask
  }
  const auto uptime = std::chrono::duration_cast<core::Duration>(Clock::now() - child.started_at);
  child.verdict = core::judge_exit(child.plan.policy(), child.restarts, exit, uptime);
}

// The formation stops at the exit that made it stop, not when that process's output is drained: a
// grandchild may hold the pipe open, and the next process to exit must not take the status.
void Supervisor::Impl::stop_if_verdict_says(SupervisedChild& child) {
  if (!child.verdict || !child.exit) {
    return;
  }
  const auto outcome = child.verdict->outcome;
  if (outcome == core::ExitOutcome::give_up || outcome == core::ExitOutcome::abort_start ||
      outcome == core::ExitOutcome::stop_formation) {
    begin_stop(core::exit_status_of(*child.exit), StopCause::instance_exit);
  }
}

void Supervisor::Impl::apply(SupervisedChild& child, InstanceEvent event) {
  if (event == InstanceEvent::spawned) {
    ++child.lives;
  }
  const bool was_finished = child.state.finished();
  const auto action = child.state.on(event);
  if (child.state.finished() != was_finished) {
    note_finished(child, child.state.finished());
  }
  switch (action) {
  case InstanceAction::none: break;
  case InstanceAction::queue_spawn: queue_spawn(child); break;
  case InstanceAction::send_stop_signal:
    send_to_child(child, child.plan.stop_signal);
    send_to_child(child, SIGCONT); // a stopped process cannot act on the stop signal
    arm_grace(child);
    break;
  case InstanceAction::send_kill:
    child.kill_cause = event == InstanceEvent::kill_now ? SupervisedChild::KillCause::asked
                                                        : SupervisedChild::KillCause::grace_expired;
    os::signal_group(child.pid, SIGKILL);
    os::signal_process(child.pid, SIGKILL);
    child.kill_timer.expires_after(k_unkillable_wait);
    child.kill_timer.async_wait([this, &child](const boost::system::error_code& ec) {
      if (!ec) {
        apply(child, InstanceEvent::kill_failed);
      }
    });
    break;
  case InstanceAction::stop_leftovers:
    // Its pid was reaped: only the group is signalled, and only while a child of tfrun still belongs to
    // it, which keeps that group id from being reused.
    if (m_by_pid.count(child.pid) == 0) { // the id is not a newer instance's own group
      os::signal_group_if_held(child.pid, child.plan.stop_signal);
    }
    arm_grace(child);
    break;
  case InstanceAction::kill_leftovers:
    if (m_by_pid.count(child.pid) == 0) {
      os::signal_group_if_held(child.pid, SIGKILL);
    }
    break;
  case InstanceAction::abandon: abandon(child); break;
  case InstanceAction::drain_output: drain_after_exit(child); break;
  case InstanceAction::report_exit: report_exit(child); break;
  }
}

// SIGKILL did not end it (uninterruptible sleep, or a process tfrun may not signal, such as a setuid
// program): name it and stop waiting, so a stop always ends. A late exit is then reaped as an orphan's.
void Supervisor::Impl::abandon(SupervisedChild& child) {
  m_out.system_line("warning: " + child.plan.name + " (pid " + std::to_string(child.pid) +
                    ") is still running after SIGKILL; tfrun stops waiting for it");
  child.abandoned = true;
  m_by_pid.erase(child.pid);
  boost::system::error_code ignored;
  child.pipe.close(ignored);
  child.drain_timer.cancel();
  if (child.state.request == core::InstanceRequest::restart && !m_stopping) {
    apply(child, InstanceEvent::user_restart); // the user asked for a new one: it starts beside the old
  }
  maybe_finish();
}

void Supervisor::Impl::arm_grace(SupervisedChild& child) {
  child.kill_timer.expires_after(child.plan.timeout);
  child.kill_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (!ec) {
      on_grace_expired(child);
    }
  });
}

void Supervisor::Impl::report_exit(SupervisedChild& child) {
  child.kill_timer.cancel();
  if (child.state.request != core::InstanceRequest::none) {
    report_user_exit(child);
    maybe_finish();
    return;
  }
  const auto exit = child.exit.value_or(core::ProcessExit{});
  auto verdict = std::exchange(child.verdict, std::nullopt);
  if (verdict && !(m_stopping && verdict->outcome == core::ExitOutcome::restart)) {
    carry_out(child, exit, *verdict);
  } else {
    report_exit_during_stop(child, exit);
  }
  maybe_finish();
}

void Supervisor::Impl::report_exit_during_stop(SupervisedChild& child, const core::ProcessExit& exit) {
  const bool killed = exit.signaled && exit.signal == SIGKILL;
  if (killed && child.kill_cause == SupervisedChild::KillCause::grace_expired) {
    m_out.system_line(child.plan.name + " killed by SIGKILL after " + core::describe_duration(child.plan.timeout) +
                      " grace");
  } else if (killed && child.kill_cause == SupervisedChild::KillCause::asked) {
    m_out.system_line(child.plan.name + " killed by SIGKILL at once (asked twice)");
  } else if (!child.spawn_failed) {
    m_out.system_line(child.plan.name + " " + core::describe_exit(exit));
  }
  child.kill_cause = SupervisedChild::KillCause::none;
  begin_stop(core::exit_status_of(exit), StopCause::instance_exit); // does nothing when already stopping
}

// An exit tfrun did not ask for, judged by the type's lifecycle policy when it happened.
void Supervisor::Impl::carry_out(SupervisedChild& child, const core::ProcessExit& exit,
                                 const core::ExitVerdict& verdict) {
  const auto& name = child.plan.name;
  switch (verdict.outcome) {
  case core::ExitOutcome::restart:
    m_out.system_line(name + " " + core::describe_exit(exit) + "; restart " + std::to_string(verdict.attempt) + " in " +
                      core::describe_duration(verdict.delay));
    schedule_restart(child, verdict.delay);
    return;
  case core::ExitOutcome::finished:
    m_out.system_line(name + " " + core::describe_exit(exit) +
                      (child.plan.policy().oneshot ? "; done" : "; allowed to exit (can_exit)"));
    if (child.plan.policy().oneshot) {
      m_gate.instance_completed(child.plan.type);
      release_types();
    }
    stop_when_nothing_is_left();
    return;
  case core::ExitOutcome::give_up:
    m_out.system_line(name + " gave up after " + std::to_string(verdict.attempt) + " restart" +
                      (verdict.attempt == 1 ? "" : "s") + " (last: " + core::describe_exit(exit) + "), stopping");
    break;
  case core::ExitOutcome::abort_start:
    m_out.system_line(name + " " + core::describe_exit(exit) + "; oneshot failed, start aborted");
    break;
  case core::ExitOutcome::stop_formation:
    m_out.system_line(name + " " + core::describe_exit(exit)); // foreman's rule: any exit stops the formation
    break;
  }
  begin_stop(core::exit_status_of(exit), StopCause::instance_exit); // already begun at the exit, unless drained
}

void Supervisor::Impl::schedule_restart(SupervisedChild& child, core::Duration delay) {
  apply(child, InstanceEvent::restart_scheduled);
  child.restart_timer.expires_after(delay);
  child.restart_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (ec || m_stopping || child.state.phase != core::InstancePhase::backoff) {
      return; // cancelled, or a user's request took the instance elsewhere
    }
    apply(child, InstanceEvent::restart_due);
    spawn_child(child);
  });
}

// Every instance ended and each was allowed to: nothing is left to supervise.
void Supervisor::Impl::stop_when_nothing_is_left() {
  if (m_unfinished == 0 && !m_stopping) {
    m_out.system_line("every process has finished");
    begin_stop(core::exit_code::success, StopCause::everything_finished);
  }
}

} // namespace tfrun::engine
