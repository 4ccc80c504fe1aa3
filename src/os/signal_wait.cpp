// SPDX-License-Identifier: MIT
#include <tfrun/os/signal_wait.hpp>

#include <cerrno>
#include <csignal>
#include <ctime>

namespace tfrun::os {

int wait_for_signal(std::chrono::milliseconds timeout) {
  sigset_t all;
  sigfillset(&all);
  // Faults are the process's own and must keep their default action.
  for (const int fault : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) {
    sigdelset(&all, fault);
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec wait{static_cast<time_t>(seconds.count()),
                      static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
  while (true) {
    const int sig = ::sigtimedwait(&all, nullptr, &wait);
    if (sig > 0) {
      return sig;
    }
    if (errno == EAGAIN) {
      return 0;
    }
    if (errno != EINTR) {
      return 0;
    }
  }
}

} // namespace tfrun::os
