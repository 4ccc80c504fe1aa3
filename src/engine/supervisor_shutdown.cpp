// SPDX-License-Identifier: MIT
// The supervisor's shutdown (DESIGN.md §7): dependents stop before what they depend on, a grace period
// then SIGKILL for each, adopted leftovers last, and tfrun exits once every pipe is drained.
#include "supervisor_impl.hpp"

#include <csignal>
#include <unistd.h>

namespace tfrun::engine {

void Supervisor::Impl::begin_stop(int status) {
  if (m_stopping) {
    return;
  }
  m_stopping = true;
  m_exit_status = status;
  if (m_plan.notify_socket) {
    os::send_notify(*m_plan.notify_socket, "STOPPING=1");
  }
  m_spawn_queue.clear();
  for (auto& child : m_children) {
    child->restart_timer.cancel();
    stop_readiness(*child);
    if (!child->state.alive() && !child->state.finished() && child->state.phase != core::InstancePhase::exited) {
      apply(*child, InstanceEvent::stop_requested); // never started, or waiting to restart: nothing to stop
    }
  }
  signal_leftovers(SIGTERM);
  // Adopted leftovers belong to no wave: they get as long as the whole ordered shutdown may take.
  core::Duration all_graces{0};
  for (const auto& wave : m_stop_waves) {
    core::Duration longest{0};
    for (const auto* child : wave) {
      longest = std::max(longest, child->plan.timeout);
    }
    all_graces += longest;
  }
  m_leftover_timer.expires_after(all_graces);
  m_leftover_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      m_leftover_deadline = true;
      signal_leftovers(SIGKILL);
    }
  });
  stop_next_waves();
  maybe_finish();
}

// Signals the next wave once every instance of the one before is gone.
void Supervisor::Impl::stop_next_waves() {
  while (m_wave < m_stop_waves.size()) {
    auto& wave = m_stop_waves[m_wave];
    if (!m_wave_signalled) {
      m_wave_signalled = true;
      for (auto* child : wave) {
        apply(*child, InstanceEvent::stop_requested);
      }
    }
    const bool gone = std::all_of(wave.begin(), wave.end(), [](const auto* child) { return child->state.finished(); });
    if (!gone) {
      return;
    }
    ++m_wave;
    m_wave_signalled = false;
  }
}

void Supervisor::Impl::on_grace_expired(SupervisedChild& child) { apply(child, InstanceEvent::grace_expired); }

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
    if (m_by_pid.count(pid) != 0 || m_probes.count(pid) != 0) {
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
  stop_next_waves();
  const bool all_finished =
      std::all_of(m_children.begin(), m_children.end(), [](const auto& child) { return child->state.finished(); });
  if (!all_finished) {
    return;
  }
  m_reaper.reap_all();
  if (m_reaper.has_children()) {
    // Adopted leftovers or readiness commands still run; the exits just reaped may have orphaned another
    // daemon, which no SIGCHLD would announce. Their SIGCHLD brings us back here.
    signal_leftovers(m_killing || m_leftover_deadline ? SIGKILL : SIGTERM);
    return;
  }
  m_done = true;
  m_io.stop();
}

} // namespace tfrun::engine
