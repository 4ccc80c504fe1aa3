// SPDX-License-Identifier: MIT
#include <tfrun/os/signal_guard.hpp>

#include <pthread.h>

namespace tfrun::os {
namespace {

sigset_t g_original_mask;

} // namespace

void block_signals_at_start() {
  static bool blocked = false;
  if (blocked) {
    return;
  }
  blocked = true;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &g_original_mask);
}

namespace {

// Runs before static initialisers and main: as PID 1, a signal that arrives before it is blocked (or
// handled) is dropped by the kernel, so the window after exec is kept as short as the loader allows.
__attribute__((constructor(101))) void block_before_main() { block_signals_at_start(); }

} // namespace

void restore_original_signal_mask() { pthread_sigmask(SIG_SETMASK, &g_original_mask, nullptr); }

const sigset_t& original_signal_mask() { return g_original_mask; }

SignalGuard::SignalGuard() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &m_previous);
}

SignalGuard::~SignalGuard() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }

} // namespace tfrun::os
