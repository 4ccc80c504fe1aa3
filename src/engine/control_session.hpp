// SPDX-License-Identifier: MIT
// Private to the supervisor: one client of the control socket (docs/control.md), served on the loop.
#pragma once

#include <tfrun/os/control_socket.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <array>
#include <cstddef>
#include <deque>
#include <string>

namespace tfrun::engine {

// What one client may have queued and not yet read; past it the client is dropped with `too_slow`, so a
// client that never reads costs tfrun this much memory and nothing else.
constexpr std::size_t k_control_queue_bytes = 1024 * 1024;

struct ControlSession {
  explicit ControlSession(boost::asio::io_context& io) : socket(io) {}

  boost::asio::local::stream_protocol::socket socket;
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
};

} // namespace tfrun::engine
