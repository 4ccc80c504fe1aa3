// SPDX-License-Identifier: MIT
// The quiet process of the latency run: every INTERVAL_MS it writes one short line carrying the moment it
// was written (CLOCK_MONOTONIC, ns), in one write(2), so bench_latency can tell how long the runner held it.
//
//   bench_tick COUNT INTERVAL_MS
//
// Lines are "@tick:SEQ:NS". Ticks are scheduled on absolute times, so a late one does not delay the next.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_tick COUNT INTERVAL_MS\n");
    return 2;
  }
  const long count = atol(argv[1]);
  const long long interval = atoll(argv[2]) * 1000000LL;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (long seq = 0; seq < count; ++seq) {
    long long at = (long long)next.tv_sec * 1000000000LL + next.tv_nsec + interval;
    next.tv_sec = (time_t)(at / 1000000000LL);
    next.tv_nsec = (long)(at % 1000000000LL);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0) {
    }
    char line[64];
    const int n = snprintf(line, sizeof line, "@tick:%ld:%lld\n", seq, now_ns());
    if (write(STDOUT_FILENO, line, (size_t)n) != n) {
      return 3;
    }
  }
  return 0;
}
