// SPDX-License-Identifier: MIT
// supervisord: one APP.conf with a [program:APP-TYPE-N] per instance and a [group:APP] (foreman's layout).
#include "export_common.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tfrun::core {

namespace {

using namespace export_detail;

constexpr std::string_view k_format = "supervisord";

bool blank(char c) { return c == ' ' || c == '\t'; }

// supervisord's config parser takes `;` or `#` after a blank as the start of a comment, and a line break
// would start a new key.
bool fits_ini_line(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r' || c == '\0' || ((c == ';' || c == '#') && i > 0 && blank(text[i - 1]))) {
      return false;
    }
  }
  return true;
}

// Every value goes through Python %-interpolation before use.
std::string percent_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    out += c == '%' ? std::string_view("%%") : std::string_view(&c, 1);
  }
  return out;
}

std::string ini_value(std::string_view what, std::string_view text) {
  const bool trimmed = text.empty() || (!blank(text.front()) && !blank(text.back()));
  if (!fits_ini_line(text) || !trimmed || !valid_utf8(text)) {
    throw ExportError(std::string(what), fmt::format("{}: {} {} cannot be written in a supervisord config file",
                                                     k_format, what, quoted(text)));
  }
  return percent_escaped(text);
}

// supervisord splits `command` with shlex (POSIX rules). Closing and reopening the single quotes in front of a
// `;` or `#` that follows a blank keeps the config parser from cutting the line there.
std::string command_word(std::string_view text) {
  std::string quoted_text = shell_quote(text);
  std::string out;
  for (std::size_t i = 0; i < quoted_text.size(); ++i) {
    const char c = quoted_text[i];
    if ((c == ';' || c == '#') && i > 0 && blank(quoted_text[i - 1])) {
      out += "''";
    }
    out += c;
  }
  return out;
}

// supervisord splits `command` with POSIX shlex into the program and its arguments.
std::string command_line(const ExportInput& input, const std::string& command) {
  std::string out;
  for (const auto& word : command_argv(input, command, ProgramLookup::engine)) {
    out += (out.empty() ? "" : " ") + ini_value("command", bare_word(word) ? word : command_word(word));
  }
  return out;
}

bool shlex_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_/.+-():").find(c) != std::string_view::npos;
}

// `environment` is split by a non-POSIX shlex: no escapes, and quote characters at either end of a value are
// stripped. So a value is wrapped in whichever quote it does not contain.
std::string environment_pair(const std::string& key, const std::string& value) {
  if (key.empty() || !std::all_of(key.begin(), key.end(), shlex_word_char)) {
    throw ExportError(key, fmt::format("{}: {} is not a variable name supervisord can read (letters, digits and "
                                       "\"_/.+-():\")",
                                       k_format, quoted(key)));
  }
  require_no_nul(key, value, k_format);
  require_utf8(key, value, k_format);
  const bool has_double = value.find('"') != std::string::npos;
  const bool has_single = value.find('\'') != std::string::npos;
  const bool quote_at_end = !value.empty() && (std::string_view("'\"").find(value.front()) != std::string_view::npos ||
                                               std::string_view("'\"").find(value.back()) != std::string_view::npos);
  if ((has_double && has_single) || quote_at_end || !fits_ini_line(value)) {
    throw ExportError(key, fmt::format("{}: the value of {} cannot be represented in supervisord's environment "
                                       "setting (a line break, both kinds of quotes, a quote at either end, or "
                                       "\";\"/\"#\" after a blank)",
                                       k_format, quoted(key)));
  }
  const char quote = has_double ? '\'' : '"';
  return fmt::format("{}={}{}{}", key, quote, percent_escaped(value), quote);
}

// supervisord looks names up as `signal.SIG<NAME>`; real-time signals have no such name.
std::string signal_setting(const ExportType& type) {
  const auto name = stop_signal_name(type);
  if (name.rfind("SIG", 0) == 0 && name.find_first_of("+- ") == std::string::npos) {
    return name.substr(3);
  }
  return std::to_string(type.stop_signal);
}

std::string program_section(const ExportInput& input, const ExportType& type, const Instance& instance) {
  static constexpr std::string_view k_autorestart[] = {"false", "unexpected", "true"};
  std::string out = fmt::format("[program:{}-{}]\ncommand={}\n", input.app, dashed(instance.name),
                                command_line(input, instance.command));
  out += fmt::format("directory={}\n", ini_value("working directory", working_directory(input, type)));
  out += fmt::format("user={}\n", ini_value("--user", run_as_user(input)));
  out += fmt::format("autostart=true\nautorestart={}\nstartsecs={}\n", k_autorestart[static_cast<int>(type.restart)],
                     type.oneshot ? 0 : 1);
  // The program supervisord tracks is the app (command_argv), so its log pipe stays open until the app is gone;
  // stopasgroup sends the stop signal to the app's process group too, as `tfrun start` does.
  out += fmt::format("stopsignal={}\nstopwaitsecs={}\nstopasgroup={}\nkillasgroup=true\n", signal_setting(type),
                     whole_seconds_up(type.timeout), type.signal_target == SignalTarget::group ? "true" : "false");
  out += fmt::format("redirect_stderr=true\nstdout_logfile={}\n",
                     ini_value("--log", log_directory(input) + "/" + instance.name + ".log"));
  std::vector<std::string> pairs;
  for (const auto& [key, value] : instance_environment(input, type, &instance)) {
    pairs.push_back(environment_pair(key, value));
  }
  return out + fmt::format("environment={}\n", fmt::join(pairs, ","));
}

} // namespace

std::vector<ExportFile> render_supervisord(const ExportInput& input) {
  if (input.app.empty() || !std::all_of(input.app.begin(), input.app.end(), shlex_word_char) ||
      input.app.find(':') != std::string::npos) {
    throw ExportError("--app", fmt::format("{}: the app name {} is not usable as a program or group name", k_format,
                                           quoted(input.app)));
  }
  const auto types = export_types(input);
  std::string out = "; Generated by tfrun export. Change the Procfile, env files or tfrun.toml and export again.\n";
  std::vector<std::string> programs;
  for (const auto& instance : input.instances) {
    out += program_section(input, type_of(types, instance.type), instance) + "\n";
    programs.push_back(fmt::format("{}-{}", input.app, dashed(instance.name)));
  }
  out += fmt::format("[group:{}]\nprograms={}\n", input.app, fmt::join(programs, ","));
  return {{input.app + ".conf", out, 0644}};
}

} // namespace tfrun::core
