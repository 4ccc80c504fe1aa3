// SPDX-License-Identifier: MIT
// The reference runner: only what no supervisor can avoid, so it gives the floor for spawn and stop
// times and, with every child writing into one shared pipe, the ceiling for throughput (lines torn).
//
//   bench_spawn [-g GRACE_S] [-x] -n N -- COMMAND
//
// Starts N copies of `/bin/sh -c COMMAND`, or with -x of COMMAND's blank-separated words exec'd directly
// (as tfrun runs a command that holds nothing for the shell), each in its own process group with
// PORT=5000+i and tfrun's stdout as its own. TERM, INT and HUP go to every group; groups still alive
// after GRACE_S seconds get SIGKILL. Exits when every child has exited. Signals are taken with
// sigwaitinfo, so one that arrives at any moment is never missed. Children are found by pid in a hash
// table, so that 10,000 of them cost the floor nothing per exit.
#define _GNU_SOURCE
#include "bench_runner.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// Open addressing, pid -> slot; 0 is an empty slot, -1 a removed one.
static pid_t* table;
static size_t table_size;

static size_t slot_of(pid_t pid) {
  size_t at = (size_t)pid * 2654435761u % table_size;
  while (table[at] != 0 && table[at] != pid) {
    at = (at + 1) % table_size;
  }
  return at;
}

int main(int argc, char** argv) {
  struct runner_args args;
  if (!parse_runner_args(argc, argv, NULL, &args)) {
    fprintf(stderr, "usage: bench_spawn [-g GRACE_S] [-x] -n N -- COMMAND\n");
    return 2;
  }
  const int n = args.n, grace = args.grace, cmd = args.command, direct = args.direct;
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &original);
  pid_t* kids = calloc((size_t)n, sizeof *kids);
  table_size = (size_t)n * 2 + 1;
  table = calloc(table_size, sizeof *table);
  char** words = direct ? words_of(argv[cmd]) : NULL;
  int alive = 0;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      char port[16];
      snprintf(port, sizeof port, "%d", 5000 + i);
      setenv("PORT", port, 1);
      sigprocmask(SIG_SETMASK, &original, NULL);
      if (direct) {
        execvp(words[0], words);
      } else {
        execl("/bin/sh", "sh", "-c", argv[cmd], (char*)NULL);
      }
      _exit(127);
    }
    if (pid > 0) {
      setpgid(pid, pid);
      kids[i] = pid;
      table[slot_of(pid)] = pid;
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
        const size_t at = slot_of(pid);
        if (table[at] == pid) {
          table[at] = -1;
          --alive;
        }
      }
    } else if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !forwarded) {
      forwarded = 1;
      for (int i = 0; i < n; ++i) {
        if (kids[i] > 0 && table[slot_of(kids[i])] == kids[i]) {
          kill(-kids[i], sig);
        }
      }
      alarm((unsigned)grace);
    } else if (sig == SIGALRM) {
      for (int i = 0; i < n; ++i) {
        if (kids[i] > 0 && table[slot_of(kids[i])] == kids[i]) {
          kill(-kids[i], SIGKILL);
        }
      }
    }
  }
  return 0;
}
