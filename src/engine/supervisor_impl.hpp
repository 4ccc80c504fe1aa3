// SPDX-License-Identifier: MIT
// Private to the supervisor's translation units: the state of one `tfrun start` run.
#pragma once

#include <tfrun/engine/supervisor.hpp>

#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/signals.hpp>
#include <tfrun/engine/supervised_child.hpp>
#include <tfrun/os/notify.hpp>
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
#include <deque>
#include <map>
#include <unistd.h>
#include <unordered_map>

namespace tfrun::engine {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using core::InstanceAction;
using core::InstanceEvent;

namespace supervisor_limits {

constexpr std::size_t k_read_buffer_bytes = 64 * 1024;
constexpr int k_reads_per_wakeup = 4; // fairness: one chatty child cannot starve the others
// Fairness under back-pressure: what each child may still be read while the sink is full (read_allowance).
constexpr std::size_t k_read_while_full = 4 * 1024;
// After SIGKILL, how long a pipe may stay open (held by something outside tfrun's reach) before closing it.
constexpr std::chrono::milliseconds k_drain_after_kill{1000};
// After a reap, how long the pipe must stay silent (no byte, nothing unread, reading not paused) before tfrun
// stops waiting for the rest of the group to close it and reports the exit (Impl::drain_after_exit).
constexpr std::chrono::milliseconds k_drain_after_exit{1000};
// Readiness: how often a port is tried and a failed command run again.
constexpr std::chrono::milliseconds k_port_probe_interval{100};
constexpr std::chrono::milliseconds k_command_probe_interval{250};

} // namespace supervisor_limits
using namespace supervisor_limits;

struct Supervisor::Impl {
  explicit Impl(SupervisorPlan plan);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  int run();

  // Start-up (supervisor.cpp)
  void warn_about_bound_ports();
  void release_types();
  void spawn_next();
  void spawn_child(SupervisedChild& child);

  // Output (supervisor.cpp)
  void arm_read(SupervisedChild& child);
  void on_readable(SupervisedChild& child);
  void emit(SupervisedChild& child, const core::LinePiece& piece);
  void close_pipe(SupervisedChild& child);
  std::size_t read_allowance(SupervisedChild& child);
  void drain_after_exit(SupervisedChild& child, std::chrono::nanoseconds wait = k_drain_after_exit);
  void on_sink_event();
  void resume_paused_readers();
  void arm_quiet_timer();
  void flush_quiet_partials();

  // Readiness (supervisor_readiness.cpp)
  void prepare_notify_socket(SupervisedChild& child);
  void receive_notify(SupervisedChild& child);
  void start_readiness(SupervisedChild& child);
  void probe_port(SupervisedChild& child);
  void run_probe_command(SupervisedChild& child);
  void on_probe_exit(SupervisedChild& child, const core::ProcessExit& exit);
  void check_log_line(SupervisedChild& child, std::string_view line);
  void mark_ready(SupervisedChild& child, const std::string& how);
  void on_ready_timeout(SupervisedChild& child);
  void stop_readiness(SupervisedChild& child);
  void tell_supervisor_if_ready();

  // Signals, exits and restarts (supervisor_lifecycle.cpp)
  void install_signal_handlers();
  void wait_for_signal();
  void on_signal(int sig);
  void send_to_child(SupervisedChild& child, int sig);
  void on_reaped(pid_t pid, const core::ProcessExit& exit);
  void apply(SupervisedChild& child, InstanceEvent event);
  void report_exit(SupervisedChild& child);
  void judge_exit(SupervisedChild& child, const core::ProcessExit& exit);
  void schedule_restart(SupervisedChild& child, core::Duration delay);
  void stop_when_nothing_is_left();

  // Shutdown (supervisor_shutdown.cpp)
  void begin_stop(int status);
  void stop_next_waves();
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
  std::unordered_map<pid_t, SupervisedChild*> m_probes; // readiness commands, by pid
  core::StartGate m_gate;
  std::deque<SupervisedChild*> m_spawn_queue;
  std::vector<std::vector<SupervisedChild*>> m_stop_waves; // dependents first
  std::size_t m_wave = 0;
  bool m_wave_signalled = false;
  os::NotifyDirectory m_notify_dir;
  bool m_told_ready = false;
  bool m_said_who_waits = false;
  bool m_said_output_failed = false;        // the sink's failure was acted on
  std::uint64_t m_sink_round = 0;           // rounds of back-pressure so far (read_allowance)
  std::map<pid_t, std::string> m_leftovers; // adopted processes tfrun signalled, with their names
  std::vector<SupervisedChild*> m_paused;
  std::array<char, k_read_buffer_bytes> m_buffer{};
  asio::steady_timer m_quiet_timer;
  asio::steady_timer m_drain_timer;
  asio::steady_timer m_leftover_timer; // SIGKILL for adopted leftovers once every grace has passed
  int m_dev_null = -1;                 // where readiness commands write
  bool m_stopping = false;
  bool m_killing = false;           // SIGKILL for everything (a second Ctrl-C)
  bool m_leftover_deadline = false; // adopted leftovers get SIGKILL from now on
  bool m_done = false;
  std::optional<int> m_exit_status;
};

} // namespace tfrun::engine
