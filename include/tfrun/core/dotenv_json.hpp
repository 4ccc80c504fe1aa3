// SPDX-License-Identifier: MIT
// node-foreman's JSON env files: an env file whose first non-blank character is `{` is one JSON object.
// Nested keys flatten with `_` and are upper-cased as node-foreman does ({"db":{"host":"x"}} gives
// DB_HOST=x; array items take their index: {"hosts":["a","b"]} gives HOSTS_0=a, HOSTS_1=b).
#pragma once

#include <tfrun/core/diagnostics.hpp>
#include <tfrun/core/dotenv.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

// True when `text` (after one leading BOM and blanks) starts with `{`.
[[nodiscard]] bool looks_like_json_env(std::string_view text);

// Strings give their text, numbers their digits as written, true/false their word, null the empty string.
// Malformed JSON is an error at its line and column and gives no variables (like an unterminated quote).
[[nodiscard]] std::vector<EnvVariable> parse_json_env(std::string_view text, const std::string& file,
                                                      Diagnostics& diagnostics);

} // namespace tfrun::core
