// SPDX-License-Identifier: MIT
// `tfrun restart [NAME...]` and `tfrun stop [NAME...]`: ask the formation running here to restart or
// stop instances; no name means every instance (docs/control.md).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>

namespace tfrun::app {
namespace {

int ask(const Invocation& invocation, core::ControlCommand command) {
  core::ControlRequest request;
  request.command = command;
  request.names = invocation.names;
  return print_actions(invocation, request);
}

} // namespace

int restart_command(const Invocation& invocation) { return ask(invocation, core::ControlCommand::restart); }

int stop_command(const Invocation& invocation) { return ask(invocation, core::ControlCommand::stop); }

} // namespace tfrun::app
