// SPDX-License-Identifier: MIT
// `tfrun attach NAME` (docs/terminal.md): this terminal, in raw mode, connected to the pseudo-terminal of
// one instance of the formation running here, until Ctrl-] (or the end of stdin when it is not a terminal).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/app/errors.hpp>
#include <tfrun/core/attach_frames.hpp>
#include <tfrun/core/exit_codes.hpp>
#include <tfrun/os/pseudo_terminal.hpp>
#include <tfrun/os/terminal.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tfrun::app {
namespace {

constexpr char k_detach_key = 0x1d; // Ctrl-]
constexpr std::string_view k_detach_key_name = "Ctrl-]";

// Writes all of `bytes`; false when `fd` is gone.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto wrote = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (wrote < 0 && errno == ENOTSOCK) {
      const auto plain = ::write(fd, bytes.data(), bytes.size());
      if (plain < 0 && errno == EINTR) {
        continue;
      }
      if (plain <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(plain));
      continue;
    }
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(wrote));
  }
  return true;
}

// A line for the user while the terminal is raw: "\r\n", and on stderr so it never mixes into a capture of
// the instance's screen.
void say(std::string_view text) {
  const std::string line = "\r\n[tfrun] " + std::string(text) + "\r\n";
  write_all(STDERR_FILENO, line);
}

std::optional<os::WindowSize> own_window() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO}) {
    if (const auto size = os::window_size_of(fd)) {
      return size;
    }
  }
  return std::nullopt;
}

// The signals the client handles itself, read from a signalfd so the loop sees them as events.
int signal_descriptor() {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT}) {
    sigaddset(&set, sig);
  }
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

enum class Ending { detached, stdin_ended, formation_gone, ended_by_tfrun, signal };

struct Attachment {
  int socket;
  std::string name;
  core::AttachFrameReader frames;
  std::string end_reason;
  int signal = 0;

  // False when the attachment is over.
  bool from_formation(Ending& ending) {
    char chunk[16384];
    const auto got = ::read(socket, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) {
      return true;
    }
    if (got <= 0) {
      ending = Ending::formation_gone;
      return false;
    }
    frames.feed(std::string_view(chunk, static_cast<std::size_t>(got)));
    return take_frames(ending);
  }

  // Shows what the formation sent; false when it ended the attachment.
  bool take_frames(Ending& ending) {
    while (auto frame = frames.next()) {
      switch (frame->type) {
      case core::AttachFrameType::output:
        if (!write_all(STDOUT_FILENO, frame->payload)) {
          ending = Ending::detached; // stdout went away (`tfrun attach web.1 | head`)
          return false;
        }
        break;
      case core::AttachFrameType::notice: say(frame->payload); break;
      case core::AttachFrameType::end:
        end_reason = frame->payload;
        ending = Ending::ended_by_tfrun;
        return false;
      case core::AttachFrameType::input:
      case core::AttachFrameType::window: break;
      }
    }
    if (frames.broken()) {
      end_reason = "the formation sent something this tfrun does not understand";
      ending = Ending::ended_by_tfrun;
      return false;
    }
    return true;
  }

  bool from_user(bool terminal, Ending& ending) {
    char chunk[4096];
    const auto got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
      return true;
    }
    if (got <= 0) {
      ending = Ending::stdin_ended;
      return false;
    }
    std::string_view typed(chunk, static_cast<std::size_t>(got));
    const auto detach_at = terminal ? typed.find(k_detach_key) : std::string_view::npos;
    if (detach_at != std::string_view::npos) {
      typed = typed.substr(0, detach_at);
    }
    if (!typed.empty() && !write_all(socket, core::encode_attach_frame(core::AttachFrameType::input, typed))) {
      ending = Ending::formation_gone;
      return false;
    }
    if (detach_at != std::string_view::npos) {
      ending = Ending::detached;
      return false;
    }
    return true;
  }

  bool on_signal(int signal_fd, Ending& ending) {
    signalfd_siginfo info{};
    while (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGWINCH) {
        if (const auto window = own_window()) {
          write_all(socket, core::encode_window_frame(window->rows, window->columns));
        }
        continue;
      }
      signal = static_cast<int>(info.ssi_signo);
      ending = Ending::signal;
      return false;
    }
    return true;
  }
};

Ending run_attachment(Attachment& attachment, int signal_fd) {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  bool stdin_open = true;
  Ending ending = Ending::detached;
  for (;;) {
    pollfd fds[3] = {{attachment.socket, POLLIN, 0}, {signal_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    const nfds_t count = stdin_open ? 3 : 2;
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw SystemError(std::string("attach: poll: ") + std::strerror(errno));
    }
    if (fds[0].revents != 0 && !attachment.from_formation(ending)) {
      return ending;
    }
    if (fds[1].revents != 0 && !attachment.on_signal(signal_fd, ending)) {
      return ending;
    }
    if (stdin_open && fds[2].revents != 0 && !attachment.from_user(terminal, ending)) {
      return ending;
    }
  }
}

} // namespace

int attach_command(const Invocation& invocation) {
  core::ControlRequest request;
  request.command = core::ControlCommand::attach;
  request.names = invocation.names;
  if (const auto window = own_window()) {
    request.rows = window->rows;
    request.columns = window->columns;
  }
  const int signal_fd = signal_descriptor(); // before connecting: a resize meanwhile is not lost
  std::signal(SIGPIPE, SIG_IGN);             // a closed stdout ends the attachment, with the terminal put back
  auto opened = open_exchange(invocation, request);
  const auto* action = std::get_if<core::ControlAction>(&opened.first);
  Attachment attachment{opened.fd, action != nullptr ? action->name : invocation.names.front(), {}, {}, 0};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{opened.fd};
  if (action == nullptr || action->action != "attach") {
    throw Error(core::exit_code::protocol, "the formation answered something this tfrun does not understand");
  }
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  std::cerr << "tfrun: attached to " << attachment.name
            << (terminal ? "; " + std::string(k_detach_key_name) + " detaches" : std::string()) << std::endl;
  Ending ending;
  {
    const os::RawMode raw(STDIN_FILENO);
    // Frames that came with the answer (the backlog of its output) are shown before anything is read.
    attachment.frames.feed(opened.after);
    ending = Ending::detached;
    if (attachment.take_frames(ending)) {
      ending = run_attachment(attachment, signal_fd);
    }
  }
  ::shutdown(opened.fd, SHUT_RDWR);
  switch (ending) {
  case Ending::detached:
  case Ending::stdin_ended: std::cerr << "\ntfrun: detached from " << attachment.name << std::endl; break;
  case Ending::formation_gone:
    std::cerr << "\ntfrun: the formation closed the connection (it stopped)" << std::endl;
    break;
  case Ending::ended_by_tfrun:
    std::cerr << "\ntfrun: " << attachment.end_reason << std::endl;
    return core::exit_code::temporary;
  case Ending::signal:
    std::cerr << "\ntfrun: detached from " << attachment.name << " (" << strsignal(attachment.signal) << ")"
              << std::endl;
    return core::exit_code::signal_base + attachment.signal;
  }
  return core::exit_code::success;
}

} // namespace tfrun::app
