// SPDX-License-Identifier: MIT
// The Procfile grammar of docs/formats.md (tfrun-procfile(5)).
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

  // The first entry named `name` (a name may be written twice: docs/formats.md).
  [[nodiscard]] const ProcfileEntry* find(std::string_view name) const;
  // Every entry's name as written, in file order, repeats included (foreman's `check` line lists these).
  [[nodiscard]] std::vector<std::string> names() const;
  // The distinct names, in the order they first appear: the process types.
  [[nodiscard]] std::vector<std::string> types() const;
  // "web, worker": the types, for messages that name an unknown one.
  [[nodiscard]] std::string type_list() const;
};

[[nodiscard]] Procfile parse_procfile(std::string_view text, const std::string& file, Diagnostics& diagnostics);

} // namespace tfrun::core
