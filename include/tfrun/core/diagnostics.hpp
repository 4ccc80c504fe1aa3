// SPDX-License-Identifier: MIT
// Parse problems collected for the user: every parser reports all of them, not just the first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

enum class Severity { warning, error };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;   // 1-based; 0 when the problem is not tied to a line (e.g. an empty file)
  int column = 0; // 1-based, counted in bytes; 0 when not tied to a column
  std::string message;
  std::string source_line; // the offending line without its newline, shown under the message
};

class Diagnostics {
public:
  void error(std::string file, int line, int column, std::string message, std::string source_line = {});
  void warning(std::string file, int line, int column, std::string message, std::string source_line = {});
  void add(Diagnostic diagnostic);
  void append(const Diagnostics& other);

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] bool empty() const { return m_items.empty(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return m_items; }
  [[nodiscard]] std::vector<Diagnostic> warnings() const;
  // Turns every warning into an error (`tfrun check --strict`).
  void promote_warnings();

private:
  std::vector<Diagnostic> m_items;
};

// "tfrun: error: FILE:LINE:COL: message", then the line and a caret under the column.
[[nodiscard]] std::string format_diagnostic(const Diagnostic& diagnostic);

// The text of line `line` (1-based) of `text`, without its line ending.
[[nodiscard]] std::string line_of(std::string_view text, int line);

} // namespace tfrun::core
