// SPDX-License-Identifier: MIT
// What the export renderers share: the per-type view of the input, the defaults, and target quoting.
#pragma once

#include <tfrun/core/export.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tfrun::core::export_detail {

using Variables = std::vector<std::pair<std::string, std::string>>;

// One exported type, with the defaults of tfrun.toml (docs/formats.md) already applied.
struct ExportType {
  std::string name;
  std::string command;
  int count = 0;
  int port = 0; // PORT of TYPE.1: the port of the type in a container
  RestartPolicy restart = RestartPolicy::always;
  bool oneshot = false;
  Duration timeout{};
  int stop_signal = 0;
  SignalTarget signal_target = SignalTarget::group; // who gets the stop signal: the process group or the app
  const ProcessSettings* settings = nullptr;        // null when tfrun.toml says nothing about the type
};

// Types with at least one instance, in Procfile order.
[[nodiscard]] std::vector<ExportType> export_types(const ExportInput& input);
[[nodiscard]] const ExportType& type_of(const std::vector<ExportType>& types, std::string_view name);
// Env files, then the type's tfrun.toml `env`; with `instance`, then PORT and PS (docs/formats.md).
[[nodiscard]] Variables instance_environment(const ExportInput& input, const ExportType& type,
                                             const Instance* instance);
[[nodiscard]] std::string working_directory(const ExportInput& input, const ExportType& type);
[[nodiscard]] std::string log_directory(const ExportInput& input);
[[nodiscard]] bool binds_port(const ExportInput& input, std::string_view type);
[[nodiscard]] bool is_secret(const ExportInput& input, std::string_view key);
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);
// Dependencies of a type that are exported too, in tfrun.toml order.
[[nodiscard]] std::vector<const ExportType*> dependencies(const std::vector<ExportType>& types, const ExportType& type);
[[nodiscard]] int whole_seconds_up(Duration duration);
// "5s", "1500ms": a time span every target here accepts.
[[nodiscard]] std::string time_span(Duration duration);
// "SIGTERM"
[[nodiscard]] std::string stop_signal_name(const ExportType& type);
// How the engine starts a command: the app's own argv, or the shell told to `exec` it (shell_command.hpp).
enum class ProgramLookup {
  engine, // a host engine finds a bare name in its own PATH, not the app's: such a command goes through the shell
  app,    // a container runtime looks it up in the container's PATH, as the shell would
};
[[nodiscard]] std::vector<std::string> command_argv(const ExportInput& input, std::string_view command,
                                                    ProgramLookup lookup);
// A word that the shell, shlex and systemd all take as written: letters, digits, `_-./,:@+%=`, non-ASCII.
[[nodiscard]] bool bare_word(std::string_view word);
// The user the processes run as: --user, else the app name (foreman's default); never an unnamed root.
[[nodiscard]] std::string run_as_user(const ExportInput& input);
// "web.1" -> "web-1": foreman's file names for supervisord, runit and launchd.
[[nodiscard]] std::string dashed(std::string_view name);

// Rejections shared by every target (an execve environment cannot hold a NUL).
void require_no_nul(std::string_view key, std::string_view value, std::string_view format);
void require_utf8(std::string_view key, std::string_view value, std::string_view format);
[[nodiscard]] bool valid_utf8(std::string_view text);
[[nodiscard]] std::string quoted(std::string_view text); // "..." for messages

// POSIX shell: one single-quoted word (`'` as `'\''`).
[[nodiscard]] std::string shell_quote(std::string_view text);
// systemd.syntax(7): one double-quoted word with C escapes; `%` as `%%`; `$` as `$$` when the setting
// expands variables (ExecStart=, not Environment=).
[[nodiscard]] std::string systemd_quote(std::string_view text, bool expands_dollar);
// YAML 1.2 double-quoted scalar on one line. The text must be valid UTF-8.
[[nodiscard]] std::string yaml_quote(std::string_view text);
// XML character data. The text must be valid UTF-8 without control characters other than TAB, LF, CR.
[[nodiscard]] std::string xml_escape(std::string_view text);

} // namespace tfrun::core::export_detail
