// SPDX-License-Identifier: MIT
// The .env grammar of docs/formats.md (tfrun-procfile(5)): pure text in, variables and diagnostics out.
#pragma once

#include <tfrun/core/diagnostics.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

struct EnvVariable {
  std::string key;
  std::string value;
  int line = 0; // line of the definition that won (1-based)
};

// Looks a name up in tfrun's own (inherited) environment; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Parses one .env file. `file` names it in diagnostics. Variables come out in the order their keys first
// appear; a key defined again keeps its first position and takes the later value. On an error that spoils
// the whole file (an unterminated quote) the result is empty and the error is in `diagnostics`.
[[nodiscard]] std::vector<EnvVariable> parse_dotenv(std::string_view text, const std::string& file,
                                                    const EnvLookup& inherited, Diagnostics& diagnostics);

} // namespace tfrun::core
