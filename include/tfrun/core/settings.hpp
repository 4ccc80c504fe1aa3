// SPDX-License-Identifier: MIT
// tfrun.toml: defaults for the command-line options and per-type policies (docs/formats.md, docs/lifecycle.md).
#pragma once

#include <tfrun/core/diagnostics.hpp>
#include <tfrun/core/duration.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

enum class RestartPolicy { never, on_failure, always };
enum class SignalTarget { group, main };

// How long an instance may take to become ready when tfrun.toml does not say.
constexpr Duration k_default_ready_timeout{60000};

// How a type tells tfrun it is ready to serve; its dependents start only then.
struct ReadyCheck {
  enum class Kind { none, own_port, tcp_port, log_regex, command, notify };
  Kind kind = Kind::none;
  int port = 0;        // tcp_port
  std::string pattern; // log_regex
  std::string command; // command
  std::optional<Duration> timeout;
};

struct ProcessSettings {
  std::string name;
  int line = 0; // where [process.NAME] starts, for messages
  int column = 0;
  std::optional<int> stop_signal;
  std::optional<Duration> timeout;
  std::optional<SignalTarget> signal_target;
  std::optional<RestartPolicy> restart;
  std::optional<int> max_restarts;
  std::optional<Duration> restart_delay;     // first backoff delay (default 1 s)
  std::optional<Duration> max_restart_delay; // backoff ceiling (default 60 s)
  std::optional<Duration> healthy_after;     // uptime that resets the backoff (default 60 s)
  std::optional<bool> can_exit;
  std::optional<bool> oneshot;
  std::optional<bool> pty; // a pseudo-terminal for this type's instances (docs/terminal.md)
  struct Dependency {
    std::string name;
    int line = 0;
    int column = 0;
  };
  std::vector<Dependency> depends_on;
  ReadyCheck ready;
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<std::string> cwd;
  int cwd_line = 0; // where `cwd` is set, for messages
  // Whether the type gets the terminal hints, over the top-level key (core/terminal_hints.hpp).
  std::optional<bool> terminal_hints;
};

// Top-level keys mirror the long command-line options.
struct FileSettings {
  std::optional<std::string> procfile;
  std::vector<std::string> env_files;
  bool has_env_files = false;
  std::optional<int> port;
  std::optional<Duration> timeout;
  std::vector<std::string> formation;
  std::optional<bool> pty; // every type's default for `pty`
  std::optional<std::string> color;
  std::optional<bool> timestamp;
  std::optional<bool> prefix;
  std::optional<std::string> log_format;
  std::optional<Duration> quiet_period;
  std::optional<bool> terminal_hints;
  std::vector<ProcessSettings> processes; // in file order
};

// Parses tfrun.toml text. Unknown keys, wrong types and bad values are errors with line and column.
// Whether each [process.NAME] names a Procfile type is checked later, by `validate_process_names`.
[[nodiscard]] FileSettings parse_settings(std::string_view text, const std::string& file, Diagnostics& diagnostics);

[[nodiscard]] std::string_view to_string(RestartPolicy policy);
[[nodiscard]] std::string_view to_string(SignalTarget target);

} // namespace tfrun::core
