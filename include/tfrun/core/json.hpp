// SPDX-License-Identifier: MIT
// Just enough JSON writing for `check --json`, `env --json` and JSON log lines.
#pragma once

#include <string>
#include <string_view>

namespace tfrun::core {

// Appends `text` as a JSON string literal (with quotes). Invalid UTF-8 bytes become U+FFFD so the output is
// always valid JSON; control characters are escaped.
void append_json_string(std::string& out, std::string_view text);
[[nodiscard]] std::string json_string(std::string_view text);

} // namespace tfrun::core
