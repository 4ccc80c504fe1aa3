// SPDX-License-Identifier: MIT
#include <tfrun/os/reaper.hpp>

#include <cerrno>
#include <sys/wait.h>

namespace tfrun::os {

core::ProcessExit decode_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    return {true, 0, WTERMSIG(status)};
  }
  return {false, WIFEXITED(status) ? WEXITSTATUS(status) : 0, 0};
}

void Reaper::reap_all() {
  while (true) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG | (m_on_stop ? WUNTRACED : 0));
    if (pid > 0 && WIFSTOPPED(status)) {
      m_has_children = true;
      m_on_stop(pid, WSTOPSIG(status));
      continue;
    }
    if (pid > 0) {
      m_has_children = true;
      m_on_exit(pid, decode_wait_status(status));
      continue;
    }
    if (pid < 0 && errno == EINTR) {
      continue;
    }
    m_has_children = !(pid < 0 && errno == ECHILD);
    return;
  }
}

} // namespace tfrun::os
