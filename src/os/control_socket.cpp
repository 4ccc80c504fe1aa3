// SPDX-License-Identifier: MIT
#include <tfrun/os/control_socket.hpp>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace tfrun::os {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

bool fits(const std::string& path) { return !path.empty() && path.size() < sizeof(sockaddr_un{}.sun_path); }

sockaddr_un address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

std::string absolute(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// FNV-1a: a stable short name for a project's absolute path (std::hash may differ between builds).
std::string project_key(const std::string& root) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : root) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// The socket's own directory: made 0700 if missing; if it exists it must be a directory of this uid that
// nobody else may enter (a socket's own mode is not honoured everywhere, the directory's is).
void make_private_directory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    fail("cannot make " + dir);
  }
  struct stat info {};
  if (::lstat(dir.c_str(), &info) != 0) {
    fail("cannot inspect " + dir);
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
    errno = EPERM;
    fail(dir + " is not a directory of this user");
  }
  if ((info.st_mode & 0077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    fail("cannot make " + dir + " private");
  }
}

// flock on the socket's directory for as long as it lives. Best effort: a directory tfrun may not read
// (one the user chose) is used without it.
class DirectoryLock {
public:
  explicit DirectoryLock(const std::string& dir) : m_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (m_fd >= 0) {
      while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~DirectoryLock() {
    if (m_fd >= 0) {
      ::close(m_fd); // releases the lock
    }
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
  int m_fd;
};

} // namespace

std::string control_socket_path(const std::string& root, bool fallback_only) {
  const auto project = absolute(root);
  const auto own = project + "/.tfrun/control.sock";
  if (!fallback_only && fits(own)) {
    return own;
  }
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string base = runtime != nullptr && *runtime == '/' ? std::string(runtime) + "/tfrun"
                                                                 : "/tmp/tfrun-" + std::to_string(::geteuid());
  return base + "/" + project_key(project) + ".sock";
}

ControlListener::~ControlListener() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  struct stat info {};
  // Only the file this process bound: a later tfrun may have replaced it (after deciding it was stale).
  if (!m_path.empty() && ::lstat(m_path.c_str(), &info) == 0 && info.st_ino == m_inode) {
    ::unlink(m_path.c_str());
    if (const auto dir = directory_of(m_path); dir.ends_with("/.tfrun")) {
      ::rmdir(dir.c_str()); // the project's folder is left as it was (fails harmlessly when not empty)
    }
  }
}

ControlListener::ControlListener(ControlListener&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::exchange(other.m_path, {})), m_inode(other.m_inode),
      m_replaced_stale(other.m_replaced_stale) {}

ControlListener& ControlListener::operator=(ControlListener&& other) noexcept {
  if (this != &other) {
    ControlListener gone(std::move(*this));
    m_fd = std::exchange(other.m_fd, -1);
    m_path = std::exchange(other.m_path, {});
    m_inode = other.m_inode;
    m_replaced_stale = other.m_replaced_stale;
  }
  return *this;
}

int ControlListener::release_fd() { return std::exchange(m_fd, -1); }

ControlListener listen_control_socket(const std::string& path, bool own_directory) {
  if (!fits(path)) {
    errno = ENAMETOOLONG;
    fail("the control socket path " + path + " is too long for a socket address");
  }
  const auto dir = directory_of(path);
  if (own_directory) {
    if (dir.ends_with("/tfrun") && dir.find("/tfrun-") == std::string::npos) {
      ::mkdir(directory_of(dir).c_str(), 0700); // $XDG_RUNTIME_DIR exists; this only covers an odd one
    }
    make_private_directory(dir);
  }
  // Two `tfrun start` finding the same stale socket must not both decide it is stale, remove it and bind:
  // the probe, the removal and the bind happen under a lock on the directory, and the socket listens
  // before the lock goes, so whoever comes next connects to it.
  const DirectoryLock lock(dir);
  bool replaced = false;
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    // Alive or stale is decided by connecting, never by age: a SIGKILLed tfrun leaves its file behind.
    if (const auto fd = connect_control_socket(path)) {
      ::close(*fd);
      throw ControlSocketBusy("another tfrun start is running in this project (control socket " + path + ")");
    }
    if (!S_ISSOCK(info.st_mode)) {
      errno = EEXIST;
      fail(path + " exists and is not a socket");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      fail("cannot remove the stale control socket " + path);
    }
    replaced = true;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    fail("cannot make the control socket");
  }
  const auto address = address_of(path);
  // umask, not chmod after bind: there is no moment in which the socket is open to others. tfrun is
  // single-threaded here (the writer thread starts with the supervisor).
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int bind_error = errno;
  ::umask(old_mask);
  if (bound != 0) {
    ::close(fd);
    errno = bind_error;
    if (errno == EADDRINUSE) {
      throw ControlSocketBusy("another tfrun start is running in this project (control socket " + path + ")");
    }
    fail("cannot bind the control socket " + path);
  }
  if (::listen(fd, 128) != 0 || ::lstat(path.c_str(), &info) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(path.c_str());
    errno = error;
    fail("cannot listen on the control socket " + path);
  }
  return ControlListener(fd, path, info.st_ino, replaced);
}

std::optional<int> connect_control_socket(const std::string& path) {
  if (!fits(path)) {
    errno = ENAMETOOLONG;
    return std::nullopt;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return std::nullopt;
  }
  const auto address = address_of(path);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return std::nullopt;
  }
  return fd;
}

std::optional<PeerCredentials> peer_credentials(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
    return std::nullopt;
  }
  return PeerCredentials{credentials.pid, credentials.uid};
}

bool peer_allowed(const PeerCredentials& peer) { return peer.uid == ::geteuid() || peer.uid == 0; }

} // namespace tfrun::os
