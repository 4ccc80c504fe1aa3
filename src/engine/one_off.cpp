// SPDX-License-Identifier: MIT
// The canonical PID-1 loop (as in tini), with the cleanup tini leaves out: when the command exits, its
// remaining descendants get the stop signal and a grace period instead of the kernel's SIGKILL.
#include <tfrun/engine/one_off.hpp>

#include <tfrun/core/exit_codes.hpp>
#include <tfrun/os/process_control.hpp>
#include <tfrun/os/reaper.hpp>
#include <tfrun/os/signal_wait.hpp>
#include <tfrun/os/spawn.hpp>
#include <tfrun/os/terminal.hpp>

#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <unistd.h>

namespace tfrun::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds k_idle_wakeup{1000};
// After the SIGKILL round, how long tfrun waits for what it cannot kill (uninterruptible sleep, a
// process re-adopted as fast as it is killed) before it names it and exits.
constexpr std::chrono::milliseconds k_unkillable_wait{2000};

class OneOffRun {
public:
  explicit OneOffRun(const OneOffPlan& plan) : m_plan(plan) {
    m_reaper.report_stops([this](pid_t pid, int) { on_stop(pid); });
  }

  int run() {
    warn_if_zombies_would_stay();
    if (!spawn_command()) {
      return m_status;
    }
    // A command that exited before the first wait is found here, not at the first idle wake-up 1 s later.
    m_reaper.reap_all();
    while (!finished()) {
      const int sig = os::wait_for_signal(next_wakeup());
      if (sig == SIGCHLD) {
        m_reaper.reap_all();
      } else if (sig != 0) {
        forward(sig);
      }
      // Coalesced or missed SIGCHLDs (an exit while tfrun was busy) are caught here too.
      m_reaper.reap_all();
      escalate_if_due();
      if (m_killed && !finished() && Clock::now() >= m_killed_at + k_unkillable_wait) {
        name_what_survived();
        break;
      }
    }
    return m_status;
  }

private:
  void warn_if_zombies_would_stay() {
    if (!os::is_pid1() && !os::become_child_subreaper()) {
      std::cerr << "tfrun: warning: not PID 1 and cannot become a child subreaper: orphaned processes will "
                   "not be reaped or stopped by tfrun\n";
    }
  }

  bool spawn_command() {
    m_has_terminal = os::owns_foreground_terminal();
    os::SpawnRequest request;
    request.program = m_plan.program;
    request.args = m_plan.args;
    request.env = m_plan.env;
    request.cwd = m_plan.cwd;
    request.stdin_fd = STDIN_FILENO;
    request.take_terminal = m_has_terminal;
    request.inherited_listen_fds = m_plan.listen_fds;
    const auto result = os::spawn(request);
    if (result.error != 0) {
      std::cerr << "tfrun: error: " << os::describe_spawn_failure(request, result) << '\n';
      m_status = os::spawn_failure_status(result);
      return false;
    }
    m_main_pid = result.pid;
    return true;
  }

  void forward(int sig) {
    if (m_main_exit) {
      // The command is gone: a stop request now applies to what it left behind.
      if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
        signal_descendants(SIGKILL);
      }
      return;
    }
    if (sig == SIGCONT && m_has_terminal && os::owns_foreground_terminal()) {
      // `fg` after `bg`: the shell gave tfrun's group the terminal; the command is the one that reads it.
      os::set_foreground_group(m_main_pid);
    }
    if (m_plan.signal_target == core::SignalTarget::main) {
      os::signal_process(m_main_pid, sig);
    } else if (!os::signal_group(m_main_pid, sig)) {
      os::signal_process(m_main_pid, sig); // the command left its group (setsid): it still gets the signal
    }
  }

  // Ctrl-Z stopped the command (it owns the terminal): tfrun takes the terminal back and stops too, so
  // the shell sees its job stopped and shows its prompt; after `fg` the command gets both back.
  // The terminal is taken back only from the command's group, and handed to it again only when `fg`
  // gave it to tfrun: after `bg` the shell keeps it, and the command goes on in the background.
  void on_stop(pid_t pid) {
    if (pid != m_main_pid || m_main_exit || !m_has_terminal) {
      return;
    }
    if (os::foreground_group() == m_main_pid) {
      os::set_foreground_group(::getpgrp());
    }
    os::stop_self();
    if (os::owns_foreground_terminal()) {
      os::set_foreground_group(m_main_pid);
    }
    if (!os::signal_group(m_main_pid, SIGCONT)) {
      os::signal_process(m_main_pid, SIGCONT);
    }
  }

  void on_exit(pid_t pid, const core::ProcessExit& exit) {
    if (pid != m_main_pid || m_main_exit) {
      return; // an adopted orphan: reaped so no zombie stays, never mistaken for the command
    }
    m_main_exit = exit;
    m_status = core::exit_status_of(exit);
    if (m_has_terminal && os::foreground_group() == m_main_pid) {
      os::set_foreground_group(::getpgrp());
    }
    // What the command left running gets the stop signal and the grace period, not the kernel's SIGKILL.
    m_deadline = Clock::now() + m_plan.timeout;
    signal_descendants(SIGTERM);
  }

  // The command was reaped: its pid (and group id) may already be another process's. The group is
  // signalled only while a child of tfrun pins it; adopted children are signalled by pid.
  void signal_descendants(int sig) {
    if (sig == SIGKILL && !m_killed) {
      m_killed = true;
      m_killed_at = Clock::now();
    }
    if (!os::has_any_child()) {
      return; // the command left nothing behind (the common case: exit at once, as an init should)
    }
    if (m_main_pid > 0 && m_main_pid != ::getpgrp()) {
      os::signal_group_if_held(m_main_pid, sig);
    }
    for (const pid_t pid : os::list_children()) {
      os::signal_adopted(pid, sig);
    }
  }

  void name_what_survived() {
    for (const pid_t pid : os::list_children()) {
      std::cerr << "tfrun: warning: " << os::process_name(pid) << " (pid " << pid
                << ") is still running after SIGKILL; tfrun exits without it\n";
    }
  }

  // At the deadline, SIGKILL; from then on, anything adopted later (a grandchild whose parent was just
  // killed) gets SIGKILL as soon as it shows up.
  void escalate_if_due() {
    if (m_main_exit && m_reaper.has_children() && (m_killed || Clock::now() >= m_deadline)) {
      signal_descendants(SIGKILL);
    }
  }

  std::chrono::milliseconds next_wakeup() const {
    if (m_killed) {
      return std::chrono::milliseconds{100};
    }
    if (!m_main_exit) {
      return k_idle_wakeup;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - Clock::now());
    return std::clamp(left, std::chrono::milliseconds{1}, k_idle_wakeup);
  }

  [[nodiscard]] bool finished() const { return m_main_exit.has_value() && !m_reaper.has_children(); }

  const OneOffPlan& m_plan;
  os::Reaper m_reaper{[this](pid_t pid, const core::ProcessExit& exit) { on_exit(pid, exit); }};
  pid_t m_main_pid = -1;
  bool m_has_terminal = false;
  bool m_killed = false;
  std::optional<core::ProcessExit> m_main_exit;
  Clock::time_point m_deadline{};
  Clock::time_point m_killed_at{};
  int m_status = 0;
};

} // namespace

int run_one_off(const OneOffPlan& plan) {
  std::cout.flush();
  OneOffRun run(plan);
  return run.run();
}

} // namespace tfrun::engine
