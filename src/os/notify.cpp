// SPDX-License-Identifier: MIT
#include <tfrun/os/notify.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>

namespace tfrun::os {
namespace {

constexpr int k_connect_wait_ms = 20;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Fills a sockaddr_un for a NOTIFY_SOCKET address; false when it does not fit.
bool unix_address(const std::string& address, sockaddr_un& out, socklen_t& length) {
  out = sockaddr_un{};
  out.sun_family = AF_UNIX;
  if (address.empty() || address.size() >= sizeof out.sun_path) {
    return false;
  }
  std::memcpy(out.sun_path, address.data(), address.size());
  if (address[0] == '@') {
    out.sun_path[0] = '\0'; // the abstract namespace: no file, no trailing NUL in the length
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  } else {
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + 1);
  }
  return true;
}

bool connects(int family, const sockaddr* address, socklen_t length) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  bool accepted = ::connect(fd, address, length) == 0;
  if (!accepted && errno == EINPROGRESS) {
    // The loopback answers within microseconds; a longer wait means a full backlog, so try again later
    // rather than hold up the event loop.
    pollfd pending{fd, POLLOUT, 0};
    int error = 0;
    socklen_t size = sizeof error;
    accepted = ::poll(&pending, 1, k_connect_wait_ms) == 1 &&
               ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
  }
  ::close(fd);
  return accepted;
}

} // namespace

NotifyDirectory::~NotifyDirectory() {
  if (m_path.empty()) {
    return;
  }
  if (DIR* dir = ::opendir(m_path.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") {
        ::unlink((m_path + "/" + name).c_str());
      }
    }
    ::closedir(dir);
  }
  ::rmdir(m_path.c_str());
}

const std::string& NotifyDirectory::path() {
  if (m_path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string base = !m_base.empty() ? m_base : tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    std::string pattern = base + "/tfrun-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw_errno("cannot create a directory for notify sockets in " + pattern.substr(0, pattern.rfind('/')));
    }
    m_path = pattern;
  }
  return m_path;
}

int bind_notify_socket(const std::string& path) {
  sockaddr_un address{};
  socklen_t length = 0;
  if (!unix_address(path, address, length)) {
    errno = ENAMETOOLONG;
    throw_errno("notify socket " + path);
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno("notify socket");
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    throw_errno("notify socket " + path);
  }
  return fd;
}

bool fits_socket_address(const std::string& address) {
  sockaddr_un ignored{};
  socklen_t length = 0;
  return unix_address(address, ignored, length);
}

bool send_notify(const std::string& address, std::string_view message) {
  sockaddr_un target{};
  socklen_t length = 0;
  if (!unix_address(address, target, length)) {
    return false;
  }
  // Non-blocking: this runs on the event loop, and a supervisor that stopped reading its socket must not
  // stall every child's output. A full socket drops the message, as it would a datagram.
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  const auto sent =
      ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&target), length);
  ::close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

bool notify_says_ready(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (text.substr(0, end) == "READY=1") {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return false;
}

bool tcp_accepts(int port) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(static_cast<std::uint16_t>(port));
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connects(AF_INET, reinterpret_cast<const sockaddr*>(&v4), sizeof v4)) {
    return true;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(static_cast<std::uint16_t>(port));
  v6.sin6_addr = in6addr_loopback;
  return connects(AF_INET6, reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
}

} // namespace tfrun::os
