// SPDX-License-Identifier: MIT
// The one owner of waitpid (STYLE.md): as PID 1 or subreaper tfrun must reap with waitpid(-1), and any
// other wait on a specific pid would race with it and lose statuses.
#pragma once

#include <tfrun/core/process_exit.hpp>

#include <functional>
#include <sys/types.h>

namespace tfrun::os {

class Reaper {
public:
  using OnExit = std::function<void(pid_t pid, const core::ProcessExit& exit)>;
  using OnStop = std::function<void(pid_t pid, int sig)>;

  explicit Reaper(OnExit on_exit) : m_on_exit(std::move(on_exit)) {}

  // Also report children stopped by a signal (job control: Ctrl-Z in a terminal).
  void report_stops(OnStop on_stop) { m_on_stop = std::move(on_stop); }

  // Reaps every child that has ended. SIGCHLDs coalesce, so one call may collect several.
  void reap_all();
  // False once waitpid reported that tfrun has no child at all (ECHILD).
  [[nodiscard]] bool has_children() const { return m_has_children; }

private:
  OnExit m_on_exit;
  OnStop m_on_stop;
  bool m_has_children = true;
};

[[nodiscard]] core::ProcessExit decode_wait_status(int status);

} // namespace tfrun::os
