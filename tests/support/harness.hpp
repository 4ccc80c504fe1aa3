// SPDX-License-Identifier: MIT
// Runs the real tfrun binary as a user would and waits on what it prints, always with a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace tfrun::test {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

// Paths of the binaries under test (from CMake).
std::string tfrun_binary();
std::string test_child();

// A fresh directory per test, removed at the end.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return m_path; }
  void write(const std::string& name, const std::string& content) const;

private:
  std::string m_path;
};

struct RunOptions {
  std::string cwd;
  std::map<std::string, std::string> env;  // added to the test's own environment
  bool separate_stderr = true;             // false: stderr goes to the same pipe as stdout
  std::vector<std::string> wrapper;        // e.g. {"unshare", "--pid", "--fork", "--mount-proc"}
  bool pipe_stdout = true;                 // false: stdout to /dev/null
  std::size_t stdout_bytes_per_second = 0; // a slow reader: stdout read 4 KiB at a time at this rate (0: at once)
  // tfrun on a terminal of this size (rows, columns) that the test opens: its stdin, stdout and stderr, and
  // its controlling terminal, as in a terminal window. What it prints is read from the terminal into out().
  std::optional<std::pair<unsigned short, unsigned short>> terminal;
};

// Options that run tfrun in `dir`, with nothing else changed.
RunOptions in_dir(const TempDir& dir);

// tfrun running in its own process group. Every process it starts carries a marker in its environment,
// so `leftovers()` finds anything of this test that is still alive, wherever it was reparented.
class Tfrun {
public:
  Tfrun(const std::vector<std::string>& args, const RunOptions& options);
  ~Tfrun();
  Tfrun(const Tfrun&) = delete;
  Tfrun& operator=(const Tfrun&) = delete;

  // Waits until a line of stdout matches; the match and its groups, or nullopt at the deadline.
  std::optional<std::vector<std::string>> wait_for_line(const std::string& pattern, Seconds timeout = 10s);
  // Waits until `needle` occurs `count` times in stdout (cheap on large outputs); false at the deadline.
  bool wait_for_text_count(const std::string& needle, int count, Seconds timeout = 10s);
  // Waits for tfrun to exit; its status as a shell shows it (128+n for a signal), or nullopt at the deadline.
  std::optional<int> wait_for_exit(Seconds timeout = 20s);
  void send_signal(int sig) const;
  // Lets `duration` pass without scanning the output: a measurement window, not synchronisation.
  void idle_for(Seconds duration);
  void pause_reading(bool paused);
  // With RunOptions::terminal: types `keys` on tfrun's terminal, or resizes it (the kernel sends SIGWINCH).
  void type(const std::string& keys) const;
  void resize(unsigned short rows, unsigned short columns) const;
  // With RunOptions::terminal: waits until the terminal is in raw mode (`raw`) or line mode; false at the
  // deadline.
  bool wait_for_terminal_mode(bool raw, Seconds timeout = 5s) const;
  // Puts the terminal in line mode, as a shell does when it takes the terminal back from a stopped job.
  void cook_terminal() const;

  [[nodiscard]] pid_t pid() const { return m_pid; }
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  [[nodiscard]] std::vector<std::string> out_lines() const;
  [[nodiscard]] const std::string& marker() const { return m_marker; }

private:
  void read_loop(int fd, std::string& into, std::size_t bytes_per_second);

  pid_t m_pid = -1;
  int m_terminal = -1; // the master of tfrun's terminal, with RunOptions::terminal
  std::string m_marker;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::string m_out;
  std::string m_err;
  bool m_paused = false;
  int m_eof_count = 0;
  std::optional<int> m_status;
  std::vector<std::thread> m_readers;
};

// Processes whose environment holds `marker`, still alive (zombies are not counted).
std::vector<pid_t> processes_with_marker(const std::string& marker);
// Waits until none is left; true when none is.
bool no_leftovers(const std::string& marker, Seconds timeout = 3s);

// Convenience: runs to completion and returns {status, stdout, stderr}.
struct Finished {
  int status = -1;
  std::string out;
  std::string err;
};
Finished run_tfrun(const std::vector<std::string>& args, const RunOptions& options, Seconds timeout = 20s);

// Runs tfrun with stdout and stderr to /dev/null and returns only its status: for tests that run it
// hundreds of times and check nothing else.
int tfrun_status(const std::vector<std::string>& args, const std::string& cwd);

bool unshare_available();
// Whether another user (nobody, for the tests that drop privileges) can reach and run `path`: every
// directory above it searchable by others (a package build's private temporary directory is not).
bool runnable_by_others(const std::string& path);

// The first child of `parent` (from /proc), as soon as it exists; -1 at the deadline. With `exe`, only a
// child that already runs that program (after its exec) counts.
pid_t first_child(pid_t parent, const std::string& exe = {}, Seconds timeout = 5s);

} // namespace tfrun::test
