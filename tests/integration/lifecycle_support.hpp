// SPDX-License-Identifier: MIT
// Shared by the lifecycle tests: tfrun's JSON output read back as timed lines, and a free port.
#pragma once

#include "../support/harness.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tfrun::test {

// One line of `--log-format json` output: when tfrun wrote it, who wrote it and what it says.
struct TimedLine {
  double ms = 0; // milliseconds since midnight UTC, from "ts"
  std::string process;
  std::string text;
};

std::vector<TimedLine> timed_lines(const std::string& json_output);
// The first line whose process is `process` and whose text contains `needle`.
std::optional<std::size_t> find_line(const std::vector<TimedLine>& lines, const std::string& process,
                                     const std::string& needle);
// A TCP port nothing listens on right now (the kernel picks it), for a test's -p.
int free_port();
RunOptions json_output_in(const TempDir& dir);

} // namespace tfrun::test
