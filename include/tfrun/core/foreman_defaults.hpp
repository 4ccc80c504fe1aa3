// SPDX-License-Identifier: MIT
// `.foreman`: foreman's defaults file, a YAML mapping of long option names to values, read from the current
// directory. tfrun reads the flat `key: value` form every real one uses (docs/formats.md).
#pragma once

#include <tfrun/core/diagnostics.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

// The values found, as option text: the command line and tfrun.toml win over each of them.
struct ForemanDefaults {
  std::optional<std::string> procfile;
  std::optional<std::string> root;
  std::vector<std::string> env_files; // `env: .env,.env.local`
  std::optional<std::string> port;
  std::optional<std::string> timeout; // seconds
  std::vector<std::string> formation; // `formation:` or the older `concurrency:`
  std::optional<std::string> color;   // "always" or "never" (from true/false), or auto/always/never
  std::optional<bool> timestamp;
};

// Unknown keys and values that are not a single scalar are warnings (the line is ignored); a port, timeout or
// colour that is not valid is an error at its line and column.
[[nodiscard]] ForemanDefaults parse_foreman_defaults(std::string_view text, const std::string& file,
                                                     Diagnostics& diagnostics);

} // namespace tfrun::core
