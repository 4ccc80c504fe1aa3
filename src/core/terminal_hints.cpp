// SPDX-License-Identifier: MIT
#include <tfrun/core/terminal_hints.hpp>

#include <tfrun/core/settings_check.hpp>

namespace tfrun::core {

void add_terminal_hints(Environment& environment) {
  const auto add_unless_set = [&](const char* name) {
    if (!environment.get(name)) {
      environment.set(name, "1");
    }
  };
  add_unless_set("PYTHONUNBUFFERED");
  const auto refuses = [&](const char* name) {
    const auto value = environment.get(name);
    return value && (*value == "0" || *value == "false");
  };
  if (!environment.get("NO_COLOR").value_or("").empty() || refuses("FORCE_COLOR") || refuses("CLICOLOR_FORCE")) {
    return;
  }
  add_unless_set("FORCE_COLOR");
  add_unless_set("CLICOLOR_FORCE");
}

bool terminal_hints_for(const FileSettings& settings, std::string_view type) {
  const auto* process = find_process_settings(settings, type);
  if (process != nullptr && process->terminal_hints) {
    return *process->terminal_hints;
  }
  return settings.terminal_hints.value_or(true);
}

} // namespace tfrun::core
