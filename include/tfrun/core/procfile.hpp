// SPDX-License-Identifier: MIT
// The Procfile grammar of FORMATS.md §Procfile.
#pragma once

#include <tfrun/core/diagnostics.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

struct ProcfileEntry {
  std::string name;
  std::string command;
  int line = 0;
};

struct Procfile {
  std::vector<ProcfileEntry> entries; // file order

  [[nodiscard]] const ProcfileEntry* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;
};

[[nodiscard]] Procfile parse_procfile(std::string_view text, const std::string& file, Diagnostics& diagnostics);

} // namespace tfrun::core
