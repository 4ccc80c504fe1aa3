// SPDX-License-Identifier: MIT
// The reference runner: only what no supervisor can avoid, so it gives the floor for spawn and stop
// times and, with every child writing into one shared pipe, the ceiling for throughput (lines torn).
//
//   bench_spawn [-g GRACE_S] -n N -- COMMAND
//
// Starts N copies of `/bin/sh -c COMMAND` (as tfrun does), each in its own process group with
// PORT=5000+i and tfrun's stdout as its own. TERM, INT and HUP go to every group; groups still alive
// after GRACE_S seconds get SIGKILL. Exits when every child has exited. Signals are taken with
// sigwaitinfo, so one that arrives at any moment is never missed.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int n = 0, grace = 5, cmd = -1;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      n = atoi(argv[++i]);
    } else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
      grace = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
      cmd = i + 1;
      break;
    }
  }
  if (n <= 0 || cmd < 0) {
    fprintf(stderr, "usage: bench_spawn [-g GRACE_S] -n N -- COMMAND\n");
    return 2;
  }
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &original);
  pid_t* kids = calloc((size_t)n, sizeof *kids);
  int alive = 0;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      char port[16];
      snprintf(port, sizeof port, "%d", 5000 + i);
      setenv("PORT", port, 1);
      sigprocmask(SIG_SETMASK, &original, NULL);
      execl("/bin/sh", "sh", "-c", argv[cmd], (char*)NULL);
      _exit(127);
    }
    if (pid > 0) {
      setpgid(pid, pid);
      kids[i] = pid;
      ++alive;
    }
  }
  int forwarded = 0;
  while (alive > 0) {
    siginfo_t info;
    const int sig = sigwaitinfo(&all, &info);
    if (sig < 0) {
      continue;
    }
    if (sig == SIGCHLD) {
      for (pid_t pid; (pid = waitpid(-1, NULL, WNOHANG)) > 0;) {
        for (int i = 0; i < n; ++i) {
          if (kids[i] == pid) {
            kids[i] = 0;
            --alive;
          }
        }
      }
    } else if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !forwarded) {
      forwarded = 1;
      for (int i = 0; i < n; ++i) {
        if (kids[i] > 0) {
          kill(-kids[i], sig);
        }
      }
      alarm((unsigned)grace);
    } else if (sig == SIGALRM) {
      for (int i = 0; i < n; ++i) {
        if (kids[i] > 0) {
          kill(-kids[i], SIGKILL);
        }
      }
    }
  }
  return 0;
}
