// SPDX-License-Identifier: MIT
// How a Procfile command is run (docs/formats.md, "How a command is run"): executed directly when it holds
// nothing the shell would interpret, else through the shell, which is told to `exec` the command whenever that
// keeps its meaning; so that, wherever the meaning allows, the process started is the app itself, not a wrapper.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

struct CommandPlan {
  // The program and its arguments: the command's own words, or {shell, "-c", text}.
  std::vector<std::string> argv;
  bool via_shell = false;
};

[[nodiscard]] CommandPlan plan_command(std::string_view command, std::string_view shell = "/bin/sh");

} // namespace tfrun::core
