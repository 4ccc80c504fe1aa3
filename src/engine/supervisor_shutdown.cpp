// SPDX-License-Identifier: MIT
// The supervisor's shutdown (docs/lifecycle.md, docs/signals.md): dependents stop before what they depend
// on, each wave with what its instances left behind; a grace period then SIGKILL for each; tfrun exits
// once every pipe is drained and every child reaped, or names what it could not kill.
#include "supervisor_impl.hpp"

#include <csignal>
#include <limits>
#include <unistd.h>

namespace tfrun::engine {
namespace {

// Grace periods come from tfrun.toml, each up to 100 years: summed over several waves they would overflow
// the timer's nanoseconds (292 years), so the sum stops at 100 years.
core::Duration saturating_add(core::Duration a, core::Duration b) {
  constexpr core::Duration most = std::chrono::hours(24 * 365 * 100);
  return a >= most - std::min(b, most) ? most : a + b;
}

} // namespace

void Supervisor::Impl::begin_stop(int status, StopCause cause) {
  if (m_stopping) {
    return;
  }
  m_stopping = true;
  m_stop_cause = cause;
  m_exit_status = status;
  if (m_plan.notify_socket) {
    os::send_notify(*m_plan.notify_socket, "STOPPING=1");
  }
  m_spawn_queue.clear();
  for (auto& child : m_children) {
    child->restart_timer.cancel();
    stop_readiness(*child);
    if (child->state.pending() || child->state.phase == core::InstancePhase::backoff) {
      apply(*child, InstanceEvent::stop_requested); // never started, or waiting to restart: nothing to stop
    }
  }
  // Adopted leftovers get as long as the whole ordered shutdown may take before SIGKILL.
  core::Duration all_graces{0};
  for (const auto& wave : m_stop_waves) {
    core::Duration longest{0};
    for (const auto* child : wave) {
      longest = std::max(longest, child->plan.timeout);
    }
    all_graces = saturating_add(all_graces, longest);
  }
  m_leftover_timer.expires_after(all_graces);
  m_leftover_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      m_leftover_deadline = true;
      signal_leftovers(SIGKILL);
      maybe_finish(); // arms the wait for what SIGKILL cannot end
    }
  });
  stop_next_waves();
  maybe_finish();
}

// Signals the next wave (and what its instances left behind) once every instance of the one before is gone.
void Supervisor::Impl::stop_next_waves() {
  while (m_wave < m_stop_waves.size()) {
    auto& wave = m_stop_waves[m_wave];
    if (!m_wave_signalled) {
      m_wave_signalled = true;
      for (auto* child : wave) {
        stop_child(*child);
      }
      signal_leftovers(m_killing || m_leftover_deadline ? SIGKILL : SIGTERM);
    }
    if (m_unfinished_in_wave[m_wave] > 0) {
      return;
    }
    ++m_wave;
    m_wave_signalled = false;
  }
}

void Supervisor::Impl::stop_child(SupervisedChild& child) {
  const auto settled_at = child.started_at + k_settle_time;
  // Only one that runs: one already stopping (a user's `tfrun stop`) has its grace or kill timer armed,
  // which this would replace, and the stop signal it would send then is refused: no SIGKILL, ever.
  const bool running =
      child.state.phase == core::InstancePhase::running || child.state.phase == core::InstancePhase::running_closed;
  if (m_stop_cause == StopCause::instance_exit && running && Clock::now() < settled_at) {
    // Just started: let it print what it started to print (foreman's users see both lines of
    // `a: echo one` and `b: echo two`). Its stop signal follows at the end of the settle time.
    child.kill_timer.expires_at(settled_at);
    child.kill_timer.async_wait([this, &child](const boost::system::error_code& ec) {
      if (!ec) {
        apply(child, InstanceEvent::stop_requested);
      }
    });
    return;
  }
  apply(child, InstanceEvent::stop_requested);
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

// The wave a leftover belongs to: that of the instance whose process group it is in (it was started by
// that instance), or the last wave when it is in none (it made a group or session of its own).
std::size_t Supervisor::Impl::wave_of_leftover(pid_t pid) const {
  if (const auto leader = m_by_group.find(::getpgid(pid)); leader != m_by_group.end()) {
    return m_wave_of_type.at(leader->second->plan.type);
  }
  return m_stop_waves.empty() ? 0 : m_stop_waves.size() - 1;
}

void Supervisor::Impl::note_finished(const SupervisedChild& child, bool finished) {
  const auto wave = m_wave_of_type.find(child.plan.type);
  if (finished) {
    --m_unfinished;
    if (wave != m_wave_of_type.end()) {
      --m_unfinished_in_wave[wave->second];
    }
  } else {
    ++m_unfinished;
    if (wave != m_wave_of_type.end()) {
      ++m_unfinished_in_wave[wave->second];
    }
  }
}

// Exits during a stop may have orphaned daemons, which tfrun adopts and must signal too. Finding them means
// listing every child of tfrun, O(N): with 10,000 instances that cost milliseconds, and once per batch of
// exits it was most of the stop. So a scan runs at once when the last one ended at least ten times its own
// cost ago, and otherwise when that much time has passed: at most a tenth of the stop goes to scans, and a
// few children cost a delay of microseconds. The scans when a wave is signalled and when every instance is
// gone are not deferred.
void Supervisor::Impl::scan_for_leftovers_soon() {
  if (m_leftover_scan_pending) {
    return;
  }
  if (Clock::now() >= m_next_leftover_scan) {
    scan_for_leftovers();
    return;
  }
  m_leftover_scan_pending = true;
  m_leftover_scan_timer.expires_at(m_next_leftover_scan);
  m_leftover_scan_timer.async_wait([this](const boost::system::error_code& ec) {
    m_leftover_scan_pending = false;
    if (!ec && !m_done) {
      scan_for_leftovers();
      maybe_finish();
    }
  });
}

void Supervisor::Impl::scan_for_leftovers() {
  const auto began = Clock::now();
  signal_leftovers(m_killing || m_leftover_deadline ? SIGKILL : SIGTERM);
  const auto ended = Clock::now();
  m_next_leftover_scan = ended + 10 * (ended - began);
}

// Adopted processes (orphans re-parented to tfrun) whose wave has been signalled. Each is a child of
// tfrun, not yet reaped, so its pid cannot have been reused.
void Supervisor::Impl::signal_leftovers(int sig) {
  for (const pid_t pid : os::list_children()) {
    if (m_by_pid.count(pid) != 0 || m_probes.count(pid) != 0) {
      continue;
    }
    const bool known = m_leftovers.count(pid) != 0;
    if (known && sig != SIGKILL) {
      continue; // already asked once
    }
    if (!m_killing && !m_leftover_deadline && wave_of_leftover(pid) > m_wave) {
      continue; // its wave has not been asked to stop yet
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
  if (m_unfinished > 0) {
    return;
  }
  m_reaper.reap_all();
  if (m_reaper.has_children()) {
    // Adopted leftovers or readiness commands still run; the exits just reaped may have orphaned another
    // daemon, which no SIGCHLD would announce. Their SIGCHLD brings us back here.
    signal_leftovers(m_killing || m_leftover_deadline ? SIGKILL : SIGTERM);
    if ((m_killing || m_leftover_deadline) && !m_unkillable_armed) {
      m_unkillable_armed = true;
      m_unkillable_timer.expires_after(k_unkillable_wait);
      m_unkillable_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
          give_up_on_unkillable();
        }
      });
    }
    return;
  }
  m_done = true;
  m_io.stop();
}

// SIGKILL was sent and something is still there (uninterruptible sleep, or re-adopted as fast as it is
// killed): name it and exit rather than wait forever.
void Supervisor::Impl::give_up_on_unkillable() {
  if (m_done) {
    return;
  }
  m_reaper.reap_all();
  for (const pid_t pid : os::list_children()) {
    m_out.system_line("warning: " + os::process_name(pid) + " (pid " + std::to_string(pid) +
                      ") is still running after SIGKILL; tfrun exits without it");
  }
  m_done = true;
  m_io.stop();
}

} // namespace tfrun::engine
