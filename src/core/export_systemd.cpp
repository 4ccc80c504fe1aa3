// SPDX-License-Identifier: MIT
// systemd: APP.target wanting one APP-TYPE.N.service per instance (foreman's layout since 0.87).
#include "export_common.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tfrun::core {

namespace {

using namespace export_detail;

constexpr std::string_view k_format = "systemd";

bool unit_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
         c == '.' || c == '-';
}

// systemd refuses (and logs "Invalid environment assignment, ignoring") any name that is not a shell name.
bool shell_name(std::string_view key) {
  const auto word = [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  return !key.empty() && word(key.front()) &&
         std::all_of(key.begin(), key.end(), [&](char c) { return word(c) || (c >= '0' && c <= '9'); });
}

// A setting whose value is the rest of the line (paths, user names): systemd trims it and expands `%`.
std::string plain_value(std::string_view what, std::string_view value) {
  const bool control = std::any_of(value.begin(), value.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
  if (value.empty() || control || value.front() == ' ' || value.back() == ' ' || !valid_utf8(value)) {
    throw ExportError(std::string(what),
                      fmt::format("{}: {} {} cannot be written in a unit file", k_format, what, quoted(value)));
  }
  std::string out;
  for (const char c : value) {
    out += c == '%' ? std::string_view("%%") : std::string_view(&c, 1);
  }
  return out;
}

std::string absolute_path(std::string_view what, std::string_view path) {
  if (path.empty() || path.front() != '/') {
    throw ExportError(std::string(what),
                      fmt::format("{}: {} {} must be an absolute path", k_format, what, quoted(path)));
  }
  return plain_value(what, path);
}

std::string unit_prefix(const ExportInput& input) {
  if (input.app.empty() || !std::all_of(input.app.begin(), input.app.end(), unit_name_char)) {
    throw ExportError("--app", fmt::format("{}: the app name {} is not usable in a unit name (letters, digits, "
                                           "\":\", \"_\", \".\", \"-\")",
                                           k_format, quoted(input.app)));
  }
  return input.app;
}

std::string service_name(const ExportInput& input, const Instance& instance) {
  return fmt::format("{}-{}.service", input.app, instance.name);
}

std::string environment_lines(const Variables& variables) {
  std::string out;
  for (const auto& [key, value] : variables) {
    if (!shell_name(key)) {
      throw ExportError(key, fmt::format("{}: {} is not a variable name systemd accepts (letters, digits and "
                                         "\"_\", not starting with a digit)",
                                         k_format, quoted(key)));
    }
    require_no_nul(key, value, k_format);
    require_utf8(key, value, k_format);
    out += fmt::format("Environment={}\n", systemd_quote(key + "=" + value, false));
  }
  return out;
}

std::string dependency_lines(const ExportInput& input, const std::vector<ExportType>& types, const ExportType& type) {
  std::string out;
  for (const auto* dependency : dependencies(types, type)) {
    std::vector<std::string> names;
    for (const auto& instance : input.instances) {
      if (instance.type == dependency->name) {
        names.push_back(service_name(input, instance));
      }
    }
    // A failed oneshot (a migration) must keep its dependants from starting, as under `tfrun start`.
    out += fmt::format("{}={}\nAfter={}\n", dependency->oneshot ? "Requires" : "Wants", fmt::join(names, " "),
                       fmt::join(names, " "));
  }
  return out;
}

std::string service_kind(const ExportType& type) {
  if (!type.oneshot) {
    return "Type=simple\n";
  }
  if (type.restart == RestartPolicy::always) {
    throw ExportError(type.name, fmt::format("{}: the oneshot type {} cannot have restart = \"always\" (systemd "
                                             "refuses Restart=always for Type=oneshot)",
                                             k_format, quoted(type.name)));
  }
  return "Type=oneshot\nRemainAfterExit=yes\n";
}

std::string restart_lines(const ExportType& type) {
  static constexpr std::string_view k_names[] = {"no", "on-failure", "always"};
  const auto delay =
      type.settings != nullptr && type.settings->restart_delay ? *type.settings->restart_delay : Duration{1000};
  return fmt::format("Restart={}\nRestartSec={}\n", k_names[static_cast<int>(type.restart)], time_span(delay));
}

std::string output_lines(const ExportInput& input, const Instance& instance) {
  if (input.log_dir.empty()) {
    return fmt::format("StandardOutput=journal\nStandardError=inherit\nSyslogIdentifier={}-{}\n", input.app,
                       instance.name);
  }
  const auto path = absolute_path("--log", input.log_dir + "/" + instance.name + ".log");
  return fmt::format("StandardOutput=append:{}\nStandardError=inherit\n", path);
}

// The program is the app itself or the shell that execs it; systemd needs its absolute path, unquoted.
std::string exec_start(const ExportInput& input, const std::string& command) {
  const auto argv = command_argv(input, command, ProgramLookup::engine);
  std::string out = "ExecStart=" + absolute_path("program", argv.front());
  for (std::size_t i = 1; i < argv.size(); ++i) {
    // `%` and `$` are specifiers and variables in systemd's syntax even in an unquoted word.
    const bool as_is = bare_word(argv[i]) && argv[i].find('%') == std::string::npos;
    out += " " + (as_is ? argv[i] : systemd_quote(argv[i], true));
  }
  return out + "\n";
}

std::string service_unit(const ExportInput& input, const std::vector<ExportType>& types, const Instance& instance) {
  const auto& type = type_of(types, instance.type);
  std::string out = fmt::format("# Generated by tfrun export. Change the Procfile, env files or tfrun.toml and "
                                "export again.\n[Unit]\nDescription={} {}\nPartOf={}.target\nStopWhenUnneeded=yes\n",
                                input.app, instance.name, input.app);
  out += dependency_lines(input, types, type);
  out += "\n[Service]\n" + service_kind(type);
  if (!input.user_units) {
    out += fmt::format("User={}\n", plain_value("--user", run_as_user(input)));
  }
  out += fmt::format("WorkingDirectory={}\n", absolute_path("working directory", working_directory(input, type)));
  out += environment_lines(instance_environment(input, type, &instance));
  out += exec_start(input, instance.command);
  out += restart_lines(type);
  // control-group: the stop signal reaches the whole group at once, as under `tfrun start`; mixed: the app only,
  // and whatever is left of the group gets SIGKILL.
  out += fmt::format("KillMode={}\nKillSignal={}\nTimeoutStopSec={}\nStandardInput=null\n",
                     type.signal_target == SignalTarget::group ? "control-group" : "mixed", stop_signal_name(type),
                     time_span(type.timeout));
  return out + output_lines(input, instance);
}

std::string target_unit(const ExportInput& input) {
  std::vector<std::string> names;
  for (const auto& instance : input.instances) {
    names.push_back(service_name(input, instance));
  }
  return fmt::format("# Generated by tfrun export. Start, stop and enable the whole app through this target.\n"
                     "[Unit]\nDescription={}\nWants={}\n\n[Install]\nWantedBy={}\n",
                     input.app, fmt::join(names, " "), input.user_units ? "default.target" : "multi-user.target");
}

} // namespace

std::vector<ExportFile> render_systemd(const ExportInput& input) {
  const auto prefix = unit_prefix(input);
  if (input.user_units && !input.user.empty()) {
    throw ExportError("--user", fmt::format("{}: user units run as the user who starts them; --user cannot be "
                                            "combined with --user-units",
                                            k_format));
  }
  const auto types = export_types(input);
  std::vector<ExportFile> files{{prefix + ".target", target_unit(input), 0644}};
  for (const auto& instance : input.instances) {
    files.push_back({service_name(input, instance), service_unit(input, types, instance), 0644});
  }
  return files;
}

} // namespace tfrun::core
