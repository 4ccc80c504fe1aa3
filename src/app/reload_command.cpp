// SPDX-License-Identifier: MIT
// `tfrun reload`: the formation running here reads its Procfile, env files and tfrun.toml again and
// restarts only what changed (docs/control.md).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <iostream>

namespace tfrun::app {

int reload_command(const Invocation& invocation) {
  core::ControlRequest request;
  request.command = core::ControlCommand::reload;
  bool any = false;
  exchange(invocation, request, [&](const core::ControlResponse& response, const std::string&) {
    if (const auto* action = std::get_if<core::ControlAction>(&response)) {
      std::cout << action->name << ": " << action->action << '\n';
      any = true;
    }
  });
  if (!any) {
    std::cout << "nothing changed\n";
  }
  std::cout << std::flush;
  return core::exit_code::success;
}

} // namespace tfrun::app
