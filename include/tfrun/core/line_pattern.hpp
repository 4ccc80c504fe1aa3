// SPDX-License-Identifier: MIT
// The regular expression of `ready = { log = "..." }`, matched against a child's output: untrusted text
// of any length, inside the single-threaded loop. RE2 (docs/ARCHITECTURE.md): linear time in the text,
// no backtracking, no recursion, bounded memory, so no line can crash tfrun or stall it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace tfrun::core {

class LinePattern {
public:
  // How much of each line is matched: its first 64 KiB. A readiness message sits at the start of a log
  // line; the bound keeps each match to a fraction of a millisecond however long the line.
  static constexpr std::size_t k_matched_bytes = 64 * 1024;

  // What is wrong with `pattern` ("unbalanced parentheses"), or nullopt when it compiles.
  [[nodiscard]] static std::optional<std::string> error_in(const std::string& pattern);

  // `pattern` must compile (error_in said nullopt); otherwise the pattern matches nothing.
  explicit LinePattern(const std::string& pattern);
  ~LinePattern();
  LinePattern(LinePattern&&) noexcept;
  LinePattern& operator=(LinePattern&&) noexcept;

  // True when the pattern matches somewhere in the first k_matched_bytes of `line`.
  [[nodiscard]] bool found_in(std::string_view line) const;

private:
  std::unique_ptr<re2::RE2> m_re;
};

} // namespace tfrun::core
