// SPDX-License-Identifier: MIT
// `tfrun logs [-f] [-n N] [NAME...]`: the last lines of instances of the formation running here, then with
// -f every new one until the formation stops or Ctrl-C (docs/control.md).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/app/errors.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <iostream>

namespace tfrun::app {

int logs_command(const Invocation& invocation) {
  core::ControlRequest request;
  request.command = core::ControlCommand::logs;
  request.names = invocation.names;
  request.follow = invocation.follow;
  if (invocation.lines) {
    if (*invocation.lines < 0) {
      throw UsageError("-n wants a count of 0 or more: " + std::to_string(*invocation.lines));
    }
    request.lines = *invocation.lines;
  }
  const auto print = [&](const core::ControlResponse& response, const std::string&) {
    if (const auto* log = std::get_if<core::ControlLogLine>(&response)) {
      std::cout << log->name << " | " << log->line << '\n';
      if (invocation.follow) {
        std::cout << std::flush;
      }
    }
  };
  try {
    exchange(invocation, request, print);
  } catch (const Error& error) {
    // Following ends when the formation stops and closes the connection: that is the normal end.
    if (!invocation.follow || error.exit_status() != exit_status_of(core::ControlErrorCode::no_formation) ||
        std::string(error.what()).find("closed the connection") == std::string::npos) {
      throw;
    }
  }
  std::cout << std::flush;
  return core::exit_code::success;
}

} // namespace tfrun::app
