// SPDX-License-Identifier: MIT
// `tfrun signal SIGNAL NAME...`: send a signal to instances of the formation running here, to each
// process group (or to the process alone with `signal_target = "main"`), as tfrun forwards signals.
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/app/errors.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <iostream>

namespace tfrun::app {

int signal_command(const Invocation& invocation) {
  if (invocation.names.empty()) {
    throw UsageError("signal needs a signal and at least one instance or type: tfrun signal HUP web");
  }
  core::ControlRequest request;
  request.command = core::ControlCommand::signal;
  request.signal = invocation.signal_name;
  request.names = invocation.names;
  exchange(invocation, request, [&](const core::ControlResponse& response, const std::string&) {
    if (const auto* action = std::get_if<core::ControlAction>(&response)) {
      std::cout << action->name << ": " << action->action << '\n';
    }
  });
  std::cout << std::flush;
  return core::exit_code::success;
}

} // namespace tfrun::app
