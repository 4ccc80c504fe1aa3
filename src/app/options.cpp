// SPDX-License-Identifier: MIT
// Resolves each option once: command line / TFRUN_* > tfrun.toml > default.
#include <tfrun/app/options_resolution.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/files.hpp>
#include <tfrun/core/formation.hpp>

namespace tfrun::app {
namespace {

int resolve_port(const std::string& text) {
  if (const auto port = core::parse_port(text)) {
    return *port;
  }
  throw UsageError("--port: '" + text + "' is not a port number from 1 to 65535");
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

void resolve_env_files(const GivenOptions& given, const core::FileSettings& settings, const std::string& settings_dir,
                       ResolvedOptions& out) {
  if (given.env_files_given) {
    for (const auto& file : given.env_files) {
      if (!file.empty()) {
        out.env_files.push_back(file);
        out.env_file_required.push_back(true);
      }
    }
    return;
  }
  if (settings.has_env_files) {
    for (const auto& file : settings.env_files) {
      out.env_files.push_back(join_path(settings_dir, file));
      out.env_file_required.push_back(true);
    }
    return;
  }
  out.env_files.push_back(join_path(out.root_dir, ".env"));
  out.env_file_required.push_back(false);
}

} // namespace

std::string settings_dir_for(const GivenOptions& given) {
  if (given.procfile) {
    return given.root ? *given.root : parent_dir(*given.procfile);
  }
  return given.root ? *given.root : ".";
}

ResolvedOptions resolve_options(const GivenOptions& given, const core::FileSettings& settings,
                                const std::string& settings_dir) {
  ResolvedOptions out;
  out.settings_path = join_path(settings_dir, "tfrun.toml");
  if (given.procfile) {
    out.procfile_path = *given.procfile;
  } else {
    out.procfile_path = join_path(settings_dir, settings.procfile.value_or("Procfile"));
  }
  out.root_dir = given.root ? *given.root : parent_dir(out.procfile_path);
  resolve_env_files(given, settings, settings_dir, out);
  if (given.port) {
    out.port = resolve_port(*given.port);
  } else {
    out.port = settings.port;
  }
  if (given.timeout) {
    out.timeout = resolve_duration("--timeout", *given.timeout);
  } else if (settings.timeout) {
    out.timeout = *settings.timeout;
  }
  if (given.color) {
    out.color = resolve_color(*given.color);
  } else if (settings.color) {
    out.color = resolve_color(*settings.color);
  }
  out.timestamp = !given.no_timestamp && settings.timestamp.value_or(true);
  out.prefix = !given.no_prefix && settings.prefix.value_or(true);
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
  out.formation = given.formation.empty() ? settings.formation : given.formation;
  out.quiet = given.quiet;
  return out;
}

} // namespace tfrun::app
