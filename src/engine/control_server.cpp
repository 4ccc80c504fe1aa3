// SPDX-License-Identifier: MIT
// The control socket on the supervisor's loop (docs/control.md). One request per connection; responses are
// queued per client up to k_control_queue_bytes and written as the client reads, so a client that stops
// reading is dropped with `too_slow` and never blocks the loop or the formation.
#include "supervisor_impl.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

namespace tfrun::engine {
void Supervisor::Impl::open_control() {
  if (m_plan.control_fd < 0) {
    return;
  }
  m_control =
      std::make_unique<asio::local::stream_protocol::acceptor>(m_io, asio::local::stream_protocol(), m_plan.control_fd);
  m_plan.control_fd = -1;
  accept_control();
}

void Supervisor::Impl::close_control() {
  if (m_control) {
    boost::system::error_code ignored;
    m_control->close(ignored);
  }
  for (const auto& session : m_sessions) {
    boost::system::error_code ignored;
    session->closed = true;
    session->socket.close(ignored);
  }
  m_sessions.clear();
  m_followers.clear();
}

void Supervisor::Impl::accept_control() {
  auto session = std::make_shared<ControlSession>(m_io);
  m_control->async_accept(session->socket, [this, session](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || m_done) {
      return;
    }
    if (ec) {
      // EMFILE and the like: the connection stays in the backlog and the acceptor stays readable, so
      // accepting again at once would spin the loop until a descriptor is free. Try again a little later.
      auto retry = std::make_shared<asio::steady_timer>(m_io, std::chrono::milliseconds(100));
      retry->async_wait([this, retry](const boost::system::error_code& wait_error) {
        if (!wait_error && !m_done && m_control && m_control->is_open()) {
          accept_control();
        }
      });
      return;
    }
    m_sessions.push_back(session);
    const auto peer = os::peer_credentials(session->socket.native_handle());
    if (!peer) {
      // Who connected is unknown, so it cannot be allowed (a made-up uid could be tfrun's own).
      send(session, core::ControlError{core::ControlErrorCode::refused, "tfrun cannot tell who connected"});
    } else if (session->peer = *peer; !os::peer_allowed(session->peer)) {
      m_out.system_line("control: refused a client of " + who(*session) + " (not tfrun's user)");
      send(session,
           core::ControlError{core::ControlErrorCode::refused, "tfrun runs as uid " + std::to_string(::geteuid()) +
                                                                   "; only that user and root may control it"});
    } else {
      expect_request_within(session, k_control_request_time);
      read_request(session);
    }
    if (m_sessions.size() < k_max_control_sessions) {
      accept_control();
    } else {
      m_accept_paused = true; // end_session accepts again
    }
  });
}

// A client that does not send its request in time, or that was dropped and does not read its error,
// is closed: either would otherwise hold a descriptor for as long as it lives.
void Supervisor::Impl::expect_request_within(const std::shared_ptr<ControlSession>& session,
                                             std::chrono::seconds limit) {
  session->deadline.expires_after(limit);
  session->deadline.async_wait([this, session](const boost::system::error_code& ec) {
    if (ec || session->closed || m_done) {
      return;
    }
    if (session->dropped || !session->output.empty()) {
      end_session(session);
      return;
    }
    send(session, core::ControlError{core::ControlErrorCode::bad_request,
                                     "no request within " + std::to_string(k_control_request_time.count()) + " s"});
    expect_request_within(session, k_control_drop_grace); // and closed if that is not read either
  });
}

void Supervisor::Impl::read_request(const std::shared_ptr<ControlSession>& session) {
  session->socket.async_read_some(
      asio::buffer(session->chunk), [this, session](const boost::system::error_code& ec, std::size_t size) {
        if (session->closed || m_done) {
          return;
        }
        if (ec) {
          end_session(session); // gone before asking anything
          return;
        }
        session->input.append(session->chunk.data(), size);
        const auto newline = session->input.find('\n');
        if (newline != std::string::npos) {
          session->deadline.cancel();
          const std::string line = session->input.substr(0, newline);
          handle_request(session, line);
          return;
        }
        if (session->input.size() > core::k_max_control_request_bytes) {
          send(session, core::ControlError{core::ControlErrorCode::request_too_large,
                                           "a request may be at most " +
                                               std::to_string(core::k_max_control_request_bytes) + " bytes"});
          return;
        }
        read_request(session);
      });
}

void Supervisor::Impl::handle_request(const std::shared_ptr<ControlSession>& session, std::string_view line) {
  auto parsed = core::parse_control_request(line);
  if (auto* error = std::get_if<core::ControlError>(&parsed)) {
    send(session, *error);
    return;
  }
  const auto& request = std::get<core::ControlRequest>(parsed);
  if (m_stopping && request.command != core::ControlCommand::ps) {
    send(session, core::ControlError{core::ControlErrorCode::shutting_down, "the formation is stopping"});
    return;
  }
  switch (request.command) {
  case core::ControlCommand::ps: answer_ps(session, request); return;
  case core::ControlCommand::restart:
  case core::ControlCommand::stop: answer_stop_or_restart(session, request); return;
  case core::ControlCommand::signal: answer_signal(session, request); return;
  case core::ControlCommand::scale: answer_scale(session, request); return;
  case core::ControlCommand::logs: answer_logs(session, request); return;
  case core::ControlCommand::reload: answer_reload(session); return;
  case core::ControlCommand::attach: answer_attach(session, request); return;
  }
}

// Queues one response line. An error or `done` completes the answer: the connection closes once it is
// written. Past the queue's bound the client is dropped: its queue is replaced by one `too_slow` error.
void Supervisor::Impl::send(const std::shared_ptr<ControlSession>& session, const core::ControlResponse& response,
                            bool snapshot) {
  if (session->closed || session->dropped || session->close_after_write) {
    return;
  }
  auto line = core::render_response(response);
  if (snapshot) {
    session->snapshot_bytes += line.size();
  } else if (session->queued_bytes + line.size() > k_control_queue_bytes + session->snapshot_bytes) {
    session->dropped = true;
    m_followers.remove_if([&](const LogFollower& follower) { return follower.session == session; });
    while (session->output.size() > (session->writing ? 1U : 0U)) {
      session->output.pop_back(); // the line being written stays: a cut line would not parse
    }
    m_out.system_line("control: dropped a client of " + who(*session) + ", too slow to read its answer");
    expect_request_within(session, k_control_drop_grace); // closed then, read or not
    line = core::render_response(
        core::ControlError{core::ControlErrorCode::too_slow, "this client did not read fast enough and was dropped"});
  }
  const bool last = session->dropped || std::holds_alternative<core::ControlError>(response) ||
                    std::holds_alternative<core::ControlDone>(response);
  session->queued_bytes += line.size();
  session->output.push_back(std::move(line));
  session->close_after_write = last;
  if (!session->writing) {
    write_next(session);
  }
}

void Supervisor::Impl::write_next(const std::shared_ptr<ControlSession>& session) {
  if (session->closed) {
    return;
  }
  if (session->output.empty()) {
    if (session->close_after_write) {
      end_session(session);
    }
    return;
  }
  session->writing = true;
  asio::async_write(session->socket, asio::buffer(session->output.front()),
                    [this, session](const boost::system::error_code& ec, std::size_t) {
                      session->writing = false;
                      if (session->closed || m_done) {
                        return;
                      }
                      if (ec) {
                        end_session(session); // the client went away mid-answer
                        return;
                      }
                      session->queued_bytes -= session->output.front().size();
                      session->output.pop_front();
                      write_next(session);
                    });
}

void Supervisor::Impl::end_session(const std::shared_ptr<ControlSession>& session) {
  if (session->closed) {
    return;
  }
  session->closed = true;
  session->deadline.cancel();
  m_followers.remove_if([&](const LogFollower& follower) { return follower.session == session; });
  detach(session);
  boost::system::error_code ignored;
  session->socket.shutdown(asio::local::stream_protocol::socket::shutdown_both, ignored);
  session->socket.close(ignored);
  m_sessions.remove(session);
  if (m_accept_paused && m_sessions.size() < k_max_control_sessions && m_control && m_control->is_open() && !m_done) {
    m_accept_paused = false;
    accept_control();
  }
}

} // namespace tfrun::engine
