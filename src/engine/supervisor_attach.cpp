// SPDX-License-Identifier: MIT
// Pseudo-terminals (`tfrun start --pty`) and `tfrun attach` (docs/terminal.md): each instance's terminal
// is sized to tfrun's own less the prefix of its lines, and one client at a time may be connected to it,
// its keystrokes written to the terminal and everything the instance writes copied to it, while the lines
// still go to the formation's output. A client that cannot keep up is dropped, never waited for.
#include "supervisor_impl.hpp"

#include <tfrun/core/log_format.hpp>

#include <boost/asio/buffer.hpp>

namespace tfrun::engine {
namespace {

// Narrower than this, a terminal is useless to most programs: tfrun gives them this much and lets lines wrap.
constexpr unsigned short k_min_columns = 20;

// Keys typed that the instance has not read yet, held by tfrun at most: past it what is typed is dropped
// (the user is told), so a client is always read (its going away is always seen) and a paste into a
// program that reads nothing costs tfrun this much.
constexpr std::size_t k_max_pending_input = 64 * 1024;

} // namespace

os::WindowSize Supervisor::Impl::multiplexed_window() const {
  for (const int fd : {STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO}) {
    if (const auto size = os::window_size_of(fd)) {
      const auto prefix = m_plan.log_format == core::LogFormat::text ? core::text_prefix_width(m_plan.style) : 0;
      const auto left = size->columns > prefix ? static_cast<unsigned short>(size->columns - prefix) : k_min_columns;
      return {size->rows, std::max(left, k_min_columns)};
    }
  }
  return {}; // no terminal to fit: 80 columns, as a terminal starts
}

os::WindowSize Supervisor::Impl::window_for(const SupervisedChild& child) const {
  if (child.attached && child.attached->window) {
    return *child.attached->window;
  }
  return m_window;
}

// SIGWINCH: the terminals of the instances nobody is attached to follow tfrun's (the kernel tells each
// instance with a SIGWINCH of its own when its size changes).
void Supervisor::Impl::resize_terminals() {
  m_window = multiplexed_window();
  for (auto& child : m_children) {
    if (child->on_terminal && child->pipe.is_open() && !child->attached) {
      os::set_window_size(child->pipe.native_handle(), m_window);
    }
  }
}

void Supervisor::Impl::answer_attach(const std::shared_ptr<ControlSession>& session,
                                     const core::ControlRequest& request) {
  const auto chosen = select(session, request.names);
  if (chosen.empty()) {
    return;
  }
  if (request.names.size() != 1 || chosen.size() != 1) {
    std::string names;
    for (const auto* child : chosen) {
      names += (names.empty() ? "" : ", ") + child->plan.name;
    }
    send(session, core::ControlError{core::ControlErrorCode::unknown_name,
                                     "attach connects to one instance, and this names " +
                                         std::to_string(chosen.size()) + " (" + names + "): name one"});
    return;
  }
  auto& child = *chosen.front();
  if (!child.plan.pty) {
    send(session, core::ControlError{core::ControlErrorCode::no_terminal,
                                     child.plan.name +
                                         " has no terminal to attach to: start the formation with "
                                         "--pty, or set pty = true in [process." +
                                         child.plan.type + "] of tfrun.toml"});
    return;
  }
  if (child.attached && !child.attached->closed) {
    send(session,
         core::ControlError{core::ControlErrorCode::busy, child.plan.name + " is attached by another client (" +
                                                              who(*child.attached) + "); one client at a time"});
    return;
  }
  session->attached_to = &child;
  child.attached = session;
  if (request.rows && request.columns) {
    session->window =
        os::WindowSize{static_cast<unsigned short>(*request.rows), static_cast<unsigned short>(*request.columns)};
  }
  m_out.system_line("attach " + child.plan.name + " (" + who(*session) + ")");
  send(session, core::ControlAction{child.plan.name, "attach"});
  if (const auto backlog = child.recent.tail(k_attach_backlog_bytes); !backlog.empty()) {
    send_frame(session, core::AttachFrameType::output, backlog);
  }
  if (child.on_terminal && child.pipe.is_open()) {
    os::set_window_size(child.pipe.native_handle(), window_for(child));
  } else {
    send_frame(session, core::AttachFrameType::notice,
               child.plan.name + " is " + std::string(core::describe_state(child.state)) +
                   ": what its next life writes comes here");
  }
  // Frames the client sent right behind its request arrived with it.
  const auto newline = session->input.find('\n');
  session->frames.feed(std::string_view(session->input).substr(newline + 1));
  session->input.clear();
  take_attach_frames(session);
}

void Supervisor::Impl::read_attach_input(const std::shared_ptr<ControlSession>& session) {
  if (session->reading_input || session->closed) {
    return;
  }
  session->reading_input = true;
  session->socket.async_read_some(asio::buffer(session->chunk),
                                  [this, session](const boost::system::error_code& ec, std::size_t size) {
                                    session->reading_input = false;
                                    if (session->closed || m_done) {
                                      return;
                                    }
                                    if (ec) {
                                      end_session(session); // the client detached (or went away)
                                      return;
                                    }
                                    session->frames.feed(std::string_view(session->chunk.data(), size));
                                    take_attach_frames(session);
                                  });
}

void Supervisor::Impl::take_attach_frames(const std::shared_ptr<ControlSession>& session) {
  auto* child = session->attached_to;
  if (child == nullptr) {
    return;
  }
  std::size_t dropped = 0;
  while (auto frame = session->frames.next()) {
    if (frame->type == core::AttachFrameType::input) {
      const auto room = k_max_pending_input - std::min(k_max_pending_input, session->pending_input.size());
      const auto taken = std::min(room, frame->payload.size());
      session->pending_input.append(frame->payload, 0, taken);
      dropped += frame->payload.size() - taken;
    } else if (frame->type == core::AttachFrameType::window) {
      if (const auto window = core::decode_window(frame->payload)) {
        session->window = os::WindowSize{window->rows, window->columns};
        if (child->on_terminal && child->pipe.is_open()) {
          os::set_window_size(child->pipe.native_handle(), *session->window);
        }
      }
    }
  }
  if (session->frames.broken()) {
    send_frame(session, core::AttachFrameType::end, "the client broke the attach protocol (docs/control.md)");
    return;
  }
  if (dropped > 0 && !session->told_input_dropped) {
    session->told_input_dropped = true; // once until the instance reads again: not a line per read
    send_frame(session, core::AttachFrameType::notice,
               child->plan.name + " is not reading what is typed: what comes past " +
                   std::to_string(k_max_pending_input / 1024) + " KiB is dropped");
  }
  if (!session->waiting_to_write) {
    write_attach_input(session);
  }
  read_attach_input(session);
}

// Keystrokes into the terminal. When it is full (the instance reads nothing), they wait in tfrun, up to
// k_max_pending_input, until it takes more.
void Supervisor::Impl::write_attach_input(const std::shared_ptr<ControlSession>& session) {
  auto* child = session->attached_to;
  if (child == nullptr || session->closed) {
    return;
  }
  while (!session->pending_input.empty()) {
    if (!child->on_terminal || !child->pipe.is_open()) {
      send_frame(session, core::AttachFrameType::notice,
                 child->plan.name + " is not running: " + std::to_string(session->pending_input.size()) +
                     " bytes typed were dropped");
      session->pending_input.clear();
      break;
    }
    const auto wrote =
        ::write(child->pipe.native_handle(), session->pending_input.data(), session->pending_input.size());
    if (wrote > 0) {
      session->pending_input.erase(0, static_cast<std::size_t>(wrote));
      session->told_input_dropped = false;
      continue;
    }
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      session->waiting_to_write = true;
      child->pipe.async_wait(asio::posix::descriptor_base::wait_write,
                             [this, session](const boost::system::error_code&) {
                               session->waiting_to_write = false;
                               if (!session->closed && !m_done) {
                                 write_attach_input(session); // a closed terminal drops what is left
                               }
                             });
      return;
    }
    // EIO: the instance's side of the terminal is gone; what it still wrote is read as usual.
    send_frame(session, core::AttachFrameType::notice,
               child->plan.name + "'s terminal is closing: " + std::to_string(session->pending_input.size()) +
                   " bytes typed were dropped");
    session->pending_input.clear();
  }
}

// Queued as any answer, within the same bound: past it the client is dropped with an `end` frame that says
// why, and the instance and the formation never wait for it.
void Supervisor::Impl::send_frame(const std::shared_ptr<ControlSession>& session, core::AttachFrameType type,
                                  std::string_view payload) {
  if (session->closed || session->dropped || session->close_after_write) {
    return;
  }
  auto frame = core::encode_attach_frame(type, payload);
  if (session->queued_bytes + frame.size() > k_control_queue_bytes + session->snapshot_bytes) {
    session->dropped = true;
    while (session->output.size() > (session->writing ? 1U : 0U)) {
      session->output.pop_back(); // the frame being written stays: a cut frame would not parse
    }
    const auto name = session->attached_to != nullptr ? session->attached_to->plan.name : std::string("its instance");
    m_out.system_line("control: dropped the client attached to " + name + " (" + who(*session) +
                      "), too slow to read its output");
    expect_request_within(session, k_control_drop_grace); // closed then, read or not
    frame = core::encode_attach_frame(core::AttachFrameType::end,
                                      "this client did not read " + name + "'s output fast enough and was dropped");
  }
  session->queued_bytes += frame.size();
  session->output.push_back(std::move(frame));
  session->close_after_write = session->dropped || type == core::AttachFrameType::end;
  if (!session->writing) {
    write_next(session);
  }
}

void Supervisor::Impl::tell_attached(SupervisedChild& child, core::AttachFrameType type, std::string_view payload) {
  if (child.attached && !child.attached->closed) {
    const auto session = child.attached; // send_frame may drop it
    send_frame(session, type, payload);
  }
}

// The client went away (detached, or was dropped): the terminal is the formation's size again.
void Supervisor::Impl::detach(const std::shared_ptr<ControlSession>& session) {
  auto* child = session->attached_to;
  session->attached_to = nullptr;
  if (child == nullptr || child->attached != session) {
    return;
  }
  child->attached.reset();
  if (!m_done) {
    m_out.system_line("detach " + child->plan.name + " (" + who(*session) + ")");
  }
  if (child->on_terminal && child->pipe.is_open()) {
    os::set_window_size(child->pipe.native_handle(), m_window);
  }
}

} // namespace tfrun::engine
