// SPDX-License-Identifier: MIT
// Private to the supervisor's translation units: the state of one `tfrun start` run.
#pragma once

#include <tfrun/engine/supervisor.hpp>

#include <tfrun/core/control_protocol.hpp>
#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/signals.hpp>
#include <tfrun/engine/supervised_child.hpp>

#include "control_session.hpp"
#include <tfrun/os/notify.hpp>
#include <tfrun/os/process_control.hpp>
#include <tfrun/os/pseudo_terminal.hpp>
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
#include <list>
#include <map>
#include <memory>
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
// When one instance's exit stops the formation, an instance started less than this long ago gets the
// rest of it before its stop signal: `a: echo one` and `b: echo two` both print, as under foreman.
constexpr std::chrono::milliseconds k_settle_time{500};
// After the last SIGKILL round of a stop, how long tfrun waits for what it cannot kill (a process in
// uninterruptible sleep, another pid namespace's init) before it names it and exits.
constexpr std::chrono::milliseconds k_unkillable_wait{2000};

} // namespace supervisor_limits
using namespace supervisor_limits;

// Why the formation is stopping: a just-started instance gets its settle time only when another
// instance's exit caused the stop, never when the user asked for it.
enum class StopCause { signal, instance_exit, everything_finished, failure };

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
  template <typename Emit> void render(SupervisedChild& child, std::string_view bytes, Emit& emit);
  void close_pipe(SupervisedChild& child);
  std::size_t read_allowance(SupervisedChild& child);
  void drain_after_exit(SupervisedChild& child, std::chrono::nanoseconds wait = k_drain_after_exit);
  void on_sink_event();
  void resume_paused_readers();
  void arm_quiet_timer();
  void flush_quiet_partials();

  // Readiness (supervisor_readiness.cpp)
  [[nodiscard]] std::string notify_address(const SupervisedChild& child);
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
  void on_exit_known(SupervisedChild& child, const core::ProcessExit& exit);
  void stop_if_verdict_says(SupervisedChild& child);
  void apply(SupervisedChild& child, InstanceEvent event);
  void arm_grace(SupervisedChild& child);
  void abandon(SupervisedChild& child);
  void report_exit(SupervisedChild& child);
  void report_exit_during_stop(SupervisedChild& child, const core::ProcessExit& exit);
  void carry_out(SupervisedChild& child, const core::ProcessExit& exit, const core::ExitVerdict& verdict);
  void schedule_restart(SupervisedChild& child, core::Duration delay);
  void stop_when_nothing_is_left();

  // Shutdown (supervisor_shutdown.cpp)
  void begin_stop(int status, StopCause cause);
  void stop_next_waves();
  void stop_child(SupervisedChild& child);
  [[nodiscard]] std::size_t wave_of_leftover(pid_t pid) const;
  void note_finished(const SupervisedChild& child, bool finished);
  void scan_for_leftovers_soon();
  void scan_for_leftovers();
  void on_grace_expired(SupervisedChild& child);
  void kill_everything();
  void arm_final_drain();
  void signal_leftovers(int sig);
  void give_up_on_unkillable();
  void maybe_finish();

  // The control socket (control_server.cpp): one request per connection, answered on this loop.
  void open_control();
  void close_control();
  void accept_control();
  void read_request(const std::shared_ptr<ControlSession>& session);
  void watch_follower(const std::shared_ptr<ControlSession>& session);
  void expect_request_within(const std::shared_ptr<ControlSession>& session, std::chrono::seconds limit);
  void handle_request(const std::shared_ptr<ControlSession>& session, std::string_view line);
  void send(const std::shared_ptr<ControlSession>& session, const core::ControlResponse& response,
            bool snapshot = false);
  void write_next(const std::shared_ptr<ControlSession>& session);
  void end_session(const std::shared_ptr<ControlSession>& session);

  // What the control commands do (supervisor_control.cpp), each through the instance's state table.
  [[nodiscard]] std::vector<SupervisedChild*> select(const std::shared_ptr<ControlSession>& session,
                                                     const std::vector<std::string>& patterns);
  [[nodiscard]] core::InstanceStatus status_of(const SupervisedChild& child) const;
  void answer_ps(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void answer_stop_or_restart(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void answer_signal(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void answer_logs(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void follow_line(SupervisedChild& child, const core::LinePiece& piece);
  void answer_reload(const std::shared_ptr<ControlSession>& session);
  void answer_scale(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void add_instance(PlannedInstance plan);
  void user_request(SupervisedChild& child, InstanceEvent event);
  void queue_spawn(SupervisedChild& child);
  void report_user_exit(SupervisedChild& child);

  // Pseudo-terminals and `tfrun attach` (supervisor_attach.cpp, docs/terminal.md).
  [[nodiscard]] os::WindowSize window_for(const SupervisedChild& child) const;
  [[nodiscard]] os::WindowSize multiplexed_window() const;
  void resize_terminals();
  void answer_attach(const std::shared_ptr<ControlSession>& session, const core::ControlRequest& request);
  void read_attach_input(const std::shared_ptr<ControlSession>& session);
  void take_attach_frames(const std::shared_ptr<ControlSession>& session);
  void write_attach_input(const std::shared_ptr<ControlSession>& session);
  void send_frame(const std::shared_ptr<ControlSession>& session, core::AttachFrameType type, std::string_view payload);
  void tell_attached(SupervisedChild& child, core::AttachFrameType type, std::string_view payload);
  void detach(const std::shared_ptr<ControlSession>& session);

  SupervisorPlan m_plan;
  asio::io_context m_io;
  asio::signal_set m_signals;
  OutputSink m_sink;
  LogOutput m_out;
  os::Reaper m_reaper;
  std::vector<std::unique_ptr<SupervisedChild>> m_children;
  std::unordered_map<pid_t, SupervisedChild*> m_by_pid;
  std::unordered_map<pid_t, SupervisedChild*> m_probes; // readiness commands, by pid
  // Every instance by the process group it leads (its last pid, reaped or not): whose wave a leftover is.
  std::unordered_map<pid_t, SupervisedChild*> m_by_group;
  // Instances not finished, in all and per stop wave: a stop of N instances checks these at each exit
  // instead of looking at all N (which made it O(N^2)). Kept by apply(), the one place phases change.
  std::size_t m_unfinished = 0;
  std::vector<std::size_t> m_unfinished_in_wave;
  core::StartGate m_gate;
  std::deque<SupervisedChild*> m_spawn_queue;
  // Asked to start (restart, scale, reload) while a type it depends on is not satisfied: started by
  // release_types once it is, as at start-up.
  std::vector<SupervisedChild*> m_waiting_for_dependencies;
  std::vector<std::vector<SupervisedChild*>> m_stop_waves; // dependents first
  std::unordered_map<std::string, std::size_t> m_wave_of_type;
  std::size_t m_wave = 0;
  bool m_wave_signalled = false;
  os::NotifyDirectory m_notify_dir;
  os::NotifyDirectory m_notify_dir_in_tmp{"/tmp"}; // when $TMPDIR is too long for a socket path
  bool m_told_ready = false;
  int m_notify_fallbacks = 0; // abstract notify addresses made up when a name is too long
  bool m_said_who_waits = false;
  bool m_said_output_failed = false;        // the sink's failure was acted on
  std::uint64_t m_sink_round = 0;           // rounds of back-pressure so far (read_allowance)
  std::map<pid_t, std::string> m_leftovers; // adopted processes tfrun signalled, with their names
  std::vector<SupervisedChild*> m_paused;
  std::array<char, k_read_buffer_bytes> m_buffer{};
  asio::steady_timer m_quiet_timer;
  asio::steady_timer m_drain_timer;
  asio::steady_timer m_leftover_timer; // SIGKILL for adopted leftovers once every grace has passed
  asio::steady_timer m_unkillable_timer;
  // Listing tfrun's children costs O(N): during a stop it runs at most once per ten times its own cost.
  asio::steady_timer m_leftover_scan_timer;
  bool m_leftover_scan_pending = false;
  Clock::time_point m_next_leftover_scan{};
  int m_dev_null = -1; // where readiness commands write
  bool m_stopping = false;
  StopCause m_stop_cause = StopCause::signal;
  bool m_killing = false;           // SIGKILL for everything (a second Ctrl-C)
  bool m_leftover_deadline = false; // adopted leftovers get SIGKILL from now on
  bool m_unkillable_armed = false;
  bool m_done = false;
  std::optional<int> m_exit_status;
  std::unique_ptr<asio::local::stream_protocol::acceptor> m_control;
  std::list<std::shared_ptr<ControlSession>> m_sessions;
  bool m_accept_paused = false; // k_max_control_sessions are being served
  // `logs -f` clients and the instances each follows (empty: every instance, including ones added later).
  struct LogFollower {
    std::shared_ptr<ControlSession> session;
    std::vector<const SupervisedChild*> instances;
  };
  std::list<LogFollower> m_followers;
  std::uint64_t m_read_seq = 0; // numbers every read of any instance's output: `tfrun logs` merges by it
  // The size of every instance's pseudo-terminal nobody is attached to: tfrun's own terminal less the
  // prefix of each line (docs/terminal.md).
  os::WindowSize m_window;
};

} // namespace tfrun::engine
