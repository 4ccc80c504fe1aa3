// SPDX-License-Identifier: MIT
#include <tfrun/core/dotenv.hpp>
#include <tfrun/core/dotenv_interpolate.hpp>

#include <algorithm>
#include <cstddef>
#include <unordered_map>
#include <utility>

namespace tfrun::core {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_key_byte(char c) {
  // Every byte of a multi-byte UTF-8 sequence is >= 0x80; accepting them all admits every non-ASCII letter
  // without decoding (and without rejecting a file over a stray Latin-1 byte).
  return static_cast<unsigned char>(c) >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

// A byte as shown inside a message: control bytes would garble the terminal, so they appear as \xNN.
std::string shown(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) {
    return std::string(1, c);
  }
  constexpr std::string_view k_hex = "0123456789abcdef";
  return std::string("\\x") + k_hex[byte >> 4U] + k_hex[byte & 0xFU];
}

std::string normalise(std::string_view text) {
  if (text.starts_with(k_bom)) {
    text.remove_prefix(k_bom.size());
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
      continue;
    }
    out += '\n';
    if (i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    }
  }
  return out;
}

class DotenvParser {
public:
  DotenvParser(std::string_view text, const std::string& file, const EnvLookup& inherited, Diagnostics& diagnostics)
      : m_text(normalise(text)), m_file(file), m_inherited(inherited), m_diagnostics(diagnostics),
        m_interpolator(
            [this](std::string_view name) { return resolve(name); },
            [this](std::size_t offset, std::string message) { report(Severity::error, offset, std::move(message)); }) {
    m_line_starts.push_back(0);
    for (std::size_t i = 0; i < m_text.size(); ++i) {
      if (m_text[i] == '\n') {
        m_line_starts.push_back(i + 1);
      }
    }
  }

  DotenvParser(const DotenvParser&) = delete; // the interpolator's callbacks hold `this`
  DotenvParser& operator=(const DotenvParser&) = delete;

  std::vector<EnvVariable> parse() {
    std::size_t pos = 0;
    while (pos < m_text.size() && !m_aborted) {
      pos = parse_line(pos);
    }
    if (m_aborted) {
      return {};
    }
    return std::move(m_variables);
  }

private:
  // Each parse_* returns where the next line starts (past the end of the text when there is none).
  std::size_t parse_line(std::size_t begin) {
    const std::size_t end = line_end(begin);
    const std::size_t first = skip_blanks(begin, end);
    if (first == end || m_text[first] == '#') {
      return end + 1;
    }
    const std::size_t key_begin = skip_export(first, end);
    std::size_t key_end = key_begin;
    while (key_end < end && is_key_byte(m_text[key_end]) && !bom_at(key_end)) {
      ++key_end;
    }
    const std::size_t after = skip_blanks(key_end, end);
    if (bom_at(key_end)) {
      // U+FEFF is no letter (rule 4): only the one at the very start of the file is skipped (rule 1).
      skip_line(key_end, "invalid character U+FEFF (a byte order mark) in key; only one at the start of the file "
                         "is skipped");
      return end + 1;
    }
    if (key_end == key_begin) {
      const char c = m_text[key_begin];
      skip_line(key_begin, c == '=' || c == ':' ? "empty key" : "invalid character '" + shown(c) + "' in key");
      return end + 1;
    }
    std::string key = m_text.substr(key_begin, key_end - key_begin);
    if (after == end || (after > key_end && m_text[after] == '#')) {
      if (auto value = inherited_value(key)) {
        define(std::move(key), std::move(*value), key_begin);
      }
      return end + 1;
    }
    const char c = m_text[after];
    if (c == '=' || c == ':') {
      return parse_value(std::move(key), key_begin, skip_blanks(after + 1, end), end);
    }
    skip_line(after,
              after > key_end ? "missing '=' after key '" + key + "'" : "invalid character '" + shown(c) + "' in key");
    return end + 1;
  }

  bool bom_at(std::size_t pos) const { return std::string_view(m_text).substr(pos).starts_with(k_bom); }

  // `export` is a prefix only when a key follows it; `export=1` and `export # note` name the key `export`.
  std::size_t skip_export(std::size_t first, std::size_t end) const {
    constexpr std::string_view k_export = "export";
    const std::string_view line(m_text.data() + first, end - first);
    if (!line.starts_with(k_export) || line.size() == k_export.size() || !is_blank(line[k_export.size()])) {
      return first;
    }
    const std::size_t key = skip_blanks(first + k_export.size(), end);
    if (key == end || m_text[key] == '=' || m_text[key] == ':' || m_text[key] == '#') {
      return first;
    }
    return key;
  }

  std::size_t parse_value(std::string key, std::size_t key_offset, std::size_t value, std::size_t end) {
    if (value < end && m_text[value] == '\'') {
      return parse_single_quoted(std::move(key), key_offset, value);
    }
    if (value < end && m_text[value] == '"') {
      return parse_double_quoted(std::move(key), key_offset, value);
    }
    // `value` already follows at least the separator, so looking one byte back is always safe.
    std::size_t cut = value;
    while (cut < end && !(m_text[cut] == '#' && is_blank(m_text[cut - 1]))) {
      ++cut;
    }
    while (cut > value && is_blank(m_text[cut - 1])) {
      --cut;
    }
    ValueBytes cells;
    for (std::size_t k = value; k < cut; ++k) {
      cells.push_back({m_text[k], false, k});
    }
    define(std::move(key), m_interpolator.expand(cells), key_offset);
    return end + 1;
  }

  std::size_t parse_single_quoted(std::string key, std::size_t key_offset, std::size_t quote) {
    std::string value;
    for (std::size_t k = quote + 1; k < m_text.size(); ++k) {
      if (m_text[k] == '\\' && k + 1 < m_text.size() && m_text[k + 1] == '\'') {
        value += '\'';
        ++k;
      } else if (m_text[k] == '\'') {
        define(std::move(key), std::move(value), key_offset);
        return finish_quoted_line(k + 1);
      } else {
        value += m_text[k];
      }
    }
    return abort_unterminated(quote, "unterminated single-quoted value (opened here)");
  }

  std::size_t parse_double_quoted(std::string key, std::size_t key_offset, std::size_t quote) {
    ValueBytes cells;
    std::size_t k = quote + 1;
    while (k < m_text.size()) {
      if (m_text[k] == '"') {
        define(std::move(key), m_interpolator.expand(cells), key_offset);
        return finish_quoted_line(k + 1);
      }
      if (m_text[k] == '\\' && k + 1 < m_text.size()) {
        k = decode_escape(k, cells);
      } else {
        cells.push_back({m_text[k], false, k});
        ++k;
      }
    }
    return abort_unterminated(quote, "unterminated double-quoted value (opened here)");
  }

  // Decodes the escape whose backslash is at `k`; returns the index after it.
  std::size_t decode_escape(std::size_t k, ValueBytes& cells) const {
    const char e = m_text[k + 1];
    constexpr std::string_view k_from = "\"\\nrtabfv";
    constexpr std::string_view k_to = "\"\\\n\r\t\a\b\f\v";
    if (const auto at = k_from.find(e); at != std::string_view::npos) {
      cells.push_back({k_to[at], false, k});
      return k + 2;
    }
    if (e == '$') {
      cells.push_back({'$', true, k});
      return k + 2;
    }
    const auto octal = [&](std::size_t i) { return i < m_text.size() && m_text[i] >= '0' && m_text[i] <= '7'; };
    if (e == '0' && octal(k + 2) && octal(k + 3) && octal(k + 4)) {
      const int code = (m_text[k + 2] - '0') * 64 + (m_text[k + 3] - '0') * 8 + (m_text[k + 4] - '0');
      if (code <= 0xFF) { // \0777 names no byte, so it is kept as written like any unknown escape
        cells.push_back({static_cast<char>(code), false, k});
        return k + 5;
      }
    }
    cells.push_back({'\\', false, k});
    cells.push_back({e, false, k + 1});
    return k + 2;
  }

  std::size_t finish_quoted_line(std::size_t after_quote) {
    const std::size_t end = line_end(after_quote);
    const std::size_t k = skip_blanks(after_quote, end);
    if (k < end && m_text[k] != '#') {
      report(Severity::error, k, "unexpected '" + shown(m_text[k]) + "' after closing quote");
    }
    return end + 1;
  }

  std::size_t abort_unterminated(std::size_t quote, std::string message) {
    report(Severity::error, quote, std::move(message));
    m_aborted = true;
    return m_text.size();
  }

  void skip_line(std::size_t offset, const std::string& reason) {
    report(Severity::warning, offset, "skipped line: " + reason);
  }

  void define(std::string key, std::string value, std::size_t offset) {
    const int line = line_index(offset) + 1;
    const auto [it, inserted] = m_positions.try_emplace(key, m_variables.size());
    if (inserted) {
      m_variables.push_back({std::move(key), std::move(value), line});
      return;
    }
    EnvVariable& variable = m_variables[it->second];
    variable.value = std::move(value);
    variable.line = line;
  }

  std::optional<std::string> inherited_value(std::string_view name) const {
    return m_inherited ? m_inherited(name) : std::nullopt;
  }

  // Rule 15: the inherited environment first, then keys defined earlier in this file.
  std::optional<std::string> resolve(std::string_view name) const {
    if (auto value = inherited_value(name)) {
      return value;
    }
    const auto it = m_positions.find(std::string(name));
    if (it == m_positions.end()) {
      return std::nullopt;
    }
    return m_variables[it->second].value;
  }

  void report(Severity severity, std::size_t offset, std::string message) {
    const int index = line_index(offset);
    const std::size_t begin = m_line_starts[static_cast<std::size_t>(index)];
    Diagnostic diagnostic{severity,           m_file,
                          index + 1,          static_cast<int>(offset - begin) + 1,
                          std::move(message), m_text.substr(begin, line_end(begin) - begin)};
    m_diagnostics.add(std::move(diagnostic));
  }

  int line_index(std::size_t offset) const {
    const auto after = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    return static_cast<int>(after - m_line_starts.begin()) - 1;
  }

  std::size_t line_end(std::size_t from) const {
    const std::size_t nl = m_text.find('\n', from);
    return nl == std::string::npos ? m_text.size() : nl;
  }

  std::size_t skip_blanks(std::size_t from, std::size_t end) const {
    while (from < end && is_blank(m_text[from])) {
      ++from;
    }
    return from;
  }

  std::string m_text; // BOM removed, every line ending a single LF
  std::vector<std::size_t> m_line_starts;
  const std::string& m_file;
  const EnvLookup& m_inherited;
  Diagnostics& m_diagnostics;
  Interpolator m_interpolator;
  std::vector<EnvVariable> m_variables;
  std::unordered_map<std::string, std::size_t> m_positions; // key -> index in m_variables
  bool m_aborted = false;
};

} // namespace

std::vector<EnvVariable> parse_dotenv(std::string_view text, const std::string& file, const EnvLookup& inherited,
                                      Diagnostics& diagnostics) {
  DotenvParser parser(text, file, inherited, diagnostics);
  return parser.parse();
}

} // namespace tfrun::core
