// SPDX-License-Identifier: MIT
#include "export_common.hpp"

#include <tfrun/core/shell_command.hpp>
#include <tfrun/core/signals.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace tfrun::core {

namespace {

struct NamedFormat {
  std::string_view name;
  ExportFormat format;
  std::vector<ExportFile> (*render)(const ExportInput&);
};

const std::vector<NamedFormat>& formats() {
  static const std::vector<NamedFormat> table{
      {"systemd", ExportFormat::systemd, render_systemd},
      {"supervisord", ExportFormat::supervisord, render_supervisord},
      {"runit", ExportFormat::runit, render_runit},
      {"launchd", ExportFormat::launchd, render_launchd},
      {"kubernetes", ExportFormat::kubernetes, render_kubernetes},
      {"compose", ExportFormat::compose, render_compose},
  };
  return table;
}

const NamedFormat& entry_of(ExportFormat format) {
  const auto& table = formats();
  return *std::find_if(table.begin(), table.end(), [&](const auto& entry) { return entry.format == format; });
}

} // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  for (const auto& entry : formats()) {
    if (entry.name == name) {
      return entry.format;
    }
  }
  return std::nullopt;
}

std::string_view to_string(ExportFormat format) { return entry_of(format).name; }

const std::vector<std::string_view>& export_format_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& entry : formats()) {
      out.push_back(entry.name);
    }
    return out;
  }();
  return names;
}

std::vector<ExportFile> render_export(ExportFormat format, const ExportInput& input) {
  return entry_of(format).render(input);
}

std::string log_folder_to_create(ExportFormat format, const ExportInput& input) {
  switch (format) {
  case ExportFormat::systemd: return input.log_dir;
  case ExportFormat::supervisord:
  case ExportFormat::launchd: return export_detail::log_directory(input);
  default: return "";
  }
}

} // namespace tfrun::core

namespace tfrun::core::export_detail {

namespace {

const ProcessSettings* settings_of(const ExportInput& input, std::string_view type) {
  const auto found = std::find_if(input.processes.begin(), input.processes.end(),
                                  [&](const ProcessSettings& settings) { return settings.name == type; });
  return found == input.processes.end() ? nullptr : &*found;
}

ExportType make_type(const ExportInput& input, const Instance& first) {
  ExportType type;
  type.name = first.type;
  type.command = first.command;
  type.port = first.port;
  type.settings = settings_of(input, first.type);
  const auto* settings = type.settings;
  type.oneshot = settings != nullptr && settings->oneshot.value_or(false);
  // A long-running process under an engine is expected back after a crash (foreman exports Restart=always);
  // a oneshot that restarts forever would never let its dependants start.
  type.restart = type.oneshot ? RestartPolicy::never : RestartPolicy::always;
  if (settings != nullptr && settings->restart) {
    type.restart = *settings->restart;
  }
  type.timeout = settings != nullptr && settings->timeout ? *settings->timeout : input.default_timeout;
  type.stop_signal = settings != nullptr && settings->stop_signal ? *settings->stop_signal : SIGTERM;
  type.signal_target = settings != nullptr && settings->signal_target ? *settings->signal_target : SignalTarget::group;
  return type;
}

} // namespace

std::vector<ExportType> export_types(const ExportInput& input) {
  std::vector<ExportType> types;
  for (const auto& instance : input.instances) {
    const auto known =
        std::find_if(types.begin(), types.end(), [&](const ExportType& type) { return type.name == instance.type; });
    if (known == types.end()) {
      types.push_back(make_type(input, instance));
      types.back().count = 1;
    } else {
      ++known->count;
    }
  }
  return types;
}

const ExportType& type_of(const std::vector<ExportType>& types, std::string_view name) {
  return *std::find_if(types.begin(), types.end(), [&](const ExportType& type) { return type.name == name; });
}

Variables instance_environment(const ExportInput& input, const ExportType& type, const Instance* instance) {
  Variables out;
  const auto set = [&](const std::string& key, const std::string& value) {
    const auto found = std::find_if(out.begin(), out.end(), [&](const auto& pair) { return pair.first == key; });
    if (found == out.end()) {
      out.emplace_back(key, value);
    } else {
      found->second = value;
    }
  };
  for (const auto& variable : input.env) {
    set(variable.key, variable.value);
  }
  if (type.settings != nullptr) {
    for (const auto& [key, value] : type.settings->env) {
      set(key, value);
    }
  }
  if (instance != nullptr) {
    set("PORT", std::to_string(instance->port));
    set("PS", instance->name);
  }
  return out;
}

std::string working_directory(const ExportInput& input, const ExportType& type) {
  if (type.settings == nullptr || !type.settings->cwd || type.settings->cwd->empty()) {
    return input.root;
  }
  const auto& cwd = *type.settings->cwd;
  if (cwd.front() == '/') {
    return cwd;
  }
  return input.root.empty() || input.root.back() == '/' ? input.root + cwd : input.root + "/" + cwd;
}

std::string log_directory(const ExportInput& input) {
  return input.log_dir.empty() ? "/var/log/" + input.app : input.log_dir;
}

bool binds_port(const ExportInput& input, std::string_view type) {
  return std::find(input.port_types.begin(), input.port_types.end(), type) != input.port_types.end();
}

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1, t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool is_secret(const ExportInput& input, std::string_view key) {
  return std::any_of(input.secret_patterns.begin(), input.secret_patterns.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, key); });
}

std::vector<const ExportType*> dependencies(const std::vector<ExportType>& types, const ExportType& type) {
  std::vector<const ExportType*> out;
  if (type.settings == nullptr) {
    return out;
  }
  for (const auto& dependency : type.settings->depends_on) {
    // A dependency scaled to 0 is not exported: there is nothing to wait for.
    const auto found = std::find_if(types.begin(), types.end(),
                                    [&](const ExportType& other) { return other.name == dependency.name; });
    if (found != types.end()) {
      out.push_back(&*found);
    }
  }
  return out;
}

int whole_seconds_up(Duration duration) { return static_cast<int>((duration.count() + 999) / 1000); }

std::string time_span(Duration duration) {
  if (duration.count() % 1000 == 0) {
    return fmt::format("{}s", duration.count() / 1000);
  }
  return fmt::format("{}ms", duration.count());
}

std::string stop_signal_name(const ExportType& type) { return signal_name(type.stop_signal); }

bool bare_word(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || std::string_view("_-./,:@+%=").find(c) != std::string_view::npos;
  });
}

std::vector<std::string> command_argv(const ExportInput& input, std::string_view command, ProgramLookup lookup) {
  auto plan = plan_command(command, input.shell);
  // An absolute path with nothing any engine's config syntax would read specially is started as it is.
  if (plan.via_shell || lookup == ProgramLookup::app ||
      (plan.argv.front().starts_with('/') && bare_word(plan.argv.front()))) {
    return std::move(plan.argv);
  }
  // The same words, spelled for the shell, which looks the name up in the app's PATH and from its directory.
  std::string text = "exec";
  for (const auto& word : plan.argv) {
    text += " " + (bare_word(word) ? word : shell_quote(word));
  }
  return {input.shell, "-c", text};
}

std::string run_as_user(const ExportInput& input) { return input.user.empty() ? input.app : input.user; }

std::string dashed(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
}

} // namespace tfrun::core::export_detail
