// SPDX-License-Identifier: MIT
// Private to src/core/settings*.cpp: the value checks shared by the top-level and the [process.NAME] keys.
// It includes toml++, which tfrun_core links privately, so nothing outside those files may include it.
#pragma once

#include <tfrun/core/settings.hpp>

// toml++ 3.3 asserts wrongly in parse_key: a table header starting with a character that cannot start a key
// ("[,]", "[=") aborts a build with assertions instead of reaching the parse_error right after the assertion.
// Debian's libtomlplusplus is built without assertions and reports the error; this makes a header-only debug
// build (as in quick test builds) behave the same. Only the settings sources include toml++, all through here.
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core::settings_detail {

struct Position {
  int line = 0;
  int column = 0; // in bytes, as Diagnostic wants; toml++ counts code points
};

// Knows the file text (for source lines and byte columns) and collects every problem found.
class SettingsReader {
public:
  SettingsReader(std::string_view text, const std::string& file) : m_text(text), m_file(file) {}

  [[nodiscard]] Position position_of(const toml::source_region& where) const;
  void error_at(Position at, std::string message);
  void error_at(const toml::source_region& where, std::string message);
  void error_at(const toml::node& node, std::string message) { error_at(node.source(), std::move(message)); }
  // Sorted by position so the report reads top to bottom although toml::table iterates by key.
  void flush_into(Diagnostics& diagnostics);

  // Each reads one value and reports a wrong type or a bad value at the value's position.
  [[nodiscard]] std::optional<std::string> string(const toml::node& node, std::string_view key);
  [[nodiscard]] std::optional<std::string> non_empty_string(const toml::node& node, std::string_view key);
  [[nodiscard]] std::optional<bool> boolean(const toml::node& node, std::string_view key);
  [[nodiscard]] std::optional<Duration> duration(const toml::node& node, std::string_view key);
  [[nodiscard]] std::optional<int> port(const toml::node& node, std::string_view key);
  // `expected` completes "'KEY' must be ...", e.g. "an integer from 1 to 65535".
  [[nodiscard]] std::optional<int> integer(const toml::node& node, std::string_view key, int min, int max,
                                           std::string_view expected);
  // The index of the matching choice.
  [[nodiscard]] std::optional<std::size_t> one_of(const toml::node& node, std::string_view key,
                                                  std::initializer_list<std::string_view> choices);
  // One string or an array of strings, as `env` and `formation` take them.
  [[nodiscard]] std::optional<std::vector<std::string>> strings(const toml::node& node, std::string_view key);

  // `where` is "" at the top level, else e.g. " in [process.web]"; `known` is already joined.
  void unknown_key(const toml::key& key, std::string_view where, std::string_view known);

private:
  std::string_view m_text;
  const std::string& m_file;
  std::vector<Diagnostic> m_found;
};

// A user's text for a message: single-quoted, control characters escaped, very long text shortened.
[[nodiscard]] std::string quote(std::string_view text);
// How a value is shown after "not": scalars quoted as TOML writes them (strings bare), containers by kind.
[[nodiscard]] std::string describe_value(const toml::node& node);
// The text an env value of any scalar type stands for; nullopt for arrays, tables, dates and times.
[[nodiscard]] std::optional<std::string> scalar_text(const toml::node& node);
[[nodiscard]] bool is_process_name(std::string_view name);

// Reads one [process.NAME] table (settings_process.cpp). `name` locates it when the table is inline.
[[nodiscard]] ProcessSettings read_process(SettingsReader& reader, const toml::key& name, const toml::table& table);

} // namespace tfrun::core::settings_detail
