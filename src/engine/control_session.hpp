// SPDX-License-Identifier: MIT
// Private to the supervisor: one client of the control socket (docs/control.md), served on the loop.
#pragma once

#include <tfrun/core/attach_frames.hpp>
#include <tfrun/engine/supervisor.hpp>
#include <tfrun/os/control_socket.hpp>
#include <tfrun/os/pseudo_terminal.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace tfrun::engine {

// What one client may have queued and not yet read; past it the client is dropped with `too_slow`, so a
// client that never reads costs tfrun this much memory and nothing else.
constexpr std::size_t k_control_queue_bytes = 1024 * 1024;

// k_max_control_sessions (supervisor.hpp) are served at once; more wait in the listen backlog until one
// leaves, so idle connections can never take the descriptors instances need.

// How long a client may take to send its request, and how long a dropped client's error may wait to be
// read before the connection is closed regardless.
constexpr std::chrono::seconds k_control_request_time{5};
constexpr std::chrono::seconds k_control_drop_grace{1};

struct SupervisedChild;

// What `tfrun attach` is sent first: the instance's latest output, so a prompt printed before the client
// came (a debugger's) is on its screen.
constexpr std::size_t k_attach_backlog_bytes = 8 * 1024;

struct ControlSession {
  explicit ControlSession(boost::asio::io_context& io) : socket(io), deadline(io) {}

  boost::asio::local::stream_protocol::socket socket;
  boost::asio::steady_timer deadline; // k_control_request_time, then k_control_drop_grace once dropped
  os::PeerCredentials peer;
  std::string input;
  std::array<char, 4096> chunk{};
  std::deque<std::string> output;
  std::size_t queued_bytes = 0;
  // An answer taken at once from what tfrun holds (the rows of `ps`, the backlog of `logs`) is queued
  // whole, however large: the bound applies to what comes on top of it.
  std::size_t snapshot_bytes = 0;
  bool writing = false;
  bool close_after_write = false; // the answer is complete (done or error)
  bool dropped = false;           // too slow: nothing more is queued
  bool closed = false;

  // `tfrun attach` (supervisor_attach.cpp): the instance whose terminal this client is connected to.
  SupervisedChild* attached_to = nullptr;
  core::AttachFrameReader frames;
  std::string pending_input;            // keystrokes the terminal has not taken yet
  bool reading_input = false;           // a read of the client is under way
  bool told_input_dropped = false;      // the client knows keys are being dropped (until the terminal reads)
  bool waiting_to_write = false;        // the terminal is full: keys wait in pending_input until it takes more
  std::optional<os::WindowSize> window; // the client's, while it is attached
};

// "uid 1000, pid 4242": who asked, for the formation's own lines.
inline std::string who(const ControlSession& session) {
  return "uid " + std::to_string(session.peer.uid) + ", pid " + std::to_string(session.peer.pid);
}

} // namespace tfrun::engine
