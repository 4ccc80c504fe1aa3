// SPDX-License-Identifier: MIT
// `tfrun ps [--json] [NAME...]`: the instances of the formation running here (docs/control.md).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <iostream>

namespace tfrun::app {

int ps_command(const Invocation& invocation) {
  core::ControlRequest request;
  request.command = core::ControlCommand::ps;
  request.names = invocation.names;
  std::vector<core::InstanceStatus> rows;
  exchange(invocation, request, [&](const core::ControlResponse& response, const std::string& line) {
    if (const auto* status = std::get_if<core::InstanceStatus>(&response)) {
      if (invocation.json) {
        std::cout << line; // the protocol's own line: one JSON object per instance
      } else {
        rows.push_back(*status);
      }
    }
  });
  if (!invocation.json) {
    std::cout << core::render_ps_table(rows);
  }
  std::cout << std::flush;
  return core::exit_code::success;
}

} // namespace tfrun::app
