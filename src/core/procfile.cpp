// SPDX-License-Identifier: MIT
#include <tfrun/core/procfile.hpp>

#include <map>
#include <optional>

namespace tfrun::core {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Splits into lines at LF, dropping one CR before each LF (FORMATS.md Procfile rule 1).
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) {
      end = text.size();
    }
    auto line = text.substr(start, end - start);
    if (!last && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

struct ParsedLine {
  std::string_view name;
  std::string_view command;
};

// nullopt: the line is not an entry. `why` says what is wrong when it is not a comment or blank.
std::optional<ParsedLine> parse_entry(std::string_view line, std::string& why, std::size_t& where) {
  std::size_t pos = 0;
  while (pos < line.size() && is_blank(line[pos])) {
    ++pos;
  }
  if (pos == line.size() || line[pos] == '#') {
    return std::nullopt;
  }
  const std::size_t name_start = pos;
  while (pos < line.size() && is_name_char(line[pos])) {
    ++pos;
  }
  where = pos;
  if (pos == line.size() || line[pos] != ':') {
    why = pos == name_start ? "not an entry: a process name ([A-Za-z0-9_-]) was expected"
                            : "not an entry: ':' was expected after the process name";
    if (pos < line.size() && pos > name_start) {
      // Quote the whole UTF-8 sequence: half a character would make the message invalid text.
      std::size_t end = pos + 1;
      while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) {
        ++end;
      }
      why = "not an entry: invalid character '" + std::string(line.substr(pos, end - pos)) + "' in process name";
    }
    return std::nullopt;
  }
  if (pos == name_start) {
    why = "not an entry: the process name is empty";
    return std::nullopt;
  }
  const auto name = line.substr(name_start, pos - name_start);
  ++pos;
  while (pos < line.size() && is_blank(line[pos])) {
    ++pos;
  }
  if (pos == line.size()) {
    where = pos;
    why = "not an entry: process '" + std::string(name) + "' has no command";
    return std::nullopt;
  }
  return ParsedLine{name, line.substr(pos)};
}

} // namespace

const ProcfileEntry* Procfile::find(std::string_view name) const {
  for (const auto& entry : entries) {
    if (entry.name == name) {
      return &entry;
    }
  }
  return nullptr;
}

std::vector<std::string> Procfile::names() const {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const auto& entry : entries) {
    out.push_back(entry.name);
  }
  return out;
}

Procfile parse_procfile(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (text.starts_with(k_bom)) {
    text.remove_prefix(k_bom.size());
  }
  Procfile procfile;
  std::map<std::string, int, std::less<>> first_line_of;
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_number = static_cast<int>(i) + 1;
    std::string why;
    std::size_t where = 0;
    const auto parsed = parse_entry(lines[i], why, where);
    if (!parsed) {
      if (!why.empty()) {
        diagnostics.warning(file, line_number, static_cast<int>(where) + 1, why + "; line ignored",
                            std::string(lines[i]));
      }
      continue;
    }
    const std::string name(parsed->name);
    const int column = static_cast<int>(lines[i].find(parsed->name)) + 1;
    if (const auto seen = first_line_of.find(name); seen != first_line_of.end()) {
      diagnostics.error(file, line_number, column,
                        "duplicate process name '" + name + "' (first defined on line " + std::to_string(seen->second) +
                            ")",
                        std::string(lines[i]));
      const auto first_line = lines[static_cast<std::size_t>(seen->second - 1)];
      diagnostics.error(file, seen->second, static_cast<int>(first_line.find(parsed->name)) + 1,
                        "process '" + name + "' is defined again on line " + std::to_string(line_number),
                        std::string(first_line));
      continue;
    }
    first_line_of.emplace(name, line_number);
    procfile.entries.push_back({name, std::string(parsed->command), line_number});
  }
  if (procfile.entries.empty() && !diagnostics.has_errors()) {
    diagnostics.error(file, 0, 0, "no process entries (expected lines like 'web: bundle exec puma')");
  }
  return procfile;
}

} // namespace tfrun::core
