// SPDX-License-Identifier: MIT
#include <tfrun/os/signal_guard.hpp>

#include <initializer_list>
#include <pthread.h>

namespace tfrun::os {
namespace {

sigset_t g_original_mask;
sigset_t g_ignored_at_start;

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
  // SIGCHLD ignored (a parent may leave it so) makes the kernel reap children itself: their statuses
  // would be lost, so it goes back to the default at once.
  struct sigaction child_action {};
  if (sigaction(SIGCHLD, nullptr, &child_action) == 0 && child_action.sa_handler == SIG_IGN) {
    child_action.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &child_action, nullptr);
  }
  sigemptyset(&g_ignored_at_start);
  for (const int sig : {SIGHUP, SIGINT, SIGQUIT}) {
    struct sigaction current {};
    if (sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
      sigaddset(&g_ignored_at_start, sig);
    }
  }
}

bool ignored_at_start(int sig) { return sigismember(&g_ignored_at_start, sig) == 1; }

void unblock_all_signals() {
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
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
