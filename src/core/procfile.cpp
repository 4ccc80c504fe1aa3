// SPDX-License-Identifier: MIT
#include <tfrun/core/procfile.hpp>

#include <algorithm>
#include <optional>

namespace tfrun::core {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Splits into lines at LF, CRLF or a lone CR (docs/formats.md, Procfile): no CR reaches a command.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
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

std::vector<std::string> Procfile::types() const {
  std::vector<std::string> out;
  for (const auto& entry : entries) {
    if (std::find(out.begin(), out.end(), entry.name) == out.end()) {
      out.push_back(entry.name);
    }
  }
  return out;
}

std::string Procfile::type_list() const {
  std::string out;
  for (const auto& type : types()) {
    out += (out.empty() ? "" : ", ") + type;
  }
  return out;
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
    if (const auto first = procfile.find(name)) {
      // foreman runs both (docs/formats.md, a name written twice); the warning says so, `check --strict` refuses it.
      diagnostics.warning(file, line_number, column,
                          "duplicate process name '" + name + "' (also on line " + std::to_string(first->line) +
                              "): both entries run, instances numbered across both in file order",
                          std::string(lines[i]));
    }
    procfile.entries.push_back({name, std::string(parsed->command), line_number});
  }
  if (procfile.entries.empty()) {
    diagnostics.error(file, 0, 0, "no process entries (expected lines like 'web: bundle exec puma')");
  }
  return procfile;
}

} // namespace tfrun::core
