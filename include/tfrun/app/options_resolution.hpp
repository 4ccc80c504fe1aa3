// SPDX-License-Identifier: MIT
#pragma once

#include <tfrun/app/options.hpp>
#include <tfrun/core/settings.hpp>

#include <string>

namespace tfrun::app {

// Where tfrun.toml is looked for: the root (-d), else the folder of -f, else the current directory.
[[nodiscard]] std::string settings_dir_for(const GivenOptions& given);

// Throws UsageError naming the flag for a value that is not valid.
[[nodiscard]] ResolvedOptions resolve_options(const GivenOptions& given, const core::FileSettings& settings,
                                              const std::string& settings_dir);

} // namespace tfrun::app
