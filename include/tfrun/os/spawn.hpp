// SPDX-License-Identifier: MIT
// Starting a child. Boost.Process v2 launches (in spawn.cpp only); nothing here waits: os/reaper does.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace tfrun::os {

struct SpawnRequest {
  std::string program;           // a path, or a bare name looked up on the PATH of `env` (from `cwd`)
  std::vector<std::string> args; // argv[1..]
  std::vector<std::string> env;  // NAME=VALUE
  std::string cwd;               // empty: inherit
  int stdin_fd = -1;             // -1: /dev/null
  int output_fd = -1;            // stdout and stderr; -1: inherit both
  bool new_process_group = true; // setpgid(0, 0)
  bool take_terminal = false;    // become the terminal's foreground process group (tfrun run)
  // A session of its own with its stdin (a pseudo-terminal's slave) as its controlling terminal, so that
  // the terminal's SIGWINCH and Ctrl-C reach it (tfrun start --pty). Its process group is its session's.
  bool controlling_terminal = false;
  // Descriptors 3 .. 3+n-1 stay open in the child (socket activation: LISTEN_FDS); LISTEN_PID in `env`
  // is rewritten to the child's own pid, which is what sd_listen_fds checks.
  int inherited_listen_fds = 0;
};

// The step of the child's set-up that failed, so the message can name the real cause.
enum class SpawnStep { none, fork, descriptors, directory, exec };

struct SpawnResult {
  pid_t pid = -1;
  int error = 0; // errno of the failure; 0 on success
  SpawnStep failed_step = SpawnStep::none;
};

// Call with every signal blocked (SignalGuard); the child starts with an empty signal mask, every
// disposition at its default and the RLIMIT_NOFILE soft limit tfrun was started with. A child that could
// not exec has already been reaped when this returns: its pid is never handed out.
[[nodiscard]] SpawnResult spawn(const SpawnRequest& request);

// What went wrong, for a message: "cannot execute ./bad.sh: No such file or directory (interpreter
// /nonexistent)", "cannot change to directory 'x': Not a directory", ...
[[nodiscard]] std::string describe_spawn_failure(const SpawnRequest& request, const SpawnResult& result);

// The exit status a shell gives a command that could not run: 127 when it is nowhere, 126 otherwise.
[[nodiscard]] int spawn_failure_status(const SpawnResult& result);

// Resolves `program` on PATH (from `path_value`) like execvp; returns it unchanged when it has a '/'.
// Empty when not found anywhere. Relative PATH entries are looked up from `from_dir` when it is given
// (the directory the program will run in) and returned relative.
[[nodiscard]] std::string find_on_path(const std::string& program, const std::string& path_value,
                                       const std::string& from_dir = {});

// Records the RLIMIT_NOFILE soft limit children get back, then raises tfrun's own to the hard limit.
// Returns the limit tfrun now has.
std::size_t raise_open_file_limit();

// Takes the two low descriptors launches share tfrun's descriptor table through (src/os/spawn.cpp), while
// low numbers are still free: `start` calls it before it opens more. Without it (`run`, whose one launch
// gains nothing from sharing a table of a few descriptors), launches use vfork.
void reserve_launch_descriptors();

} // namespace tfrun::os
