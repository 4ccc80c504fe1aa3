// SPDX-License-Identifier: MIT
// Signal names and numbers, both ways, for configuration and messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tfrun::core {

// "TERM", "SIGTERM", "term", "15", "RTMIN+2" -> number; nullopt when unknown.
[[nodiscard]] std::optional<int> parse_signal(std::string_view text);
// 15 -> "SIGTERM"; unknown numbers -> "signal 99".
[[nodiscard]] std::string signal_name(int number);

} // namespace tfrun::core
