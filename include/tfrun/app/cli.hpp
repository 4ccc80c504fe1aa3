// SPDX-License-Identifier: MIT
// The command line: CLI11 definitions kept in one translation unit (CLI11 is slow to compile).
#pragma once

#include <tfrun/app/options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfrun::app {

enum class Command {
  none,
  start,
  run,
  check,
  env,
  export_files,
  version,
  ps,
  restart,
  stop,
  signal,
  scale,
  logs,
  reload,
  attach
};

// `tfrun export FORMAT DIR` and its own flags.
struct ExportRequest {
  std::string format;
  std::string dir;
  std::optional<std::string> app;
  std::string user;
  std::string log_dir;
  std::string pid_dir;      // foreman's -r/--run: accepted, not used
  std::string template_dir; // foreman's --template: refused with a pointer to what to use
  std::string image;
  std::vector<std::string> secrets;
  std::vector<std::string> port_types;
  bool user_units = false;
  bool dry_run = false;
};

struct Invocation {
  Command command = Command::none;
  GivenOptions options;
  bool json = false;                        // check, env
  bool strict = false;                      // check
  std::optional<std::string> instance;      // env NAME.N
  std::vector<std::string> argv;            // run: the command and its arguments
  std::optional<std::string> signal_target; // run: group | main
  ExportRequest export_request;
  std::vector<std::string> warnings; // printed before the command runs
  // Live control (docs/control.md): instance or type patterns, the signal of `signal`, and the socket.
  std::vector<std::string> names;
  std::string signal_name;
  std::optional<std::string> socket;
  bool follow = false;               // logs -f
  std::optional<std::int64_t> lines; // logs -n
  // A message CLI11 produced for --help/--version (exit 0) or a usage error (exit 64).
  std::optional<std::string> early_output;
  int early_status = 0;
};

[[nodiscard]] Invocation parse_command_line(int argc, const char* const* argv);

} // namespace tfrun::app
