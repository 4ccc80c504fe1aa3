// SPDX-License-Identifier: MIT
#include <tfrun/os/signal_guard.hpp>

#include <pthread.h>

namespace tfrun::os {
namespace {

sigset_t g_original_mask;

} // namespace

void block_signals_at_start() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &g_original_mask);
}

void restore_original_signal_mask() { pthread_sigmask(SIG_SETMASK, &g_original_mask, nullptr); }

const sigset_t& original_signal_mask() { return g_original_mask; }

SignalGuard::SignalGuard() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &m_previous);
}

SignalGuard::~SignalGuard() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }

} // namespace tfrun::os
