// SPDX-License-Identifier: MIT
// The supervisor's signals, exits and shutdown (DESIGN.md §7).
#include "supervisor_impl.hpp"

#include <csignal>
#include <unistd.h>

namespace tfrun::app {

void Supervisor::Impl::install_signal_handlers() {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGWINCH, SIGQUIT}) {
    m_signals.add(sig);
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
    maybe_finish();
    return;
  case SIGINT:
  case SIGTERM:
  case SIGHUP:
    if (!m_stopping) {
      m_out.system_line(core::signal_name(sig) + " received, stopping" +
                        (sig == SIGHUP ? std::string() : " (again to kill at once)"));
      begin_stop(core::exit_code::signal_base + sig);
    } else if (sig != SIGHUP && !m_killing) {
      m_out.system_line(core::signal_name(sig) + " received again, killing");
      kill_everything();
    }
    return;
  default:
    // USR1, USR2, WINCH, QUIT: meant for the app, so every process group gets them.
    for (auto& child : m_children) {
      if (child->state.alive()) {
        send_to_child(*child, sig);
      }
    }
  }
}

void Supervisor::Impl::send_to_child(SupervisedChild& child, int sig) {
  if (child.plan.signal_target == core::SignalTarget::main && child.state.alive()) {
    os::signal_process(child.pid, sig);
    return;
  }
  os::signal_group(child.pid, sig); // each child leads its own group: pgid == pid
}

void Supervisor::Impl::on_reaped(pid_t pid, const core::ProcessExit& exit) {
  const auto found = m_by_pid.find(pid);
  if (found == m_by_pid.end()) {
    // An adopted orphan (tfrun is PID 1 or a subreaper): reaped so it leaves no zombie, and its exit
    // never counts as an app process's exit.
    if (const auto leftover = m_leftovers.find(pid);
        leftover != m_leftovers.end() && exit.signaled && exit.signal == SIGKILL) {
      m_out.system_line(leftover->second + " (pid " + std::to_string(pid) + ", left behind) killed by SIGKILL");
    }
    m_leftovers.erase(pid);
  } else {
    SupervisedChild& child = *found->second;
    m_by_pid.erase(found);
    child.exit = exit;
    apply(child, InstanceEvent::reaped);
  }
  if (m_stopping) {
    signal_leftovers(m_killing ? SIGKILL : SIGTERM); // its death may have orphaned a daemonised grandchild
  }
}

void Supervisor::Impl::apply(SupervisedChild& child, InstanceEvent event) {
  for (const auto action : child.state.on(event)) {
    switch (action) {
    case InstanceAction::send_stop_signal:
      send_to_child(child, child.plan.stop_signal);
      send_to_child(child, SIGCONT); // a stopped process cannot act on the stop signal
      child.kill_timer.expires_after(child.plan.timeout);
      child.kill_timer.async_wait([this, &child](const boost::system::error_code& ec) {
        if (!ec) {
          on_grace_expired(child);
        }
      });
      break;
    case InstanceAction::send_kill:
      os::signal_group(child.pid, SIGKILL);
      os::signal_process(child.pid, SIGKILL);
      break;
    case InstanceAction::report_exit: report_exit(child); break;
    case InstanceAction::close_pipe_later:
      child.drain_timer.expires_after(k_drain_after_exit);
      child.drain_timer.async_wait([this, &child](const boost::system::error_code& ec) {
        if (!ec) {
          close_pipe(child);
        }
      });
      break;
    }
  }
}

void Supervisor::Impl::report_exit(SupervisedChild& child) {
  child.kill_timer.cancel();
  const auto exit = child.exit.value_or(core::ProcessExit{});
  if (child.state.needed_kill && exit.signaled && exit.signal == SIGKILL) {
    m_out.system_line(child.plan.name + " killed by SIGKILL after " + core::describe_duration(child.plan.timeout) +
                      " grace");
  } else if (child.pid > 0) {
    m_out.system_line(child.plan.name + " " + core::describe_exit(exit));
  }
  if (!m_stopping) {
    begin_stop(core::exit_status_of(exit)); // foreman's rule: any exit stops the formation
  }
  maybe_finish();
}

void Supervisor::Impl::begin_stop(int status) {
  if (m_stopping) {
    return;
  }
  m_stopping = true;
  m_exit_status = status;
  for (auto& child : m_children) {
    apply(*child, InstanceEvent::stop_requested);
  }
  signal_leftovers(SIGTERM);
  core::Duration longest_grace{0};
  for (const auto& child : m_children) {
    longest_grace = std::max(longest_grace, child->plan.timeout);
  }
  m_leftover_timer.expires_after(longest_grace);
  m_leftover_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !m_killing) {
      m_killing = true;
      signal_leftovers(SIGKILL);
      arm_final_drain();
    }
  });
  maybe_finish();
}

void Supervisor::Impl::on_grace_expired(SupervisedChild& child) {
  apply(child, InstanceEvent::grace_expired);
  if (!m_killing) {
    m_killing = true;
    signal_leftovers(SIGKILL);
    arm_final_drain();
  }
}

void Supervisor::Impl::kill_everything() {
  m_killing = true;
  for (auto& child : m_children) {
    child->kill_timer.cancel();
    apply(*child, InstanceEvent::kill_now);
  }
  signal_leftovers(SIGKILL);
  arm_final_drain();
}

void Supervisor::Impl::arm_final_drain() {
  m_drain_timer.expires_after(k_drain_after_kill);
  m_drain_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    for (auto& child : m_children) {
      close_pipe(*child); // whatever still holds it is outside tfrun's reach
    }
    maybe_finish();
  });
}

void Supervisor::Impl::signal_leftovers(int sig) {
  for (const pid_t pid : os::list_children()) {
    if (m_by_pid.count(pid) != 0) {
      continue;
    }
    const bool known = m_leftovers.count(pid) != 0;
    if (known && sig != SIGKILL) {
      continue; // already asked once
    }
    if (!known) {
      m_leftovers.emplace(pid, os::process_name(pid));
    }
    os::signal_adopted(pid, sig);
  }
}

void Supervisor::Impl::maybe_finish() {
  if (!m_stopping || m_done) {
    return;
  }
  const bool all_finished =
      std::all_of(m_children.begin(), m_children.end(), [](const auto& child) { return child->state.finished(); });
  if (!all_finished) {
    return;
  }
  m_reaper.reap_all();
  if (m_reaper.has_children()) {
    return; // adopted leftovers still running: their SIGCHLD brings us back here
  }
  m_done = true;
  m_io.stop();
}

} // namespace tfrun::app
