// SPDX-License-Identifier: MIT
// What one launch costs the kernel when the launching process holds many descriptors, as tfrun holds one
// pipe per running instance: vfork (which copies the descriptor table, O(open descriptors)) then exec of
// a program that exits at once (which closes the close-on-exec copies, O(open descriptors) again).
//
//   bench_fdcost N_LAUNCHES HELD...     e.g. bench_fdcost 2000 0 5000 10000
//
// For each HELD, opens that many close-on-exec descriptors, launches N_LAUNCHES times (exec /bin/true,
// wait) in two ways, and prints "HELD vfork-us shared-us", medians of 5 rounds of microseconds per
// launch: with vfork() (what Boost.Process's vfork_launcher does), and with clone(CLONE_VM | CLONE_VFORK
// | CLONE_FILES) whose child first keeps only descriptors 0-2 with close_range(3, ~0U,
// CLOSE_RANGE_UNSHARE), which copies 3 entries instead of the whole table.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static char g_stack[64 * 1024];

static int shared_child(void* unused) {
  (void)unused;
  close_range(3, ~0U, CLOSE_RANGE_UNSHARE);
  execl("/bin/true", "true", (char*)NULL);
  _exit(127);
}

static double round_us(int launches, int shared) {
  const double start = now_us();
  for (volatile int i = 0; i < launches; ++i) {
    pid_t pid;
    if (shared) {
      pid = clone(shared_child, g_stack + sizeof g_stack, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, NULL);
    } else if ((pid = vfork()) == 0) {
      execl("/bin/true", "true", (char*)NULL);
      _exit(127);
    }
    waitpid(pid, NULL, 0);
  }
  return (now_us() - start) / launches;
}

static int by_value(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_fdcost N_LAUNCHES HELD...\n");
    return 2;
  }
  struct rlimit limit;
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  const int launches = atoi(argv[1]);
  for (int a = 2; a < argc; ++a) {
    const int held = atoi(argv[a]);
    int* fds = calloc((size_t)held + 1, sizeof *fds);
    for (int i = 0; i < held; ++i) {
      fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    double vforked[5], shared[5];
    for (int r = 0; r < 5; ++r) {
      vforked[r] = round_us(launches, 0);
      shared[r] = round_us(launches, 1);
    }
    qsort(vforked, 5, sizeof vforked[0], by_value);
    qsort(shared, 5, sizeof shared[0], by_value);
    printf("%d %.1f %.1f\n", held, vforked[2], shared[2]);
    fflush(stdout);
    for (int i = 0; i < held; ++i) {
      close(fds[i]);
    }
    free(fds);
  }
  return 0;
}
