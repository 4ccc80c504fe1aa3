// SPDX-License-Identifier: MIT
// Private to the supervisor's translation units: the state of one `tfrun start` run.
#pragma once

#include <tfrun/app/supervisor.hpp>

#include <tfrun/app/supervised_child.hpp>
#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/signals.hpp>
#include <tfrun/os/process_control.hpp>
#include <tfrun/os/reaper.hpp>
#include <tfrun/os/signal_guard.hpp>
#include <tfrun/os/spawn.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <unistd.h>
#include <unordered_map>

namespace tfrun::app {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using core::InstanceAction;
using core::InstanceEvent;

namespace supervisor_limits {

constexpr std::size_t k_read_buffer_bytes = 64 * 1024;
constexpr int k_reads_per_wakeup = 4; // fairness: one chatty child cannot starve the others
// After SIGKILL, how long a pipe may stay open (held by something outside tfrun's reach) before closing it.
constexpr std::chrono::milliseconds k_drain_after_kill{1000};
// After a reap, how long tfrun waits for the rest of the group to close the pipe before it reports the exit.
constexpr std::chrono::milliseconds k_drain_after_exit{1000};

} // namespace supervisor_limits
using namespace supervisor_limits;

struct Supervisor::Impl {
  explicit Impl(SupervisorPlan plan);

  int run();

  // Start-up
  void warn_about_bound_ports();
  void spawn_next();
  void spawn_child(SupervisedChild& child);

  // Output
  void arm_read(SupervisedChild& child);
  void on_readable(SupervisedChild& child);
  void close_pipe(SupervisedChild& child);
  void on_sink_event();
  void resume_paused_readers();
  void arm_quiet_timer();
  void flush_quiet_partials();

  // Signals and exits
  void install_signal_handlers();
  void wait_for_signal();
  void on_signal(int sig);
  void send_to_child(SupervisedChild& child, int sig);
  void on_reaped(pid_t pid, const core::ProcessExit& exit);
  void apply(SupervisedChild& child, InstanceEvent event);
  void report_exit(SupervisedChild& child);

  // Shutdown
  void begin_stop(int status);
  void on_grace_expired(SupervisedChild& child);
  void kill_everything();
  void arm_final_drain();
  void signal_leftovers(int sig);
  void maybe_finish();

  SupervisorPlan m_plan;
  asio::io_context m_io;
  asio::signal_set m_signals;
  OutputSink m_sink;
  LogOutput m_out;
  os::Reaper m_reaper;
  std::vector<std::unique_ptr<SupervisedChild>> m_children;
  std::unordered_map<pid_t, SupervisedChild*> m_by_pid;
  std::map<pid_t, std::string> m_leftovers; // adopted processes tfrun signalled, with their names
  std::vector<SupervisedChild*> m_paused;
  std::array<char, k_read_buffer_bytes> m_buffer{};
  asio::steady_timer m_quiet_timer;
  asio::steady_timer m_drain_timer;
  asio::steady_timer m_leftover_timer; // SIGKILL for adopted leftovers once the longest grace has passed
  std::size_t m_next_spawn = 0;
  bool m_stopping = false;
  bool m_killing = false;
  bool m_done = false;
  std::optional<int> m_exit_status;
};

} // namespace tfrun::app
