// SPDX-License-Identifier: MIT
// tfrun.toml top-level keys, and the value checks every key shares. [process.NAME] is in settings_process.cpp.
#include <tfrun/core/settings.hpp>
#include <tfrun/core/settings_reader.hpp>

#include <algorithm>
#include <array>
#include <tuple>

namespace tfrun::core {

namespace settings_detail {

namespace {

constexpr std::string_view k_duration_expected = R"(a duration (seconds, or a string like "500ms", "5s", "1m"))";

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// toml++ counts columns in code points; Diagnostic and the caret under the line count bytes.
int byte_column(std::string_view line, int column) {
  std::size_t pos = 0;
  int steps = 1;
  for (; steps < column && pos < line.size(); ++steps) {
    ++pos;
    while (pos < line.size() && is_continuation_byte(line[pos])) {
      ++pos;
    }
  }
  return static_cast<int>(pos) + 1 + (column - steps);
}

// toml++'s descriptions start with a capital ("Error while parsing ..."); tfrun's messages are lowercase.
std::string lowercase_first(std::string_view text) {
  std::string out(text);
  const bool acronym = out.size() > 1 && out[1] >= 'A' && out[1] <= 'Z';
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z' && !acronym) {
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  }
  return out;
}

// toml++ 3.3 reaches __builtin_unreachable (undefined behaviour; UBSan reports it) when it tests certain
// non-ASCII characters for whitespace: outside strings (marzer/tomlplusplus#295) and after a backslash in a
// """string""", even after blanks and a line break (#190). TOML 1.0 allows non-ASCII only inside strings and
// comments, so finding it elsewhere first gives an error toml++ would have given anyway, without running that
// code; only the rare valid case after a line-ending backslash is refused for toml++'s sake.
constexpr std::string_view k_stray_byte = "non-ASCII character outside a string or comment";
constexpr std::string_view k_after_backslash =
    "non-ASCII character after a backslash in a multi-line string (toml++ 3.3 cannot read it; write it as "
    "\\uXXXX)";

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

// In a multi-line basic string, toml++ skips the blanks after a backslash, and also the line break and
// the blanks after it; returns the offset of the first character after those.
std::size_t after_backslash(std::string_view text, std::size_t pos) {
  std::size_t after = text.find_first_not_of(" \t", pos);
  if (after != std::string_view::npos && (text[after] == '\n' || text[after] == '\r')) {
    after = text.find_first_not_of(" \t\r\n", after);
  }
  return after == std::string_view::npos ? text.size() : after;
}

// `pos` is at an opening quote; returns the offset after the string, or text.size() with `stray` set.
std::size_t skip_string(std::string_view text, std::size_t pos, std::optional<std::size_t>& stray) {
  const char quote = text[pos];
  const bool multi_line = text.substr(pos, 3) == std::string(3, quote);
  pos += multi_line ? 3 : 1;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == quote && (!multi_line || text.substr(pos, 3) == std::string(3, quote))) {
      // Up to two quotes may precede the closing three; the whole run ends the string.
      const std::size_t end = text.find_first_not_of(quote, pos);
      return multi_line ? (end == std::string_view::npos ? text.size() : end) : pos + 1;
    }
    if (c == '\n' && !multi_line) {
      return pos; // unterminated; toml++ reports it
    }
    if (c == '\\' && quote == '"') {
      if (multi_line) {
        const std::size_t after = after_backslash(text, pos + 1);
        if (after < text.size() && !is_ascii(text[after])) {
          stray = after;
          return text.size();
        }
      }
      ++pos; // the escaped character, which may be a quote
    }
    ++pos;
  }
  return pos;
}

struct StrayByte {
  std::size_t offset;
  std::string_view message;
};

std::optional<StrayByte> find_stray_byte(std::string_view text) {
  // A quote starts a string only where TOML allows one (a key or a value); elsewhere toml++ reads on through it
  // as part of a bare token, so the scan must too.
  constexpr std::string_view k_before_string = "=[,{.\n";
  char previous = '\n';
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '#') {
      pos = std::min(text.find('\n', pos), text.size());
    } else if ((c == '"' || c == '\'') && k_before_string.find(previous) != std::string_view::npos) {
      std::optional<std::size_t> stray;
      pos = skip_string(text, pos, stray);
      if (stray) {
        return StrayByte{*stray, k_after_backslash};
      }
      previous = c;
    } else if (!is_ascii(c)) {
      return StrayByte{pos, k_stray_byte};
    } else {
      previous = c == ' ' || c == '\t' || c == '\r' ? previous : c;
      ++pos;
    }
  }
  return std::nullopt;
}

Position position_of_offset(std::string_view text, std::size_t offset) {
  const std::string_view before = text.substr(0, offset);
  const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  return {line, static_cast<int>(offset - line_start) + 1};
}

} // namespace

Position SettingsReader::position_of(const toml::source_region& where) const {
  const int line = std::max(1, static_cast<int>(where.begin.line));
  const std::string whole_line = line_of(m_text, line);
  std::string_view text = whole_line;
  int skipped = 0;
  // A byte order mark is not a column for toml++.
  if (line == 1 && text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
    skipped = 3;
  }
  const int column = static_cast<int>(where.begin.column);
  return {line, column > 0 ? skipped + byte_column(text, column) : 0};
}

void SettingsReader::error_at(const toml::source_region& where, std::string message) {
  error_at(position_of(where), std::move(message));
}

void SettingsReader::error_at(Position at, std::string message) {
  m_found.push_back({Severity::error, m_file, at.line, at.column, std::move(message), line_of(m_text, at.line)});
}

void SettingsReader::flush_into(Diagnostics& diagnostics) {
  std::stable_sort(m_found.begin(), m_found.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  for (auto& found : m_found) {
    diagnostics.add(std::move(found));
  }
  m_found.clear();
}

std::optional<std::string> SettingsReader::string(const toml::node& node, std::string_view key) {
  if (const auto* value = node.as_string()) {
    return value->get();
  }
  error_at(node, quote(key) + " must be a string, not " + describe_value(node));
  return std::nullopt;
}

std::optional<std::string> SettingsReader::non_empty_string(const toml::node& node, std::string_view key) {
  auto value = string(node, key);
  if (value && value->empty()) {
    error_at(node, quote(key) + " must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> SettingsReader::boolean(const toml::node& node, std::string_view key) {
  if (const auto* value = node.as_boolean()) {
    return value->get();
  }
  error_at(node, quote(key) + " must be true or false, not " + describe_value(node));
  return std::nullopt;
}

std::optional<Duration> SettingsReader::duration(const toml::node& node, std::string_view key) {
  std::optional<Duration> result;
  if (const auto* text = node.as_string()) {
    result = parse_duration(text->get());
  } else if (const auto* integer = node.as_integer()) {
    result = duration_from_seconds(static_cast<double>(integer->get()));
  } else if (const auto* floating = node.as_floating_point()) {
    result = duration_from_seconds(floating->get());
  }
  if (!result) {
    error_at(node, quote(key) + " must be " + std::string(k_duration_expected) + ", not " + describe_value(node));
  }
  return result;
}

std::optional<int> SettingsReader::integer(const toml::node& node, std::string_view key, int min, int max,
                                           std::string_view expected) {
  if (const auto* value = node.as_integer(); value && value->get() >= min && value->get() <= max) {
    return static_cast<int>(value->get());
  }
  error_at(node, quote(key) + " must be " + std::string(expected) + ", not " + describe_value(node));
  return std::nullopt;
}

std::optional<int> SettingsReader::port(const toml::node& node, std::string_view key) {
  return integer(node, key, 1, 65535, "an integer from 1 to 65535");
}

std::optional<std::size_t> SettingsReader::one_of(const toml::node& node, std::string_view key,
                                                  std::initializer_list<std::string_view> choices) {
  if (const auto* value = node.as_string()) {
    const auto found = std::find(choices.begin(), choices.end(), value->get());
    if (found != choices.end()) {
      return static_cast<std::size_t>(found - choices.begin());
    }
  }
  std::string listed;
  for (const auto choice : choices) {
    listed += (listed.empty() ? "\"" : ", \"") + std::string(choice) + '"';
  }
  error_at(node, quote(key) + " must be one of " + listed + ", not " + describe_value(node));
  return std::nullopt;
}

std::optional<std::vector<std::string>> SettingsReader::strings(const toml::node& node, std::string_view key) {
  if (const auto* single = node.as_string()) {
    return std::vector<std::string>{single->get()};
  }
  const auto* array = node.as_array();
  if (array == nullptr) {
    error_at(node, quote(key) + " must be a string or an array of strings, not " + describe_value(node));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      error_at(element, "each element of " + quote(key) + " must be a string, not " + describe_value(element));
      ok = false;
    } else if (text->get().empty()) {
      error_at(element, quote(key) + " must not contain an empty string");
      ok = false;
    } else {
      out.push_back(text->get());
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

void SettingsReader::unknown_key(const toml::key& key, std::string_view where, std::string_view known) {
  error_at(key.source(),
           "unknown key " + quote(key.str()) + std::string(where) + " (known keys: " + std::string(known) + ")");
}

} // namespace settings_detail

namespace {

using settings_detail::describe_value;
using settings_detail::quote;
using settings_detail::SettingsReader;

void read_processes(SettingsReader& reader, FileSettings& settings, const toml::node& node) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    reader.error_at(node, "'process' must be a table of [process.NAME] tables, not " + describe_value(node));
    return;
  }
  for (const auto& [name, value] : *table) {
    const bool valid_name = settings_detail::is_process_name(name.str());
    if (!valid_name) {
      reader.error_at(name.source(),
                      "invalid process name " + quote(name.str()) + " (use letters, digits, '_' and '-')");
    }
    const auto* process = value.as_table();
    if (process == nullptr) {
      reader.error_at(value,
                      quote("process." + std::string(name.str())) + " must be a table, not " + describe_value(value));
      continue;
    }
    // An invalid name is still read, so the problems inside it are reported in the same run.
    auto read = settings_detail::read_process(reader, name, *process);
    if (valid_name) {
      settings.processes.push_back(std::move(read));
    }
  }
  std::stable_sort(settings.processes.begin(), settings.processes.end(),
                   [](const ProcessSettings& a, const ProcessSettings& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
}

using ReadTopLevel = void (*)(SettingsReader&, FileSettings&, const toml::node&);

struct TopLevelKey {
  std::string_view name;
  ReadTopLevel read;
};

// One row per key, in the order the "known keys" list shows them.
constexpr std::array k_top_level_keys{
    TopLevelKey{"procfile", [](SettingsReader& r, FileSettings& s,
                               const toml::node& n) { s.procfile = r.non_empty_string(n, "procfile"); }},
    TopLevelKey{"env",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) {
                  if (auto files = r.strings(n, "env")) {
                    s.env_files = std::move(*files);
                    s.has_env_files = true;
                  }
                }},
    TopLevelKey{"port", [](SettingsReader& r, FileSettings& s, const toml::node& n) { s.port = r.port(n, "port"); }},
    TopLevelKey{"timeout",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) { s.timeout = r.duration(n, "timeout"); }},
    TopLevelKey{"formation",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) {
                  if (auto specs = r.strings(n, "formation")) {
                    s.formation = std::move(*specs);
                  }
                }},
    TopLevelKey{"color",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) {
                  if (r.one_of(n, "color", {"auto", "always", "never"})) {
                    s.color = n.as_string()->get();
                  }
                }},
    TopLevelKey{"timestamp", [](SettingsReader& r, FileSettings& s,
                                const toml::node& n) { s.timestamp = r.boolean(n, "timestamp"); }},
    TopLevelKey{"prefix",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) { s.prefix = r.boolean(n, "prefix"); }},
    TopLevelKey{"log_format",
                [](SettingsReader& r, FileSettings& s, const toml::node& n) {
                  if (r.one_of(n, "log_format", {"text", "json"})) {
                    s.log_format = n.as_string()->get();
                  }
                }},
    TopLevelKey{"quiet_period", [](SettingsReader& r, FileSettings& s,
                                   const toml::node& n) { s.quiet_period = r.duration(n, "quiet_period"); }},
    TopLevelKey{"terminal_hints", [](SettingsReader& r, FileSettings& s,
                                     const toml::node& n) { s.terminal_hints = r.boolean(n, "terminal_hints"); }},
    TopLevelKey{"pty", [](SettingsReader& r, FileSettings& s, const toml::node& n) { s.pty = r.boolean(n, "pty"); }},
    TopLevelKey{"process", read_processes},
};

std::string known_top_level_keys() {
  std::string out;
  for (const auto& key : k_top_level_keys) {
    out += (out.empty() ? "" : ", ") + std::string(key.name);
  }
  return out;
}

} // namespace

FileSettings parse_settings(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  FileSettings settings;
  SettingsReader reader(text, file);
  if (const auto stray = settings_detail::find_stray_byte(text)) {
    reader.error_at(settings_detail::position_of_offset(text, stray->offset), std::string(stray->message));
    reader.flush_into(diagnostics);
    return settings;
  }
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    // toml++ stops at the first syntax error, so there is only ever one of these.
    reader.error_at(error.source(), settings_detail::lowercase_first(error.description()));
    reader.flush_into(diagnostics);
    return settings;
  }
  for (const auto& [key, node] : root) {
    const auto row = std::find_if(k_top_level_keys.begin(), k_top_level_keys.end(),
                                  [&key = key](const TopLevelKey& candidate) { return candidate.name == key.str(); });
    if (row == k_top_level_keys.end()) {
      reader.unknown_key(key, "", known_top_level_keys());
    } else {
      row->read(reader, settings, node);
    }
  }
  reader.flush_into(diagnostics);
  return settings;
}

} // namespace tfrun::core
