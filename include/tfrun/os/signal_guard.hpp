// SPDX-License-Identifier: MIT
// tfrun's signal mask: the original one (restored in every child) and a scoped "block everything" used
// around fork so no signal reaches a half-made child through tfrun's handlers.
#pragma once

#include <signal.h>

namespace tfrun::os {

// Records the mask tfrun started with, then blocks every signal. Called first thing in main: a signal sent
// the moment tfrun starts stays pending until the loop's handlers are in place (as PID 1, a signal with
// no handler would simply be dropped).
void block_signals_at_start();
// Back to the mask tfrun started with: pending signals are delivered now (commands that do not supervise).
void restore_original_signal_mask();
// No signal blocked: what the supervisors rely on, whatever mask tfrun's parent left (some block SIGCHLD
// or SIGTERM). Pending signals are delivered now.
void unblock_all_signals();
// Whether `sig` was ignored when tfrun started (`nohup` ignores SIGHUP; a non-interactive shell's `cmd &`
// ignores SIGINT and SIGQUIT). tfrun keeps such a signal ignored, as the shell's convention asks.
[[nodiscard]] bool ignored_at_start(int sig);
[[nodiscard]] const sigset_t& original_signal_mask();

class SignalGuard {
public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

private:
  sigset_t m_previous{};
};

} // namespace tfrun::os
