// SPDX-License-Identifier: MIT
// The sd_notify protocol from both ends: tfrun listens on one datagram socket per instance that asks for
// `ready = "notify"`, and tells its own supervisor (systemd, podman) READY=1 and STOPPING=1.
#pragma once

#include <string>
#include <string_view>

namespace tfrun::os {

// A private directory for the instances' sockets (under $TMPDIR or /tmp), removed with everything in it
// when the object goes away.
class NotifyDirectory {
public:
  // `base` empty: $TMPDIR, or /tmp.
  explicit NotifyDirectory(std::string base = {}) : m_base(std::move(base)) {}
  ~NotifyDirectory();
  NotifyDirectory(const NotifyDirectory&) = delete;
  NotifyDirectory& operator=(const NotifyDirectory&) = delete;

  // Creates the directory on first use; throws std::system_error when it cannot.
  const std::string& path();

private:
  std::string m_base;
  std::string m_path;
};

// A bound, non-blocking, close-on-exec unix datagram socket at `path`; throws std::system_error.
[[nodiscard]] int bind_notify_socket(const std::string& path);
// Whether `address` (a path, or "@name" for the abstract namespace) fits in a socket address.
[[nodiscard]] bool fits_socket_address(const std::string& address);

// Sends `message` to a NOTIFY_SOCKET address (a path, or '@' for the abstract namespace). Returns false when
// it could not be delivered; a supervisor that went away must not stop tfrun.
bool send_notify(const std::string& address, std::string_view message);

// Whether `text` (one datagram) says READY=1; datagrams are newline-separated VAR=VALUE assignments.
[[nodiscard]] bool notify_says_ready(std::string_view text);

// Whether a TCP connection to `port` on the loopback (IPv4, then IPv6) is accepted right now. Never blocks.
[[nodiscard]] bool tcp_accepts(int port);

} // namespace tfrun::os
