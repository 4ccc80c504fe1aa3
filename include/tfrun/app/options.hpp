// SPDX-License-Identifier: MIT
// The options every command shares, as given on the command line or in TFRUN_* variables (raw text), and as
// resolved against tfrun.toml and the defaults.
#pragma once

#include <tfrun/core/duration.hpp>
#include <tfrun/core/log_format.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tfrun::app {

enum class ColorMode { auto_detect, always, never };
using LogFormat = core::LogFormat;

// What the user typed (or set in TFRUN_*); empty optional = not given, so tfrun.toml may fill it.
struct GivenOptions {
  std::optional<std::string> procfile;
  std::optional<std::string> root;
  std::vector<std::string> env_files; // each may be comma-separated
  bool env_files_given = false;
  std::optional<std::string> port;
  std::optional<std::string> timeout;
  std::optional<std::string> color;
  bool no_timestamp = false;
  bool no_prefix = false;
  bool no_terminal_hints = false; // start --no-terminal-hints
  std::optional<std::string> log_format;
  std::optional<std::string> quiet_period;
  std::vector<std::string> formation; // -m and positional specs
  std::vector<std::string> quiet;     // start -q: types whose output is hidden
  std::optional<bool> pty;            // start --pty / --no-pty
};

struct ResolvedOptions {
  std::string procfile_path;
  std::string root_dir;
  std::string settings_path;           // tfrun.toml that was (or would be) read
  std::vector<std::string> env_files;  // files to read, in order
  std::vector<bool> env_file_required; // false for the implicit ".env"
  std::optional<int> port;             // -p (or toml/env); the base port is chosen later
  core::Duration timeout{5000};
  ColorMode color = ColorMode::auto_detect;
  bool timestamp = true;
  bool prefix = true;
  // false: --no-terminal-hints (or TFRUN_NO_TERMINAL_HINTS) gives them to no type, whatever tfrun.toml says
  // (which is read per type: core::terminal_hints_for).
  bool terminal_hints = true;
  LogFormat log_format = LogFormat::text;
  core::Duration quiet_period{1000};
  std::vector<std::string> formation;
  std::vector<std::string> quiet;
  // --pty / --no-pty for every instance; when not given, tfrun.toml's `pty` keys decide (docs/terminal.md).
  std::optional<bool> pty;
};

} // namespace tfrun::app
