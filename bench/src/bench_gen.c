// SPDX-License-Identifier: MIT
// Throughput workload: writes LINES lines of LEN bytes (bench_line.h) as fast as the pipe takes them,
// in CHUNK-byte writes that do not line up with lines, as stdio's full buffering on a pipe does.
//
//   bench_gen MARK ID LINES LEN [-g GO_FIFO] [-r REPORT_FIFO] [-c CHUNK] [-x] [-l SECONDS]
//
// MARK only sits in argv so the harness can find every process it caused. ID "PORT" takes $PORT,
// which a supervisor sets per instance. With -g the child reports "R ID" and waits for one byte on
// GO_FIFO, so every child starts writing at the same moment, after the runner has started them all.
// When done it reports "D ID" and, unless -x, stays alive until signalled (or -l seconds), so a
// runner that stops everything when one child exits cannot cut the other children short.
#define _GNU_SOURCE
#include "bench_line.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      _exit(3); // EPIPE: the runner is gone; nothing left to measure
    }
    p += w;
    n -= (size_t)w;
  }
}

static void report(const char* fifo, const char* what, long id) {
  if (fifo == NULL) {
    return;
  }
  char msg[64];
  const int n = snprintf(msg, sizeof msg, "%s %ld %d\n", what, id, (int)getpid());
  const int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    write_all(fd, msg, (size_t)n); // < PIPE_BUF: one atomic write
    close(fd);
  }
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: bench_gen MARK ID LINES LEN [-g GO] [-r REPORT] [-c CHUNK] [-x] [-l S]\n");
    return 2;
  }
  const char* id_text = argv[2];
  if (strcmp(id_text, "PORT") == 0) {
    id_text = getenv("PORT") != NULL ? getenv("PORT") : "0";
  }
  const long id = atol(id_text);
  const long lines = atol(argv[3]);
  size_t len = (size_t)atol(argv[4]);
  const char *go = NULL, *fifo = NULL;
  size_t chunk = 4096;
  int exit_when_done = 0;
  unsigned life = 300;
  for (int i = 5; i < argc; ++i) {
    if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
      go = argv[++i];
    } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
      fifo = argv[++i];
    } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
      chunk = (size_t)atol(argv[++i]);
    } else if (strcmp(argv[i], "-x") == 0) {
      exit_when_done = 1;
    } else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      life = (unsigned)atoi(argv[++i]);
    }
  }
  if (len < 24) {
    len = 24;
  }
  if (chunk == 0) {
    chunk = 4096;
  }
  signal(SIGPIPE, SIG_DFL);
  signal(SIGALRM, SIG_DFL);
  alarm(life); // a safety net: nothing this program leaves behind lives long

  char* pattern = malloc(len + BENCH_ALPHABET);
  char* buffer = malloc(chunk + len);
  if (pattern == NULL || buffer == NULL) {
    return 1;
  }
  bench_fill_pattern(pattern, len + BENCH_ALPHABET);

  if (go != NULL) {
    // The harness holds the FIFO open for writing from the start, so this open does not block.
    const int go_fd = open(go, O_RDONLY | O_CLOEXEC);
    report(fifo, "R", id);
    char byte;
    while (go_fd >= 0 && read(go_fd, &byte, 1) < 0 && errno == EINTR) {
    }
    if (go_fd >= 0) {
      close(go_fd);
    }
  }
  size_t used = 0;
  for (long seq = 0; seq < lines; ++seq) {
    used += bench_make_line(buffer + used, len, id, seq, pattern);
    size_t off = 0;
    while (used - off >= chunk) {
      write_all(1, buffer + off, chunk);
      off += chunk;
    }
    if (off > 0) {
      memmove(buffer, buffer + off, used - off);
      used -= off;
    }
  }
  write_all(1, buffer, used);
  report(fifo, "D", id);
  if (exit_when_done) {
    return 0;
  }
  for (;;) {
    pause();
  }
}
