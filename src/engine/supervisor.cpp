// SPDX-License-Identifier: MIT
// The supervisor's start-up and output path: spawning, reading pipes, back-pressure, quiet periods.
#include "supervisor_impl.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <system_error>
#include <unistd.h>

namespace tfrun::engine {

Supervisor::Impl::Impl(SupervisorPlan plan)
    : m_plan(std::move(plan)), m_signals(m_io),
      m_sink(STDOUT_FILENO, [this] { asio::post(m_io, [this] { on_sink_event(); }); }),
      m_out(m_sink, m_plan.log_format, m_plan.style),
      m_reaper([this](pid_t pid, const core::ProcessExit& exit) { on_reaped(pid, exit); }), m_gate(m_plan.types),
      m_quiet_timer(m_io), m_drain_timer(m_io), m_leftover_timer(m_io), m_unkillable_timer(m_io),
      m_leftover_scan_timer(m_io) {
  m_children.reserve(m_plan.instances.size());
  for (auto& instance : m_plan.instances) {
    // Moved, not copied: the plan's list is not needed once each instance holds its own.
    auto child = std::make_unique<SupervisedChild>(m_io, std::move(instance));
    child->source = m_out.make_source(child->plan.name, child->plan.type, core::palette_color(child->plan.type_index));
    m_children.push_back(std::move(child));
  }
  m_plan.instances = {};
  for (const auto& wave : m_gate.shutdown_waves()) {
    for (const auto& type : wave) {
      m_wave_of_type[type] = m_stop_waves.size();
    }
    m_stop_waves.emplace_back();
  }
  m_unfinished_in_wave.assign(m_stop_waves.size(), 0);
  for (auto& child : m_children) {
    if (const auto wave = m_wave_of_type.find(child->plan.type); wave != m_wave_of_type.end()) {
      m_stop_waves[wave->second].push_back(child.get());
    }
    note_finished(*child, false);
  }
}

Supervisor::Impl::~Impl() {
  if (m_plan.control_fd >= 0) {
    ::close(m_plan.control_fd);
  }
  if (m_dev_null >= 0) {
    ::close(m_dev_null);
  }
}

int Supervisor::Impl::run() {
  // Signals have been blocked since main began: one sent the moment tfrun started is still pending and
  // reaches the handlers installed here, never the default action.
  std::signal(SIGPIPE, SIG_IGN);
  install_signal_handlers();
  os::unblock_all_signals();
  open_control();
  warn_about_bound_ports();
  arm_quiet_timer();
  m_dev_null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  m_window = multiplexed_window();
  for (auto& child : m_children) {
    prepare_notify_socket(*child);
  }
  if (!m_stopping) {
    asio::post(m_io, [this] { release_types(); });
  }
  m_io.run();
  close_control();
  m_sink.finish();
  return m_exit_status.value_or(core::exit_code::success);
}

void Supervisor::Impl::warn_about_bound_ports() {
  for (const auto& child : m_children) {
    if (os::tcp_port_in_use(child->plan.port)) {
      m_out.system_line("warning: port " + std::to_string(child->plan.port) + " for " + child->plan.name +
                        " is already in use by another process");
    }
  }
}

// Queues the instances of every type whose dependencies are now satisfied; says which types still wait.
void Supervisor::Impl::release_types() {
  if (m_stopping) {
    return;
  }
  const bool idle = m_spawn_queue.empty();
  for (const auto& type : m_gate.release()) {
    for (auto& child : m_children) {
      if (child->plan.type == type && child->state.pending()) {
        m_spawn_queue.push_back(child.get());
      }
    }
  }
  std::erase_if(m_waiting_for_dependencies, [this](SupervisedChild* child) {
    if (!m_gate.waiting_for(child->plan.type).empty()) {
      return false;
    }
    if (child->state.pending()) { // not stopped by the user meanwhile
      m_spawn_queue.push_back(child);
    }
    return true;
  });
  if (idle && !m_spawn_queue.empty()) {
    asio::post(m_io, [this] { spawn_next(); });
  }
  if (!m_said_who_waits) {
    m_said_who_waits = true;
    for (const auto& type : m_plan.types) {
      for (const auto& dependency : type.depends_on) {
        const auto found = std::find_if(m_plan.types.begin(), m_plan.types.end(),
                                        [&](const core::GatedType& other) { return other.name == dependency; });
        if (type.instances > 0 && found != m_plan.types.end() && found->instances == 0) {
          m_out.system_line("warning: " + type.name + " depends on " + dependency +
                            ", which this formation does not start");
        }
      }
      if (const auto waiting = m_gate.waiting_for(type.name); type.instances > 0 && !waiting.empty()) {
        std::string names;
        for (const auto& name : waiting) {
          names += (names.empty() ? "" : ", ") + name;
        }
        m_out.system_line(type.name + " waits for " + names);
      }
    }
  }
  tell_supervisor_if_ready();
}

void Supervisor::Impl::spawn_next() {
  if (m_stopping || m_spawn_queue.empty()) {
    return;
  }
  auto* child = m_spawn_queue.front();
  m_spawn_queue.pop_front();
  if (child->state.pending()) { // queued twice (released, then restarted by the user): spawned once
    spawn_child(*child);
  }
  if (!m_spawn_queue.empty()) {
    // One spawn per turn of the loop, so a signal during a long start-up is handled at once.
    asio::post(m_io, [this] { spawn_next(); });
  }
}

// The descriptors one life of `child` reads and writes: a pipe, or with --pty a pseudo-terminal (its
// master read as the pipe is; its slave the child's stdin, stdout, stderr and controlling terminal).
struct LifeDescriptors {
  int read_fd = -1;
  int child_fd = -1; // closed by tfrun once the child has it
  int error = 0;
};

void Supervisor::Impl::spawn_child(SupervisedChild& child) {
  LifeDescriptors fds;
  if (child.plan.pty) {
    const auto terminal = os::open_pseudo_terminal(window_for(child));
    fds = {terminal.master, terminal.slave, terminal.error};
  } else {
    const auto pipe = os::make_output_pipe();
    fds = {pipe.read_fd, pipe.write_fd, pipe.error};
  }
  if (fds.error != 0) {
    // Out of descriptors (or pseudo-terminals): this instance cannot start, and the formation stops as
    // for any failed start.
    const bool no_descriptor = fds.error == EMFILE || fds.error == ENFILE;
    const bool no_terminal = child.plan.pty && (fds.error == ENOSPC || fds.error == EAGAIN || fds.error == EIO);
    m_out.system_line(child.plan.name + " could not start: " + (child.plan.pty ? "no pseudo-terminal: " : "") +
                      std::strerror(fds.error) +
                      (no_descriptor ? " (raise the open-file limit, `ulimit -n`; docs/exit-status.md)"
                       : no_terminal ? " (the kernel's limit on pseudo-terminals, kernel.pty.max, is reached; "
                                       "docs/terminal.md)"
                                     : ""));
    child.exit = core::ProcessExit{false, core::exit_code::system, 0};
    child.spawn_failed = true;
    apply(child, InstanceEvent::spawn_failed);
    return;
  }
  os::SpawnRequest request;
  const auto& argv = *child.plan.argv;
  request.program = argv.front();
  request.args.assign(argv.begin() + 1, argv.end());
  request.env = child.plan.environment();
  if (!child.readiness.notify_path.empty()) {
    request.env.push_back("NOTIFY_SOCKET=" + child.readiness.notify_path);
  }
  request.cwd = child.plan.directory();
  request.output_fd = fds.child_fd;
  if (child.plan.pty) {
    request.stdin_fd = fds.child_fd;
    request.controlling_terminal = true;
  }
  const auto result = os::spawn(request);
  ::close(fds.child_fd); // only the child holds the write end now, so its exit gives EOF (or EIO)
  if (result.error != 0) {
    ::close(fds.read_fd);
    // As a shell reports a command it cannot run: the instance exits with 127 or 126, and its restart
    // policy decides what follows.
    m_out.system_line(child.plan.name + " could not start: " + os::describe_spawn_failure(request, result));
    child.spawn_failed = result.failed_step == os::SpawnStep::fork; // tfrun's own limits: stop everything
    child.started_at = Clock::now(); // a life of zero length: it must not reset the restart backoff
    on_exit_known(
        child,
        core::ProcessExit{false, child.spawn_failed ? core::exit_code::system : os::spawn_failure_status(result), 0});
    apply(child, InstanceEvent::spawn_failed);
    stop_if_verdict_says(child);
    return;
  }
  if (const auto old_group = m_by_group.find(child.pid); old_group != m_by_group.end() && old_group->second == &child) {
    m_by_group.erase(old_group); // a restart: its old group is no longer this instance's
  }
  child.pid = result.pid;
  child.abandoned = false;
  child.spawn_failed = false; // a failed start before this one (a user restart may follow it) is history
  child.started_at = Clock::now();
  child.exit.reset();
  child.pipe.assign(fds.read_fd);
  child.on_terminal = child.plan.pty;
  child.splitter.set_terminal(child.plan.pty);
  m_by_pid.emplace(result.pid, &child);
  m_by_group[result.pid] = &child;
  apply(child, InstanceEvent::spawned);
  const int restart = child.restarts.consecutive;
  m_out.system_line(child.plan.name + " started (pid " + std::to_string(result.pid) + ", port " +
                    std::to_string(child.plan.port) +
                    (restart > 0 ? ", restart " + std::to_string(restart) : std::string()) + ")");
  if (child.attached) {
    tell_attached(child, core::AttachFrameType::notice,
                  child.plan.name + " started (pid " + std::to_string(result.pid) + ") on a new terminal");
  }
  arm_read(child);
  start_readiness(child);
}

void Supervisor::Impl::arm_read(SupervisedChild& child) {
  if (!child.pipe.is_open() || child.reading) {
    return;
  }
  if (read_allowance(child) == 0) {
    // Back-pressure: stop reading, so the child blocks on its own write instead of tfrun buffering.
    if (!child.paused) {
      child.paused = true;
      m_paused.push_back(&child);
    }
    return;
  }
  child.reading = true;
  child.pipe.async_wait(asio::posix::descriptor_base::wait_read, [this, &child](const boost::system::error_code& ec) {
    child.reading = false;
    if (!ec) {
      on_readable(child);
    }
  });
}

void Supervisor::Impl::on_readable(SupervisedChild& child) {
  m_out.begin();
  const auto emit = [&](const core::LinePiece& piece) { this->emit(child, piece); };
  // Back-pressure before every read, not once per wake-up: when many children are ready in one turn of
  // the loop, each would otherwise add up to k_reads_per_wakeup buffers to the backlog past the high-water
  // mark. A child left with data is paused by arm_read below and resumed when the writer catches up.
  for (int i = 0; i < k_reads_per_wakeup; ++i) {
    const auto room = read_allowance(child);
    if (room == 0) {
      break;
    }
    const auto got = ::read(child.pipe.native_handle(), m_buffer.data(), room);
    if (got > 0) {
      child.last_data = Clock::now();
      if (room < m_buffer.size()) {
        child.read_while_full += static_cast<std::size_t>(got);
      }
      const std::string_view bytes(m_buffer.data(), static_cast<std::size_t>(got));
      child.recent.add(++m_read_seq, bytes, core::RecentLines::bytes_per_instance(m_children.size()));
      if (child.attached) {
        tell_attached(child, core::AttachFrameType::output, bytes);
      }
      render(child, bytes, emit);
      if (static_cast<std::size_t>(got) < room) {
        break;
      }
      continue;
    }
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    }
    child.splitter.flush(emit); // EOF (or a read error): the last unterminated line still goes out
    m_out.commit();
    close_pipe(child);
    return;
  }
  m_out.commit();
  arm_read(child);
}

// One read's bytes, as lines. When nothing needs to see each line on its own (a readiness pattern still
// waiting, `tfrun logs -f`, a quiet type) and the output is a pipe's, whole lines go straight to the
// renderer (render_read); otherwise every line is a piece of the splitter's.
template <typename Emit> void Supervisor::Impl::render(SupervisedChild& child, std::string_view bytes, Emit& emit) {
  const bool each_line_seen = child.plan.quiet || !m_followers.empty() ||
                              (child.readiness.log_pattern && !child.readiness.ready) || child.splitter.terminal();
  if (each_line_seen) {
    child.splitter.feed(bytes, emit);
  } else {
    render_read(m_out, child.source, child.splitter, bytes, emit);
  }
}

// How many bytes `child` may be read now. While the sink is below its high-water mark, a whole buffer.
// Above it, the flooder must wait (back-pressure) but a quiet child need not: each child may still be read
// k_read_while_full bytes per round of back-pressure (a round ends when the writer gets below its low-water
// mark), so a process that prints a line now and then is not held behind another one's flood. The backlog
// may pass the high-water mark by at most that much per child.
std::size_t Supervisor::Impl::read_allowance(SupervisedChild& child) {
  if (!m_sink.full()) {
    return m_buffer.size();
  }
  if (child.full_round != m_sink_round) {
    child.full_round = m_sink_round;
    child.read_while_full = 0;
  }
  return child.read_while_full >= k_read_while_full ? 0 : k_read_while_full - child.read_while_full;
}

void Supervisor::Impl::emit(SupervisedChild& child, const core::LinePiece& piece) {
  if (!child.plan.quiet) {
    m_out.add(child.source, piece);
  }
  if (!m_followers.empty()) {
    follow_line(child, piece); // `tfrun logs -f` (a quiet type's lines included)
  }
  if (child.readiness.log_pattern && !child.readiness.ready) {
    check_log_line(child, piece.text);
  }
}

void Supervisor::Impl::close_pipe(SupervisedChild& child) {
  if (!child.pipe.is_open()) {
    return;
  }
  if (child.splitter.has_partial()) {
    // Closed before EOF (a drain that ended, a second Ctrl-C): the held unterminated line still goes out.
    m_out.begin();
    child.splitter.flush([&](const core::LinePiece& piece) { emit(child, piece); });
    m_out.commit();
  }
  boost::system::error_code ignored;
  child.pipe.close(ignored);
  child.drain_timer.cancel();
  if (child.on_terminal) {
    tell_attached(child, core::AttachFrameType::notice, child.plan.name + "'s terminal closed");
  }
  apply(child, InstanceEvent::pipe_closed);
}

// The process was reaped but its pipe is still open. Usually EOF follows at once; otherwise something else
// holds the write end (a background grandchild, a setsid escapee) and may hold it for ever. The pipe is
// read to EOF, and closed early only when all of this holds for one whole drain period (k_drain_after_exit):
// reading is not paused by back-pressure, no byte has arrived, and the pipe holds no unread byte. So a
// child that printed a lot and exited while tfrun's stdout was slow loses nothing, however slow the reader.
void Supervisor::Impl::drain_after_exit(SupervisedChild& child, std::chrono::nanoseconds wait) {
  child.drain_timer.expires_after(wait);
  child.drain_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (ec || !child.pipe.is_open()) {
      return;
    }
    const auto quiet_for = Clock::now() - child.last_data;
    int unread = 0;
    if (::ioctl(child.pipe.native_handle(), FIONREAD, &unread) < 0) {
      unread = 0;
    }
    if (child.paused || unread > 0) {
      drain_after_exit(child, k_drain_after_exit); // resuming restarts last_data: a whole period after it
    } else if (quiet_for < k_drain_after_exit) {
      drain_after_exit(child, k_drain_after_exit - quiet_for);
    } else {
      close_pipe(child);
    }
  });
}

void Supervisor::Impl::on_sink_event() {
  if (m_sink.broken() && !m_said_output_failed) {
    m_said_output_failed = true;
    const int error = m_sink.error();
    if (error == EPIPE) {
      // stdout went away (`tfrun start | head`): stop as if asked to, as a SIGPIPE'd program would.
      begin_stop(core::exit_code::signal_base + SIGPIPE, StopCause::failure);
    } else {
      // A full disk, an I/O error: nothing more can be shown, so the formation stops, saying why where it
      // still can. Lines from here on are discarded; the children are stopped as for any stop.
      std::fprintf(stderr, "tfrun: error: cannot write the output to stdout: %s; stopping\n", std::strerror(error));
      begin_stop(core::exit_code::output,
                 StopCause::failure); // does nothing when already stopping: the first cause stands
    }
  }
  ++m_sink_round; // below the low-water mark: every child's allowance for the next full sink starts over
  resume_paused_readers();
}

void Supervisor::Impl::resume_paused_readers() {
  auto paused = std::move(m_paused);
  m_paused.clear();
  const auto now = Clock::now();
  for (auto* child : paused) {
    child->paused = false;
    child->last_data = now; // its silence was tfrun's doing, not the child's: the quiet period starts over
    arm_read(*child);
  }
}

void Supervisor::Impl::arm_quiet_timer() {
  // A sweep at a quarter of the quiet period: a partial line is shown only after a full quiet period
  // without data from its child, never because a short timer fired in the middle of a write.
  m_quiet_timer.expires_after(std::max(m_plan.quiet_period / 4, core::Duration{10}));
  m_quiet_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !m_done) {
      flush_quiet_partials();
      arm_quiet_timer();
    }
  });
}

void Supervisor::Impl::flush_quiet_partials() {
  const auto now = Clock::now();
  bool any = false;
  for (auto& child : m_children) {
    if (child->splitter.has_partial() && !child->paused && now - child->last_data >= m_plan.quiet_period) {
      if (!any) {
        m_out.begin();
        any = true;
      }
      child->splitter.flush([&](const core::LinePiece& piece) { emit(*child, piece); });
    }
  }
  if (any) {
    m_out.commit();
  }
}

Supervisor::Supervisor(SupervisorPlan plan) : m_impl(std::make_unique<Impl>(std::move(plan))) {}

Supervisor::~Supervisor() = default;

int Supervisor::run() { return m_impl->run(); }

} // namespace tfrun::engine
