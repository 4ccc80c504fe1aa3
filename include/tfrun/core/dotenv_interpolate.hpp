// SPDX-License-Identifier: MIT
// Interpolation of .env values (docs/formats.md, the .env section), split from the line parser in dotenv.cpp.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

// One byte of a value on its way to interpolation. `offset` (a position in the parsed text) lets an error point
// at its physical line and column even inside a multi-line value; `verbatim` marks the `$` of a `\$` escape,
// which must never start an expansion.
struct ValueByte {
  char ch = 0;
  bool verbatim = false;
  std::size_t offset = 0;
};
using ValueBytes = std::vector<ValueByte>;

// Expands `$NAME`, `${NAME}`, `${NAME<op>word}`, `$$`; leaves `$(...)` and any other `$` as written. Syntax errors
// are reported even inside a word that is not used, so a typo cannot hide until the variable it guards happens
// to be unset; lookups and `?` errors happen only where a value is used.
class Interpolator {
public:
  using Resolve = std::function<std::optional<std::string>(std::string_view name)>;
  using Report = std::function<void(std::size_t offset, std::string message)>;

  Interpolator(Resolve resolve, Report report);

  [[nodiscard]] std::string expand(const ValueBytes& value);

private:
  struct Braced;

  std::string expand_range(const ValueBytes& value, std::size_t begin, std::size_t end, bool evaluate);
  std::size_t expand_dollar(const ValueBytes& value, std::size_t at, std::size_t end, bool evaluate, std::string& out);
  std::size_t expand_braced(const ValueBytes& value, std::size_t start, std::size_t end, bool evaluate,
                            std::string& out);
  std::string apply_operator(const ValueBytes& value, const Braced& braced, bool evaluate);

  Resolve m_resolve;
  Report m_report;
};

} // namespace tfrun::core
