// SPDX-License-Identifier: MIT
// Checks tfrun.toml against the Procfile: every [process.NAME] and every depends_on entry must name a
// Procfile type, and dependencies must not form a cycle.
#pragma once

#include <tfrun/core/procfile.hpp>
#include <tfrun/core/settings.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

void check_settings_against_procfile(const FileSettings& settings, const Procfile& procfile, const std::string& file,
                                     std::string_view text, Diagnostics& diagnostics);

// The Procfile types in start order: dependencies first, otherwise Procfile order. Assumes no cycle.
[[nodiscard]] std::vector<std::string> start_order(const FileSettings& settings, const Procfile& procfile);

// Settings for `type`, or nullptr when tfrun.toml says nothing about it.
[[nodiscard]] const ProcessSettings* find_process_settings(const FileSettings& settings, std::string_view type);

} // namespace tfrun::core
