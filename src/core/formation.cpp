// SPDX-License-Identifier: MIT
#include <tfrun/core/formation.hpp>

#include <charconv>

namespace tfrun::core {
namespace {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_type_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

int parse_count(std::string_view item, std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || text.front() == '-' || text.front() == '+') {
    throw FormationError("invalid formation item '" + std::string(item) +
                         "': the count must be a non-negative whole number");
  }
  return value;
}

void apply_item(Formation& formation, std::string_view item) {
  const auto eq = item.find('=');
  const auto name = trim_blanks(item.substr(0, eq));
  if (!is_type_name(name)) {
    throw FormationError("invalid formation item '" + std::string(item) + "': expected NAME=COUNT, all=COUNT or NAME");
  }
  if (eq == std::string_view::npos) {
    formation.bare_names = true;
    formation.counts[std::string(name)] = 1;
    return;
  }
  const int count = parse_count(item, trim_blanks(item.substr(eq + 1)));
  if (name == "all") {
    formation.all = count;
  } else {
    formation.counts[std::string(name)] = count;
  }
}

} // namespace

Formation parse_formation(const std::vector<std::string>& specs) {
  Formation formation;
  for (const auto& spec : specs) {
    std::string_view rest = spec;
    while (true) {
      const auto comma = rest.find(',');
      const auto item = trim_blanks(rest.substr(0, comma));
      if (item.empty()) {
        throw FormationError("invalid formation '" + spec + "': empty item");
      }
      apply_item(formation, item);
      if (comma == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(comma + 1);
    }
  }
  return formation;
}

int count_for(const Formation& formation, const std::string& type) {
  if (const auto it = formation.counts.find(type); it != formation.counts.end()) {
    return it->second;
  }
  if (formation.all) {
    return *formation.all;
  }
  return formation.bare_names || !formation.counts.empty() ? 0 : 1;
}

int port_for(int base_port, std::size_t type_index, int number) {
  return base_port + k_port_block * static_cast<int>(type_index) + (number - 1);
}

std::vector<Instance> expand_formation(const Procfile& procfile, const Formation& formation, int base_port) {
  for (const auto& [name, count] : formation.counts) {
    if (procfile.find(name) == nullptr) {
      throw FormationError("formation names unknown process type '" + name + "' (known types: " + procfile.type_list() +
                           ")");
    }
  }
  std::vector<Instance> instances;
  std::map<std::string, int, std::less<>> numbered; // instances of each name so far, across its entries
  for (std::size_t index = 0; index < procfile.entries.size(); ++index) {
    const auto& entry = procfile.entries[index];
    const int count = count_for(formation, entry.name);
    for (int ordinal = 1; ordinal <= count; ++ordinal) {
      // The port follows the entry (foreman's position rule); the number follows the name, so a name written
      // twice still gives every instance a name of its own (docs/formats.md, a name written twice).
      const int number = ++numbered[entry.name];
      const int port = port_for(base_port, index, ordinal);
      const std::string name = entry.name + "." + std::to_string(number);
      if (port > 65535) {
        throw FormationError("port " + std::to_string(port) + " for " + name +
                             " is above 65535: choose a lower base port");
      }
      instances.push_back({entry.name, number, name, port, entry.command, index});
    }
  }
  return instances;
}

std::optional<int> parse_port(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 65535) {
    return std::nullopt;
  }
  return value;
}

} // namespace tfrun::core
