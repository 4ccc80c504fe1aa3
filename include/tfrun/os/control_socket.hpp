// SPDX-License-Identifier: MIT
// The control socket of `tfrun start` (docs/control.md): where it lives, binding it privately, telling a
// live one from a stale one, and who is on the other end.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace tfrun::os {

// Where the socket of the project rooted at `root` lives: ROOT/.tfrun/control.sock; when that path does
// not fit a socket address, $XDG_RUNTIME_DIR/tfrun/ (else /tmp/tfrun-UID/) plus a name made from the
// project's absolute path. `fallback_only` gives the second one (the first could not be made).
[[nodiscard]] std::string control_socket_path(const std::string& root, bool fallback_only = false);

// Another `tfrun start` answers on the socket.
class ControlSocketBusy : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// A bound, listening socket file, unlinked when destroyed if it is still the one this process bound.
class ControlListener {
public:
  ControlListener() = default;
  ControlListener(int fd, std::string path, ino_t inode, bool replaced_stale)
      : m_fd(fd), m_path(std::move(path)), m_inode(inode), m_replaced_stale(replaced_stale) {}
  ~ControlListener();
  ControlListener(ControlListener&& other) noexcept;
  ControlListener& operator=(ControlListener&& other) noexcept;
  ControlListener(const ControlListener&) = delete;
  ControlListener& operator=(const ControlListener&) = delete;

  // Hands the descriptor over (to the event loop); the file is still unlinked by this object.
  [[nodiscard]] int release_fd();
  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] bool replaced_stale() const { return m_replaced_stale; }

private:
  int m_fd = -1;
  std::string m_path;
  ino_t m_inode = 0;
  bool m_replaced_stale = false;
};

// Makes the socket's directory (0700, owned by this uid, refused otherwise), detects a live socket by
// connecting (ControlSocketBusy), removes a stale one, binds with mode 0600 and listens. Throws
// std::system_error when the OS refuses.
// `own_directory`: the directory is tfrun's (a default path): made if missing and kept 0700. A path the
// user chose (--socket, TFRUN_SOCKET) leaves its directory as it is.
[[nodiscard]] ControlListener listen_control_socket(const std::string& path, bool own_directory = true);

// A connected, blocking client socket; nullopt with errno set (ENOENT, ECONNREFUSED) when no one listens.
[[nodiscard]] std::optional<int> connect_control_socket(const std::string& path);

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
};

// SO_PEERCRED of a connected Unix socket.
[[nodiscard]] std::optional<PeerCredentials> peer_credentials(int fd);
// The same uid as tfrun, or root (docs/control.md).
[[nodiscard]] bool peer_allowed(const PeerCredentials& peer);

} // namespace tfrun::os
