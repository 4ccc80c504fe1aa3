// SPDX-License-Identifier: MIT
// The client side of the control socket, shared by `ps`, `restart`, `stop` and `signal`.
#pragma once

#include <tfrun/app/cli.hpp>
#include <tfrun/core/control_protocol.hpp>

#include <functional>
#include <string>

namespace tfrun::app {

// --socket, else TFRUN_SOCKET, else the project's own (docs/control.md), from where `start` finds
// tfrun.toml and the Procfile. `for_listening`: the path `start` binds (the client also tries the fallback).
[[nodiscard]] std::string control_socket_for(const Invocation& invocation, bool fallback_only = false);

// Sends `request` to the formation running here and passes every response line to `on_response` until the
// answer is complete. Throws an Error with the exit status of docs/exit-status.md for an `error` answer,
// or when no tfrun runs here.
void exchange(const Invocation& invocation, const core::ControlRequest& request,
              const std::function<void(const core::ControlResponse&, const std::string& line)>& on_response);

// For a request answered by a stream (`attach`): connects, sends `request` and reads the first response
// line, thrown as exchange() throws an error. Returns the connected socket (the caller closes it), the
// response, and whatever arrived after its line in `after`.
struct OpenedExchange {
  int fd = -1;
  core::ControlResponse first;
  std::string after;
};
[[nodiscard]] OpenedExchange open_exchange(const Invocation& invocation, const core::ControlRequest& request);

// Whether a formation answers on this project's control socket (a connection is made and closed).
[[nodiscard]] bool formation_answers(const Invocation& invocation);

// An exit status for each error of the protocol (docs/control.md).
[[nodiscard]] int exit_status_of(core::ControlErrorCode code);

// Sends `request` and prints each action the formation reports as "web.1: restart" (restart, stop,
// signal, scale). Returns the success status; an error answer is thrown as exchange() throws it.
int print_actions(const Invocation& invocation, const core::ControlRequest& request);

} // namespace tfrun::app
