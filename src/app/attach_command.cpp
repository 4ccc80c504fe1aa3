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
#include <optional>
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

// The signals the client handles itself, read from a signalfd so the loop sees them as events. Blocked
// once attached: before that, they end the client as they end any program.
int signal_descriptor() {
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT}) {
    sigaddset(&set, sig);
  }
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

enum class Ending { detached, stdin_ended, formation_gone, ended_by_tfrun, signal };

// What the client holds for the formation at most before it stops reading stdin: it never blocks on the
// socket, so signals, Ctrl-] and the instance's output are always seen.
constexpr std::size_t k_max_outgoing = 64 * 1024;

struct Attachment {
  int socket;
  std::string name;
  bool terminal; // stdin is a terminal in the foreground: raw mode, and Ctrl-] detaches
  core::AttachFrameReader frames;
  std::string outgoing; // frames not yet taken by the socket
  bool stdin_ended = false;
  std::optional<os::RawMode> raw;
  std::string end_reason;
  int signal = 0;

  // False when the attachment is over.
  bool from_formation(Ending& ending) {
    char chunk[16384];
    const auto got = ::read(socket, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
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

  // As much of `outgoing` as the socket takes now, never waiting.
  bool flush(Ending& ending) {
    while (!outgoing.empty()) {
      const auto sent = ::send(socket, outgoing.data(), outgoing.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        outgoing.erase(0, static_cast<std::size_t>(sent));
        continue;
      }
      if (sent < 0 && errno == EINTR) {
        continue;
      }
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;
      }
      ending = Ending::formation_gone;
      return false;
    }
    return true;
  }

  bool from_user(Ending& ending) {
    char chunk[4096];
    const auto got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
      return true;
    }
    if (got <= 0) {
      stdin_ended = true; // what it held is sent, then the client detaches
      return true;
    }
    std::string_view typed(chunk, static_cast<std::size_t>(got));
    const auto detach_at = terminal ? typed.find(k_detach_key) : std::string_view::npos;
    if (detach_at != std::string_view::npos) {
      typed = typed.substr(0, detach_at);
    }
    if (!typed.empty()) {
      outgoing += core::encode_attach_frame(core::AttachFrameType::input, typed);
    }
    if (detach_at != std::string_view::npos) {
      flush(ending); // what was typed before the key, if the formation takes it now
      ending = Ending::detached;
      return false;
    }
    return flush(ending);
  }

  void send_window() {
    if (const auto window = own_window()) {
      outgoing += core::encode_window_frame(window->rows, window->columns);
    }
  }

  // SIGTSTP (`kill -TSTP`; Ctrl-Z goes to the instance): the terminal as it was, stopped; raw again on `fg`.
  void suspend() {
    raw.reset();
    ::raise(SIGSTOP);
    send_window();
  }

  // Raw again once the terminal is this client's (after `fg`); never while the shell has it.
  void take_terminal_back() {
    if (terminal && !raw && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp()) {
      raw.emplace(STDIN_FILENO);
    }
  }

  bool on_signal(int signal_fd, Ending& ending) {
    signalfd_siginfo info{};
    while (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGWINCH) {
        send_window();
      } else if (info.ssi_signo == SIGTSTP) {
        suspend();
      } else if (info.ssi_signo == SIGCONT) {
        // Continued (`fg`, `bg`, after any stop): the shell may have put its own settings back meanwhile.
        raw.reset();
        take_terminal_back();
        send_window();
      } else {
        signal = static_cast<int>(info.ssi_signo);
        ending = Ending::signal;
        return false;
      }
    }
    return flush(ending);
  }
};

Ending run_attachment(Attachment& attachment, int signal_fd) {
  Ending ending = Ending::detached;
  for (;;) {
    if (attachment.stdin_ended && attachment.outgoing.empty()) {
      return Ending::stdin_ended;
    }
    attachment.take_terminal_back();
    const bool read_stdin = !attachment.stdin_ended && attachment.outgoing.size() < k_max_outgoing;
    const short to_socket = attachment.outgoing.empty() ? 0 : POLLOUT;
    pollfd fds[3] = {{attachment.socket, static_cast<short>(POLLIN | to_socket), 0},
                     {signal_fd, POLLIN, 0},
                     {STDIN_FILENO, POLLIN, 0}};
    if (::poll(fds, read_stdin ? 3 : 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw SystemError(std::string("attach: poll: ") + std::strerror(errno));
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !attachment.from_formation(ending)) {
      return ending;
    }
    if ((fds[0].revents & POLLOUT) != 0 && !attachment.flush(ending)) {
      return ending;
    }
    if (fds[1].revents != 0 && !attachment.on_signal(signal_fd, ending)) {
      return ending;
    }
    if (read_stdin && fds[2].revents != 0 && !attachment.from_user(ending)) {
      return ending;
    }
  }
}

} // namespace

int attach_command(const Invocation& invocation) {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  if (terminal && ::tcgetpgrp(STDIN_FILENO) != ::getpgrp()) {
    // Raw mode for a terminal the shell is using would leave the user's prompt unusable.
    throw UsageError("attach needs the foreground of its terminal: run it without '&' (or `fg` it)");
  }
  core::ControlRequest request;
  request.command = core::ControlCommand::attach;
  request.names = invocation.names;
  if (const auto window = own_window()) {
    request.rows = window->rows;
    request.columns = window->columns;
  }
  std::signal(SIGPIPE, SIG_IGN); // a closed stdout ends the attachment, with the terminal put back
  auto opened = open_exchange(invocation, request);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{opened.fd};
  const auto* action = std::get_if<core::ControlAction>(&opened.first);
  if (action == nullptr || action->action != "attach") {
    throw Error(core::exit_code::protocol, "the formation answered something this tfrun does not understand");
  }
  const int signal_fd = signal_descriptor();
  Attachment attachment{opened.fd, action->name, terminal, {}, {}, false, {}, {}, 0};
  // Raw before anything is said: a key typed once "attached" shows must not meet a line-buffered terminal
  // (and the flush of input that raw mode makes).
  attachment.take_terminal_back();
  std::cerr << "tfrun: attached to " << attachment.name
            << (terminal ? "; " + std::string(k_detach_key_name) + " detaches" : std::string()) << "\r" << std::endl;
  Ending ending = Ending::detached;
  attachment.send_window(); // a resize while the answer was on its way is not lost
  // Frames that came with the answer (the backlog of its output) are shown before anything is read.
  attachment.frames.feed(opened.after);
  if (attachment.take_frames(ending)) {
    ending = run_attachment(attachment, signal_fd);
  }
  attachment.raw.reset();
  ::close(signal_fd);
  ::shutdown(opened.fd, SHUT_RDWR);
  switch (ending) {
  case Ending::detached:
  case Ending::stdin_ended: std::cerr << "\ntfrun: detached from " << attachment.name << std::endl; break;
  case Ending::formation_gone:
    if (formation_answers(invocation)) {
      // The connection was closed by a formation that runs on: it dropped this client, whose reason (an
      // `end` frame) could not be delivered behind the output left unread.
      std::cerr << "\ntfrun: the formation dropped this client: it did not read " << attachment.name
                << "'s output fast enough" << std::endl;
      return core::exit_code::temporary;
    }
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
