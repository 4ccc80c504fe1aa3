// SPDX-License-Identifier: MIT
#include <tfrun/app/control_client.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/app/options_resolution.hpp>
#include <tfrun/os/control_socket.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace tfrun::app {
namespace {

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto wrote = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote < 0 && (errno == EPIPE || errno == ECONNRESET)) {
      return; // the formation answered at once (a refusal) and closed: the answer is still there to read
    }
    if (wrote <= 0) {
      throw SystemError(std::string("cannot send the request: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(wrote);
  }
}

int connect_or_throw(const Invocation& invocation) {
  auto path = control_socket_for(invocation);
  auto fd = os::connect_control_socket(path);
  const int error = errno; // the project's own socket says why; the fallback is only a second chance
  if (!fd && !invocation.socket && std::getenv("TFRUN_SOCKET") == nullptr) {
    const auto fallback = control_socket_for(invocation, true);
    if (auto other = os::connect_control_socket(fallback)) {
      fd = other;
    }
  }
  if (!fd) {
    if (error == EACCES || error == EPERM) {
      throw Error(exit_status_of(core::ControlErrorCode::refused),
                  "cannot reach the formation at " + path + ": " + std::strerror(error));
    }
    throw Error(exit_status_of(core::ControlErrorCode::no_formation),
                "no tfrun start is running here (no one listens on " + path + ")");
  }
  return *fd;
}

} // namespace

std::string control_socket_for(const Invocation& invocation, bool fallback_only) {
  if (invocation.socket) {
    return *invocation.socket;
  }
  if (const char* env = std::getenv("TFRUN_SOCKET"); env != nullptr && *env != '\0') {
    return env;
  }
  // The project as `start` finds it, `.foreman` included (what is wrong in it, `start` says).
  core::Diagnostics ignored;
  return os::control_socket_path(settings_dir_for(invocation.options, read_foreman_defaults(ignored)), fallback_only);
}

int exit_status_of(core::ControlErrorCode code) {
  switch (code) {
  case core::ControlErrorCode::no_formation: return core::exit_code::unavailable;
  case core::ControlErrorCode::refused: return core::exit_code::no_permission;
  case core::ControlErrorCode::bad_input: return core::exit_code::data;
  case core::ControlErrorCode::no_terminal: return core::exit_code::unavailable;
  case core::ControlErrorCode::busy: return core::exit_code::temporary;
  case core::ControlErrorCode::too_slow:
  case core::ControlErrorCode::shutting_down: return core::exit_code::temporary;
  case core::ControlErrorCode::request_too_large:
  case core::ControlErrorCode::bad_request:
  case core::ControlErrorCode::unsupported_version: return core::exit_code::protocol;
  case core::ControlErrorCode::unknown_command:
  case core::ControlErrorCode::unknown_name:
  case core::ControlErrorCode::bad_signal:
  case core::ControlErrorCode::bad_scale: return core::exit_code::usage;
  }
  return core::exit_code::internal;
}

// How long a client waits for an answer (not for `logs -f`, which waits for lines as long as they come).
constexpr int k_answer_seconds = 10;

namespace {

// One read of the answer into `pending`; a formation that does not answer in time, or goes away, is an Error.
void read_more(int fd, std::string& pending) {
  char chunk[16384];
  for (;;) {
    const auto got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      throw Error(exit_status_of(core::ControlErrorCode::shutting_down),
                  "the formation did not answer within " + std::to_string(k_answer_seconds) +
                      " s (is tfrun stopped, by Ctrl-Z or SIGSTOP?)");
    }
    if (got <= 0) {
      throw Error(exit_status_of(core::ControlErrorCode::no_formation),
                  "the formation closed the connection before answering (it may have stopped)");
    }
    pending.append(chunk, static_cast<std::size_t>(got));
    return;
  }
}

// One response line (without its newline); an `error` answer, or a line this tfrun cannot read, is an Error.
core::ControlResponse parse_answer(std::string_view line) {
  auto response = core::parse_response(line);
  if (!response) {
    throw Error(core::exit_code::protocol, "the formation answered something this tfrun does not understand");
  }
  if (const auto* error = std::get_if<core::ControlError>(&*response)) {
    throw Error(exit_status_of(error->code), error->message);
  }
  return *response;
}

} // namespace

void exchange(const Invocation& invocation, const core::ControlRequest& request,
              const std::function<void(const core::ControlResponse&, const std::string& line)>& on_response) {
  const int fd = connect_or_throw(invocation);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (!request.follow) {
    // A formation that cannot answer (tfrun stopped by Ctrl-Z, or SIGSTOP) must not hang the client.
    const timeval limit{k_answer_seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  write_all(fd, core::render_control_request(request));
  std::string pending;
  for (;;) {
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      const std::string line = pending.substr(0, newline + 1);
      pending.erase(0, newline + 1);
      const auto response = parse_answer(std::string_view(line).substr(0, line.size() - 1));
      on_response(response, line);
      if (std::holds_alternative<core::ControlDone>(response)) {
        return;
      }
    }
    read_more(fd, pending);
  }
}

bool formation_answers(const Invocation& invocation) {
  try {
    ::close(connect_or_throw(invocation));
    return true;
  } catch (const Error&) {
    return false;
  }
}

OpenedExchange open_exchange(const Invocation& invocation, const core::ControlRequest& request) {
  const int fd = connect_or_throw(invocation);
  struct Closer { // until the answer is known to be good
    int fd;
    ~Closer() {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  } closer{fd};
  const timeval limit{k_answer_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  write_all(fd, core::render_control_request(request));
  std::string pending;
  std::size_t newline;
  while ((newline = pending.find('\n')) == std::string::npos) {
    read_more(fd, pending);
  }
  const auto response = parse_answer(std::string_view(pending).substr(0, newline));
  const timeval no_limit{0, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &no_limit, sizeof no_limit);
  closer.fd = -1;
  return {fd, response, pending.substr(newline + 1)};
}

int print_actions(const Invocation& invocation, const core::ControlRequest& request) {
  exchange(invocation, request, [&](const core::ControlResponse& response, const std::string&) {
    if (const auto* action = std::get_if<core::ControlAction>(&response)) {
      std::cout << action->name << ": " << action->action << '\n';
    }
  });
  std::cout << std::flush;
  return core::exit_code::success;
}

} // namespace tfrun::app
