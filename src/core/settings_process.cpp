// SPDX-License-Identifier: MIT
// The [process.NAME] tables of tfrun.toml: per-type stop, restart and readiness policy (docs/lifecycle.md),
// and how values are shown in messages.
#include <tfrun/core/line_pattern.hpp>
#include <tfrun/core/settings_reader.hpp>
#include <tfrun/core/signals.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <sstream>
#include <tuple>

namespace tfrun::core::settings_detail {

namespace {

// Enough to recognise a value in a message without one huge line drowning the report.
constexpr std::size_t k_max_quoted_bytes = 60;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string format_float(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  // TOML floats always show they are floats: 3.0, not 3.
  if (text.find_first_of(".eni") == std::string::npos) {
    text += ".0";
  }
  return text;
}

constexpr std::string_view k_ready_forms =
    R"("port", "notify", a port number, or a table with one of port, log, command or notify)";
constexpr std::string_view k_ready_kinds = "port, log, command or notify";

std::optional<int> read_signal(SettingsReader& reader, const toml::node& node) {
  std::optional<std::string> text;
  if (const auto* name = node.as_string()) {
    text = name->get();
  } else if (const auto* number = node.as_integer()) {
    text = std::to_string(number->get());
  } else {
    reader.error_at(node, "'stop_signal' must be a signal name or number, not " + describe_value(node));
    return std::nullopt;
  }
  const auto signal = parse_signal(*text);
  if (!signal) {
    reader.error_at(node, "unknown signal " + quote(*text));
  }
  return signal;
}

std::optional<std::string> read_regex(SettingsReader& reader, const toml::node& node) {
  auto pattern = reader.non_empty_string(node, "log");
  if (!pattern) {
    return std::nullopt;
  }
  // Compiled here only to find mistakes while line and column are known; the runtime compiles its own.
  if (const auto error = LinePattern::error_in(*pattern)) {
    reader.error_at(node, "invalid regular expression " + quote(*pattern) + " in 'log': " + *error);
    return std::nullopt;
  }
  return pattern;
}

void read_ready_port(SettingsReader& reader, const toml::node& node, ReadyCheck& ready) {
  if (const auto* text = node.as_string(); text && text->get() == "self") {
    ready.kind = ReadyCheck::Kind::own_port;
  } else if (const auto* number = node.as_integer(); number && number->get() >= 1 && number->get() <= 65535) {
    ready.kind = ReadyCheck::Kind::tcp_port;
    ready.port = static_cast<int>(number->get());
  } else {
    reader.error_at(node, R"('port' must be an integer from 1 to 65535 or "self", not )" + describe_value(node));
  }
}

// Returns whether `key` is one of the ways to check readiness, so the caller can insist on exactly one.
bool read_ready_key(SettingsReader& reader, const toml::key& key, const toml::node& node, ReadyCheck& ready) {
  const std::string_view name = key.str();
  if (name == "port") {
    read_ready_port(reader, node, ready);
  } else if (name == "log") {
    if (auto pattern = read_regex(reader, node)) {
      ready.kind = ReadyCheck::Kind::log_regex;
      ready.pattern = std::move(*pattern);
    }
  } else if (name == "command") {
    if (auto command = reader.non_empty_string(node, "command")) {
      ready.kind = ReadyCheck::Kind::command;
      ready.command = std::move(*command);
    }
  } else if (name == "notify") {
    const auto notify = reader.boolean(node, "notify");
    if (notify == false) {
      reader.error_at(node, "'notify' must be true, not 'false'");
    } else if (notify) {
      ready.kind = ReadyCheck::Kind::notify;
    }
  } else {
    if (name == "timeout") {
      ready.timeout = reader.duration(node, "timeout");
    } else {
      reader.unknown_key(key, " in 'ready'", "port, log, command, notify, timeout");
    }
    return false;
  }
  return true;
}

void read_ready_table(SettingsReader& reader, const toml::table& table, ReadyCheck& ready) {
  std::vector<toml::source_region> kinds;
  for (const auto& [key, node] : table) {
    if (read_ready_key(reader, key, node, ready)) {
      kinds.push_back(key.source());
    }
  }
  if (kinds.empty()) {
    reader.error_at(table, "'ready' needs one of " + std::string(k_ready_kinds));
    return;
  }
  if (kinds.size() > 1) {
    // Reported at the key written last, the one that is too many.
    const auto last = std::max_element(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) {
      return std::tie(a.begin.line, a.begin.column) < std::tie(b.begin.line, b.begin.column);
    });
    reader.error_at(*last, "'ready' takes only one of " + std::string(k_ready_kinds));
    ready.kind = ReadyCheck::Kind::none;
  }
}

ReadyCheck read_ready(SettingsReader& reader, const toml::node& node) {
  ReadyCheck ready;
  const auto* text = node.as_string();
  if (text != nullptr && text->get() == "port") {
    ready.kind = ReadyCheck::Kind::own_port;
  } else if (text != nullptr && text->get() == "notify") {
    ready.kind = ReadyCheck::Kind::notify;
  } else if (node.is_integer()) {
    if (const auto port = reader.port(node, "ready")) {
      ready.kind = ReadyCheck::Kind::tcp_port;
      ready.port = *port;
    }
  } else if (const auto* table = node.as_table()) {
    read_ready_table(reader, *table, ready);
  } else {
    reader.error_at(node, "'ready' must be " + std::string(k_ready_forms) + ", not " + describe_value(node));
  }
  return ready;
}

void read_depends_on(SettingsReader& reader, const toml::node& node, ProcessSettings& process) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    reader.error_at(node, "'depends_on' must be an array of process names, not " + describe_value(node));
    return;
  }
  for (const auto& element : *array) {
    const auto* name = element.as_string();
    if (name == nullptr) {
      reader.error_at(element, "each element of 'depends_on' must be a process name, not " + describe_value(element));
    } else if (!is_process_name(name->get())) {
      reader.error_at(element, "invalid process name " + quote(name->get()) + " in 'depends_on'");
    } else {
      const Position at = reader.position_of(element.source());
      process.depends_on.push_back({name->get(), at.line, at.column});
    }
  }
}

bool is_variable_name(std::string_view name) {
  return !name.empty() && name.find_first_of(std::string_view("=\0", 2)) == std::string_view::npos;
}

void read_env(SettingsReader& reader, const toml::node& node, ProcessSettings& process) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    reader.error_at(node, R"('env' must be a table of NAME = "value" pairs, not )" + describe_value(node));
    return;
  }
  std::vector<std::tuple<Position, std::string, std::string>> found;
  for (const auto& [key, value] : *table) {
    if (!is_variable_name(key.str())) {
      reader.error_at(key.source(), "invalid environment variable name " + quote(key.str()));
      continue;
    }
    auto text = scalar_text(value);
    if (!text) {
      reader.error_at(value,
                      quote(key.str()) + " in 'env' must be a string, number or boolean, not " + describe_value(value));
      continue;
    }
    found.emplace_back(reader.position_of(key.source()), std::string(key.str()), std::move(*text));
  }
  // File order, as people wrote them, rather than toml::table's key order.
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a).line, std::get<0>(a).column) < std::tie(std::get<0>(b).line, std::get<0>(b).column);
  });
  for (auto& [at, name, text] : found) {
    process.env.emplace_back(std::move(name), std::move(text));
  }
}

using ReadProcessKey = void (*)(SettingsReader&, const toml::node&, ProcessSettings&);

struct ProcessKey {
  std::string_view name;
  ReadProcessKey read;
};

constexpr std::array k_process_keys{
    ProcessKey{"stop_signal",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) { p.stop_signal = read_signal(r, n); }},
    ProcessKey{"timeout", [](SettingsReader& r, const toml::node& n,
                             ProcessSettings& p) { p.timeout = r.duration(n, "timeout"); }},
    ProcessKey{"signal_target",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) {
                 if (const auto index = r.one_of(n, "signal_target", {"group", "main"})) {
                   p.signal_target = *index == 0 ? SignalTarget::group : SignalTarget::main;
                 }
               }},
    ProcessKey{"restart",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) {
                 // The order of the choices is the order of RestartPolicy.
                 if (const auto index = r.one_of(n, "restart", {"never", "on-failure", "always"})) {
                   p.restart = static_cast<RestartPolicy>(*index);
                 }
               }},
    ProcessKey{"max_restarts",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) {
                 p.max_restarts =
                     r.integer(n, "max_restarts", 0, std::numeric_limits<int>::max(), "a non-negative integer");
               }},
    ProcessKey{"restart_delay", [](SettingsReader& r, const toml::node& n,
                                   ProcessSettings& p) { p.restart_delay = r.duration(n, "restart_delay"); }},
    ProcessKey{"max_restart_delay",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) {
                 p.max_restart_delay = r.duration(n, "max_restart_delay");
               }},
    ProcessKey{"healthy_after", [](SettingsReader& r, const toml::node& n,
                                   ProcessSettings& p) { p.healthy_after = r.duration(n, "healthy_after"); }},
    ProcessKey{"can_exit", [](SettingsReader& r, const toml::node& n,
                              ProcessSettings& p) { p.can_exit = r.boolean(n, "can_exit"); }},
    ProcessKey{"oneshot",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) { p.oneshot = r.boolean(n, "oneshot"); }},
    ProcessKey{"depends_on", read_depends_on},
    ProcessKey{"ready", [](SettingsReader& r, const toml::node& n, ProcessSettings& p) { p.ready = read_ready(r, n); }},
    ProcessKey{"env", read_env},
    ProcessKey{"cwd",
               [](SettingsReader& r, const toml::node& n, ProcessSettings& p) {
                 p.cwd = r.non_empty_string(n, "cwd");
                 p.cwd_line = static_cast<int>(n.source().begin.line);
               }},
    ProcessKey{"terminal_hints", [](SettingsReader& r, const toml::node& n,
                                    ProcessSettings& p) { p.terminal_hints = r.boolean(n, "terminal_hints"); }},
    ProcessKey{"pty", [](SettingsReader& r, const toml::node& n, ProcessSettings& p) { p.pty = r.boolean(n, "pty"); }},
};

std::string known_process_keys() {
  std::string out;
  for (const auto& key : k_process_keys) {
    out += (out.empty() ? "" : ", ") + std::string(key.name);
  }
  return out;
}

} // namespace

std::string quote(std::string_view text) {
  std::string out = "'";
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (used >= k_max_quoted_bytes && !is_continuation_byte(text[i])) {
      return out + "...'";
    }
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      constexpr std::string_view k_hex = "0123456789abcdef";
      out += std::string("\\x") + k_hex[byte >> 4] + k_hex[byte & 0x0F];
    } else {
      out += text[i];
    }
    ++used;
  }
  return out + "'";
}

std::string describe_value(const toml::node& node) {
  if (node.is_array()) {
    return "an array";
  }
  if (node.is_table()) {
    return "a table";
  }
  if (const auto text = scalar_text(node)) {
    return quote(*text);
  }
  std::ostringstream out; // dates and times: toml++ writes them as TOML does
  node.visit([&out](const auto& value) { out << value; });
  return quote(out.str());
}

std::optional<std::string> scalar_text(const toml::node& node) {
  if (const auto* text = node.as_string()) {
    return text->get();
  }
  if (const auto* integer = node.as_integer()) {
    return std::to_string(integer->get());
  }
  if (const auto* floating = node.as_floating_point()) {
    return format_float(floating->get());
  }
  if (const auto* boolean = node.as_boolean()) {
    return boolean->get() ? "true" : "false";
  }
  return std::nullopt;
}

bool is_process_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

ProcessSettings read_process(SettingsReader& reader, const toml::key& name, const toml::table& table) {
  ProcessSettings process;
  process.name = std::string(name.str());
  // A [process.NAME] header is located by its '['; an inline table by its name rather than its '{'.
  const Position at = reader.position_of(table.is_inline() ? name.source() : table.source());
  process.line = at.line;
  process.column = at.column;
  // An invalid name is reported on its own; here it is only quoted so that it cannot break the line.
  const std::string where =
      is_process_name(process.name) ? " in [process." + process.name + "]" : " in " + quote("process." + process.name);
  for (const auto& [key, node] : table) {
    const auto row = std::find_if(k_process_keys.begin(), k_process_keys.end(),
                                  [&key = key](const ProcessKey& candidate) { return candidate.name == key.str(); });
    if (row == k_process_keys.end()) {
      reader.unknown_key(key, where, known_process_keys());
    } else {
      row->read(reader, node, process);
    }
  }
  return process;
}

} // namespace tfrun::core::settings_detail

namespace tfrun::core {

std::string_view to_string(RestartPolicy policy) {
  switch (policy) {
  case RestartPolicy::never: return "never";
  case RestartPolicy::on_failure: return "on-failure";
  case RestartPolicy::always: return "always";
  }
  return "never";
}

std::string_view to_string(SignalTarget target) {
  switch (target) {
  case SignalTarget::group: return "group";
  case SignalTarget::main: return "main";
  }
  return "group";
}

} // namespace tfrun::core
