// SPDX-License-Identifier: MIT
#include <tfrun/core/dotenv_json.hpp>

#include <algorithm>
#include <cstdint>

namespace tfrun::core {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr int k_max_depth = 64; // deeper than any env file; stops a hostile file from exhausting the stack

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
  return text;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

struct JsonError {
  std::size_t offset;
  std::string message;
};

// A recursive-descent reader that flattens as it goes: each scalar becomes one variable named by its path.
class JsonEnvReader {
public:
  explicit JsonEnvReader(std::string_view text) : m_text(text) {}

  std::vector<EnvVariable> read() {
    skip_space();
    if (peek() != '{') {
      fail("a JSON env file must be one object");
    }
    value("", 0);
    skip_space();
    if (m_pos != m_text.size()) {
      fail("unexpected text after the object");
    }
    return std::move(m_variables);
  }

  // Keys that name no variable, skipped: warnings.
  [[nodiscard]] const std::vector<JsonError>& skipped() const { return m_skipped; }

private:
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  [[noreturn]] void fail(std::string message) const { throw JsonError{m_pos, std::move(message)}; }

  void skip_space() {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) {
      ++m_pos;
    }
  }

  void expect(char c) {
    skip_space();
    if (peek() != c) {
      fail(std::string("'") + c + "' expected");
    }
    ++m_pos;
  }

  void value(const std::string& path, int depth) {
    skip_space();
    if (depth > k_max_depth) {
      fail("nested too deeply");
    }
    const std::size_t start = m_pos;
    switch (peek()) {
    case '{': object(path, depth); return;
    case '[': array(path, depth); return;
    case '"': define(path, string(), start); return;
    default: define(path, scalar(), start); return;
    }
  }

  void object(const std::string& path, int depth) {
    ++m_pos;
    skip_space();
    if (peek() == '}') {
      ++m_pos;
      return;
    }
    while (true) {
      skip_space();
      if (peek() != '"') {
        fail("a key in double quotes expected");
      }
      const std::string key = string();
      expect(':');
      value(path.empty() ? key : path + "_" + key, depth + 1);
      skip_space();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      expect('}');
      return;
    }
  }

  void array(const std::string& path, int depth) {
    ++m_pos;
    skip_space();
    if (peek() == ']') {
      ++m_pos;
      return;
    }
    for (int index = 0;; ++index) {
      value(path + "_" + std::to_string(index), depth + 1);
      skip_space();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      expect(']');
      return;
    }
  }

  std::string scalar() {
    for (const std::string_view word : {"true", "false"}) {
      if (m_text.substr(m_pos).starts_with(word)) {
        m_pos += word.size();
        return std::string(word);
      }
    }
    if (m_text.substr(m_pos).starts_with("null")) {
      m_pos += 4;
      return {};
    }
    const std::size_t start = m_pos;
    if (peek() == '-') {
      ++m_pos;
    }
    const auto digits = [&] {
      const std::size_t from = m_pos;
      while (peek() >= '0' && peek() <= '9') {
        ++m_pos;
      }
      return m_pos > from;
    };
    bool ok = digits();
    if (ok && peek() == '.') {
      ++m_pos;
      ok = digits();
    }
    if (ok && (peek() == 'e' || peek() == 'E')) {
      ++m_pos;
      if (peek() == '+' || peek() == '-') {
        ++m_pos;
      }
      ok = digits();
    }
    if (!ok) {
      m_pos = start;
      fail("a value (string, number, true, false, null, object or array) expected");
    }
    return std::string(m_text.substr(start, m_pos - start));
  }

  std::uint32_t hex4() {
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i, ++m_pos) {
      const char c = peek();
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) {
        fail("four hex digits expected after \\u");
      }
      code = code * 16 + static_cast<std::uint32_t>(digit);
    }
    return code;
  }

  std::string string() {
    ++m_pos; // the opening quote
    std::string out;
    while (true) {
      if (m_pos >= m_text.size()) {
        fail("unterminated string");
      }
      const char c = m_text[m_pos];
      if (c == '"') {
        ++m_pos;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        fail("a control character in a string must be escaped");
      }
      if (c != '\\') {
        out += c;
        ++m_pos;
        continue;
      }
      ++m_pos;
      escape(out);
    }
  }

  void escape(std::string& out) {
    const char c = peek();
    constexpr std::string_view k_from = "\"\\/bfnrt";
    constexpr std::string_view k_to = "\"\\/\b\f\n\r\t";
    if (const auto at = k_from.find(c); c != '\0' && at != std::string_view::npos) {
      out += k_to[at];
      ++m_pos;
      return;
    }
    if (c != 'u') {
      fail("unknown escape in a string");
    }
    ++m_pos;
    std::uint32_t code = hex4();
    if (code >= 0xD800 && code < 0xDC00 && m_text.substr(m_pos).starts_with("\\u")) {
      m_pos += 2;
      const std::uint32_t low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        fail("a high surrogate must be followed by a low one");
      }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    } else if (code >= 0xD800 && code < 0xE000) {
      fail("an unpaired surrogate");
    }
    append_utf8(out, code);
  }

  void define(const std::string& path, std::string value, std::size_t offset) {
    auto key = upper(path);
    if (key.empty() || key.find_first_of(std::string_view("=\0", 2)) != std::string::npos) {
      std::replace(key.begin(), key.end(), '\0', '?'); // the message stays text
      m_skipped.push_back({offset, "key '" + key + "' cannot name a variable (empty, or with '=' or NUL); skipped"});
      return;
    }
    const int line = line_at(offset);
    const auto same = std::find_if(m_variables.begin(), m_variables.end(),
                                   [&](const EnvVariable& variable) { return variable.key == key; });
    if (same != m_variables.end()) {
      same->value = std::move(value); // {"a_b":1,"a":{"b":2}}: the later one wins, as in a .env file
      same->line = line;
      return;
    }
    m_variables.push_back({std::move(key), std::move(value), line});
  }

  // Values come in file order, so the line count goes on from the previous one instead of from the start.
  int line_at(std::size_t offset) {
    for (; m_counted_to < offset; ++m_counted_to) {
      m_line += m_text[m_counted_to] == '\n' ? 1 : 0;
    }
    return m_line;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  std::size_t m_counted_to = 0;
  int m_line = 1;
  std::vector<EnvVariable> m_variables;
  std::vector<JsonError> m_skipped;
};

void report(Diagnostics& diagnostics, Severity severity, std::string_view text, const std::string& file,
            const JsonError& problem) {
  const auto before = text.substr(0, std::min(problem.offset, text.size()));
  const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
  const auto line_start = before.rfind('\n');
  const auto column = static_cast<int>(before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
  diagnostics.add({severity, file, line, column, problem.message, line_of(text, line)});
}

} // namespace

bool looks_like_json_env(std::string_view text) {
  if (text.starts_with(k_bom)) {
    text.remove_prefix(k_bom.size());
  }
  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  return first != text.end() && *first == '{';
}

std::vector<EnvVariable> parse_json_env(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (text.starts_with(k_bom)) {
    text.remove_prefix(k_bom.size());
  }
  JsonEnvReader reader(text);
  try {
    auto variables = reader.read();
    for (const auto& skipped : reader.skipped()) {
      report(diagnostics, Severity::warning, text, file, skipped);
    }
    return variables;
  } catch (JsonError& error) {
    error.message = "invalid JSON env file: " + error.message;
    report(diagnostics, Severity::error, text, file, error);
    return {};
  }
}

} // namespace tfrun::core
