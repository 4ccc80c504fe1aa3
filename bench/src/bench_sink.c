// SPDX-License-Identifier: MIT
// The consumer at the end of every throughput run, the same for every runner: `cat > FILE` that also
// times the stream. Reading the runner's stdout from a pipe (not a file the harness polls) gives
// microsecond timestamps of the first payload byte and of the moment the last expected line arrived.
//
//   bench_sink FILE NOTIFY_FIFO EXPECTED_LINES
//
// When the EXPECTED_LINES-th '@' (one per payload line) arrives it reports
// "done FIRST_NS LAST_NS BYTES LINES" (CLOCK_MONOTONIC, as Python's time.monotonic_ns) to NOTIFY_FIFO;
// at EOF it reports "eof FIRST_NS LAST_NS BYTES LINES" and exits.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void notify(int fd, const char* what, long long first, long long last, long long bytes, long long lines) {
  char msg[160];
  const int n = snprintf(msg, sizeof msg, "%s %lld %lld %lld %lld\n", what, first, last, bytes, lines);
  if (write(fd, msg, (size_t)n) < 0) {
    perror("bench_sink: notify");
  }
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench_sink FILE NOTIFY_FIFO EXPECTED_LINES\n");
    return 2;
  }
  const int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int note = open(argv[2], O_WRONLY | O_CLOEXEC);
  const long long expected = atoll(argv[3]);
  if (out < 0 || note < 0) {
    perror("bench_sink");
    return 1;
  }
  static char buffer[128 * 1024];
  long long first = 0, last = 0, bytes = 0, lines = 0;
  int done = 0;
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    const long long t = now_ns();
    const char* p = buffer;
    const char* end = buffer + got;
    long long here = 0;
    while ((p = memchr(p, '@', (size_t)(end - p))) != NULL) {
      ++here;
      ++p;
    }
    if (here > 0) {
      if (first == 0) {
        first = t;
      }
      last = t;
      lines += here;
    }
    bytes += got;
    for (ssize_t off = 0; off < got;) {
      const ssize_t w = write(out, buffer + off, (size_t)(got - off));
      if (w < 0) {
        perror("bench_sink: write");
        return 1;
      }
      off += w;
    }
    if (!done && lines >= expected) {
      done = 1;
      notify(note, "done", first, last, bytes, lines);
    }
  }
  notify(note, "eof", first, last, bytes, lines);
  return 0;
}
