// SPDX-License-Identifier: MIT
#pragma once

#include <tfrun/app/options.hpp>
#include <tfrun/core/foreman_defaults.hpp>
#include <tfrun/core/settings.hpp>

#include <optional>
#include <string>

namespace tfrun::app {

// Where tfrun.toml is looked for: the root (-d), else the folder of -f, else the current directory; .foreman's
// root and procfile count when the command line gives neither.
[[nodiscard]] std::string settings_dir_for(const GivenOptions& given, const core::ForemanDefaults& foreman);

// Everything an option's value may come from, most important first.
struct OptionSources {
  const GivenOptions& given;                    // the command line and TFRUN_*
  std::optional<std::string> procfile_variable; // PROCFILE from an env file or the environment (honcho's)
  const core::FileSettings& settings;           // tfrun.toml
  const core::ForemanDefaults& foreman;
  std::string settings_dir;
};

// Throws UsageError naming the flag (or the .foreman key) for a value that is not valid.
[[nodiscard]] ResolvedOptions resolve_options(const OptionSources& sources);

} // namespace tfrun::app
