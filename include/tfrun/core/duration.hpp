// SPDX-License-Identifier: MIT
// Durations as people write them in tfrun.toml and on the command line: 5, 0.5, "500ms", "5s", "1m".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tfrun::core {

using Duration = std::chrono::milliseconds;

// nullopt for anything that is not a non-negative duration.
[[nodiscard]] std::optional<Duration> parse_duration(std::string_view text);
[[nodiscard]] std::optional<Duration> duration_from_seconds(double seconds);
// "5 s", "1.5 s", "250 ms": for messages.
[[nodiscard]] std::string describe_duration(Duration duration);

} // namespace tfrun::core
