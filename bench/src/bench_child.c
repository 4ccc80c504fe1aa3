// SPDX-License-Identifier: MIT
// Spawn, stop and init workload.
//
//   bench_child MARK NAME [-r FIFO] [-t default|ignore|delay:MS] [-l SECONDS]
//       prints "ready NAME pid=PID port=$PORT", reports "R NAME PID" to FIFO, then waits for a signal:
//       default: dies of it; ignore: reports "S NAME PID" and carries on; delay:MS: reports "S", takes
//       MS ms to shut down, reports "E NAME PID" and exits 0.
//   bench_child MARK orphans N
//       makes N orphans (each exits 50 ms later, reparented to the nearest subreaper or PID 1), waits
//       until they are gone, then prints "zombies Z": the zombies left in this PID namespace's /proc.
//
// MARK only sits in argv so the harness can find every process it caused.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal = 0;
static void on_signal(int sig) { got_signal = sig; }

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

static void report(const char* fifo, const char* what, const char* name) {
  if (fifo == NULL) {
    return;
  }
  char msg[128];
  const int n = snprintf(msg, sizeof msg, "%s %s %d\n", what, name, (int)getpid());
  const int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    if (write(fd, msg, (size_t)n) < 0) { // < PIPE_BUF: atomic
      perror("bench_child: report");
    }
    close(fd);
  }
}

static int count_zombies(void) {
  DIR* proc = opendir("/proc");
  int zombies = 0;
  for (struct dirent* e; proc != NULL && (e = readdir(proc)) != NULL;) {
    char path[300], stat[512];
    if (e->d_name[0] < '0' || e->d_name[0] > '9') {
      continue;
    }
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    const ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0) {
      continue;
    }
    stat[n] = '\0';
    const char* paren = strrchr(stat, ')');
    zombies += paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
  }
  if (proc != NULL) {
    closedir(proc);
  }
  return zombies;
}

static int make_orphans(int n) {
  for (int i = 0; i < n; ++i) {
    const pid_t middle = fork();
    if (middle == 0) {
      if (fork() == 0) {
        sleep_ms(50);
        _exit(0);
      }
      _exit(0); // the grandchild is now an orphan
    }
    if (middle > 0) {
      waitpid(middle, NULL, 0);
    }
  }
  sleep_ms(500); // the orphans exit after 50 ms; a reaping init has long collected them by now
  printf("zombies %d\n", count_zombies());
  fflush(stdout);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_child MARK NAME [-r FIFO] [-t MODE] [-l S] | bench_child MARK orphans N\n");
    return 2;
  }
  if (strcmp(argv[2], "orphans") == 0) {
    return make_orphans(argc > 3 ? atoi(argv[3]) : 100);
  }
  const char* name = argv[2];
  const char* fifo = NULL;
  const char* mode = "default";
  unsigned life = 120;
  for (int i = 3; i < argc; ++i) {
    if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      fifo = argv[++i];
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      mode = argv[++i];
    } else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      life = (unsigned)atoi(argv[++i]);
    }
  }
  const int ignore = strcmp(mode, "ignore") == 0;
  const long delay_ms = strncmp(mode, "delay:", 6) == 0 ? atol(mode + 6) : -1;
  if (ignore || delay_ms >= 0) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (const int* sig = (const int[]){SIGTERM, SIGINT, SIGHUP, SIGQUIT, 0}; *sig != 0; ++sig) {
      sigaction(*sig, &action, NULL);
    }
  }
  signal(SIGALRM, SIG_DFL);
  alarm(life); // a safety net: nothing this program leaves behind lives long

  char line[256];
  const char* port = getenv("PORT");
  const int n = snprintf(line, sizeof line, "ready %s pid=%d port=%s\n", name, (int)getpid(), port ? port : "-");
  if (write(STDOUT_FILENO, line, (size_t)n) < 0) {
    return 1;
  }
  report(fifo, "R", name);
  for (;;) {
    pause();
    if (got_signal == 0) {
      continue;
    }
    got_signal = 0;
    report(fifo, "S", name);
    if (!ignore) {
      sleep_ms(delay_ms);
      report(fifo, "E", name);
      return 0;
    }
  }
}
