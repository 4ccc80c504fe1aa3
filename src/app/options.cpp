// SPDX-License-Identifier: MIT
// Resolves each option once: command line / TFRUN_* > tfrun.toml > .foreman > default.
#include <tfrun/app/options_resolution.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/files.hpp>
#include <tfrun/core/formation.hpp>

namespace tfrun::app {
namespace {

int resolve_port(const char* where, const std::string& text) {
  if (const auto port = core::parse_port(text)) {
    return *port;
  }
  throw UsageError(std::string(where) + ": '" + text + "' is not a port number from 1 to 65535");
}

core::Duration resolve_duration(const char* flag, const std::string& text) {
  if (const auto duration = core::parse_duration(text)) {
    return *duration;
  }
  throw UsageError(std::string(flag) + ": '" + text + "' is not a duration (e.g. 5, 0.5, 500ms, 2s, 1m)");
}

ColorMode resolve_color(const std::string& text) {
  if (text == "auto") {
    return ColorMode::auto_detect;
  }
  if (text == "always") {
    return ColorMode::always;
  }
  if (text == "never") {
    return ColorMode::never;
  }
  throw UsageError("--color: '" + text + "' is not one of auto, always, never");
}

LogFormat resolve_log_format(const std::string& text) {
  if (text == "text") {
    return LogFormat::text;
  }
  if (text == "json") {
    return LogFormat::json;
  }
  throw UsageError("--log-format: '" + text + "' is not one of text, json");
}

void resolve_env_files(const OptionSources& in, ResolvedOptions& out) {
  const auto add = [&](const std::string& file, bool required) {
    if (!file.empty()) {
      out.env_files.push_back(file);
      out.env_file_required.push_back(required);
    }
  };
  if (in.given.env_files_given) {
    for (const auto& file : in.given.env_files) {
      add(file, true);
    }
  } else if (in.settings.has_env_files) {
    for (const auto& file : in.settings.env_files) {
      add(join_path(in.settings_dir, file), true);
    }
  } else if (!in.foreman.env_files.empty()) {
    for (const auto& file : in.foreman.env_files) {
      add(file, true);
    }
  } else {
    add(join_path(out.root_dir, ".env"), false);
  }
}

// -f > PROCFILE (env files, then the environment: honcho's) > tfrun.toml > .foreman > Procfile.
std::string resolve_procfile(const OptionSources& in) {
  if (in.given.procfile) {
    return *in.given.procfile;
  }
  if (in.procfile_variable && !in.procfile_variable->empty()) {
    return join_path(in.settings_dir, *in.procfile_variable);
  }
  if (in.settings.procfile) {
    return join_path(in.settings_dir, *in.settings.procfile);
  }
  if (in.foreman.procfile) {
    return *in.foreman.procfile; // relative to the current directory, where .foreman is
  }
  return join_path(in.settings_dir, "Procfile");
}

// The first of: the command line (or TFRUN_*), tfrun.toml, .foreman.
template <typename T>
std::optional<T> first_of(const std::optional<T>& given, const std::optional<T>& settings,
                          const std::optional<T>& foreman) {
  return given ? given : settings ? settings : foreman;
}

} // namespace

std::string settings_dir_for(const GivenOptions& given, const core::ForemanDefaults& foreman) {
  const auto root = given.root ? given.root : foreman.root;
  if (root) {
    return *root;
  }
  if (given.procfile) {
    return parent_dir(*given.procfile);
  }
  return foreman.procfile ? parent_dir(*foreman.procfile) : ".";
}

ResolvedOptions resolve_options(const OptionSources& in) {
  const auto& given = in.given;
  const auto& settings = in.settings;
  const auto& foreman = in.foreman;
  ResolvedOptions out;
  out.settings_path = join_path(in.settings_dir, "tfrun.toml");
  out.procfile_path = resolve_procfile(in);
  const auto root = given.root ? given.root : foreman.root;
  out.root_dir = root ? *root : parent_dir(out.procfile_path);
  resolve_env_files(in, out);
  if (given.port) {
    out.port = resolve_port("--port", *given.port);
  } else if (settings.port) {
    out.port = settings.port;
  } else if (foreman.port) {
    out.port = resolve_port(".foreman: port", *foreman.port);
  }
  if (given.timeout) {
    out.timeout = resolve_duration("--timeout", *given.timeout);
  } else if (settings.timeout) {
    out.timeout = *settings.timeout;
  } else if (foreman.timeout) {
    out.timeout = resolve_duration(".foreman: timeout", *foreman.timeout);
  }
  if (const auto color = first_of(given.color, settings.color, foreman.color)) {
    out.color = resolve_color(*color);
  }
  out.timestamp = !given.no_timestamp && settings.timestamp.value_or(foreman.timestamp.value_or(true));
  out.prefix = !given.no_prefix && settings.prefix.value_or(true);
  out.terminal_hints = !given.no_terminal_hints;
  if (given.log_format) {
    out.log_format = resolve_log_format(*given.log_format);
  } else if (settings.log_format) {
    out.log_format = resolve_log_format(*settings.log_format);
  }
  if (given.quiet_period) {
    out.quiet_period = resolve_duration("--quiet-period", *given.quiet_period);
  } else if (settings.quiet_period) {
    out.quiet_period = *settings.quiet_period;
  }
  out.formation = !given.formation.empty()      ? given.formation
                  : !settings.formation.empty() ? settings.formation
                                                : foreman.formation;
  out.quiet = given.quiet;
  out.pty = given.pty;
  return out;
}

} // namespace tfrun::app
