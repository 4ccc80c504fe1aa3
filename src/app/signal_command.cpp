// SPDX-License-Identifier: MIT
// `tfrun signal SIGNAL NAME...`: send a signal to instances of the formation running here, to each
// process group (or to the process alone with `signal_target = "main"`), as tfrun forwards signals.
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/app/errors.hpp>

namespace tfrun::app {

int signal_command(const Invocation& invocation) {
  if (invocation.names.empty()) {
    throw UsageError("signal needs a signal and at least one instance or type: tfrun signal HUP web");
  }
  core::ControlRequest request;
  request.command = core::ControlCommand::signal;
  request.signal = invocation.signal_name;
  request.names = invocation.names;
  return print_actions(invocation, request);
}

} // namespace tfrun::app
