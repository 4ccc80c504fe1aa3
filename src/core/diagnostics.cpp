// SPDX-License-Identifier: MIT
#include <tfrun/core/diagnostics.hpp>

#include <algorithm>

namespace tfrun::core {

void Diagnostics::error(std::string file, int line, int column, std::string message, std::string source_line) {
  add({Severity::error, std::move(file), line, column, std::move(message), std::move(source_line)});
}

void Diagnostics::warning(std::string file, int line, int column, std::string message, std::string source_line) {
  add({Severity::warning, std::move(file), line, column, std::move(message), std::move(source_line)});
}

void Diagnostics::add(Diagnostic diagnostic) { m_items.push_back(std::move(diagnostic)); }

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const {
  return std::any_of(m_items.begin(), m_items.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::vector<Diagnostic> Diagnostics::warnings() const {
  std::vector<Diagnostic> out;
  std::copy_if(m_items.begin(), m_items.end(), std::back_inserter(out),
               [](const Diagnostic& d) { return d.severity == Severity::warning; });
  return out;
}

void Diagnostics::promote_warnings() {
  for (auto& d : m_items) {
    d.severity = Severity::error;
  }
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.severity == Severity::error ? "tfrun: error: " : "tfrun: warning: ";
  if (!d.file.empty()) {
    out += d.file;
    if (d.line > 0) {
      out += ':' + std::to_string(d.line);
      if (d.column > 0) {
        out += ':' + std::to_string(d.column);
      }
    }
    out += ": ";
  }
  out += d.message;
  out += '\n';
  if (d.line > 0) {
    out += "  ";
    out += d.source_line;
    out += '\n';
    if (d.column > 0) {
      // Tabs are kept and UTF-8 continuation bytes take no column, so the caret lines up under the same
      // terminal column as the offending character.
      std::string pad = "  ";
      for (int i = 0; i + 1 < d.column && i < static_cast<int>(d.source_line.size()); ++i) {
        const char c = d.source_line[static_cast<std::size_t>(i)];
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
          pad += c == '\t' ? '\t' : ' ';
        }
      }
      out += pad + "^\n";
    }
  }
  return out;
}

std::string line_of(std::string_view text, int line) {
  if (line < 1) {
    return {};
  }
  std::size_t start = 0;
  for (int current = 1; current < line; ++current) {
    const auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      return {};
    }
    start = nl + 1;
  }
  auto end = text.find('\n', start);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  if (end > start && text[end - 1] == '\r') {
    --end;
  }
  return std::string(text.substr(start, end - start));
}

} // namespace tfrun::core
