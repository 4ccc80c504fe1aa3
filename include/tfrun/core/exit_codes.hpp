// SPDX-License-Identifier: MIT
// tfrun's own exit statuses (docs/exit-status.md). They follow sysexits.h so scripts can tell a typo in a
// flag from a broken Procfile from a missing file. `start` and `run` otherwise pass a child's status through.
#pragma once

namespace tfrun::core::exit_code {

constexpr int success = 0;
constexpr int usage = 64;       // bad command line: unknown flag, bad flag value, unknown process type
constexpr int data = 65;        // an input file is malformed: Procfile, env file, tfrun.toml
constexpr int no_input = 66;    // an input file is missing or unreadable
constexpr int unavailable = 69; // not ready before the readiness timeout; no `tfrun start` runs here (control)
constexpr int internal = 70;    // a bug in tfrun
constexpr int system = 71;      // the OS refused: fork, pipe, signal setup
constexpr int output = 74;
constexpr int temporary = 75;     // try again: another `tfrun start` runs in this project; a control client too slow
constexpr int protocol = 76;      // the control socket's peer spoke something else
constexpr int no_permission = 77; // the control socket refused this user      // tfrun's stdout failed for good:
                                  // ENOSPC, EIO... (EPIPE is 141, as SIGPIPE)
constexpr int cannot_execute = 126;
constexpr int not_found = 127;
constexpr int signal_base = 128; // 128 + n: killed by, or stopped on, signal n

} // namespace tfrun::core::exit_code
