// SPDX-License-Identifier: MIT
// The consumer of the latency run: reads the runner's stdout as fast as it can, and for every tick line
// ("@tick:SEQ:NS" anywhere in a line, after any prefix or inside a JSON string) records how long after its
// write it arrived. Once tick COUNT-1 has arrived it prints one line of results and exits.
//
//   bench_latency COUNT
//
// Output: "ticks N p50_us P p99_us P max_us P bytes B seconds S lost L" where bytes is everything read
// (the flood, mostly) between the first and the last tick, and lost counts sequence numbers never seen.
#define _GNU_SOURCE
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

static int by_value(const void* a, const void* b) {
  const long long x = *(const long long*)a;
  const long long y = *(const long long*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_latency COUNT\n");
    return 2;
  }
  const long count = atol(argv[1]);
  long long* delays = calloc((size_t)count, sizeof *delays);
  char* seen = calloc((size_t)count, 1);
  static char buffer[1 << 16];
  static char carry[256]; // the unfinished end of a line that may hold a tick
  size_t carried = 0;
  long got = 0;
  long long bytes = 0;
  long long first_tick = 0;
  long long last_tick = 0;
  int done = 0;
  while (!done) {
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    const long long now = now_ns();
    if (got > 0) {
      bytes += n;
    }
    // Lines are scanned for "@tick:" only; the flood's lines are skipped with memchr.
    char* p = buffer;
    char* end = buffer + n;
    while (p < end) {
      char* newline = memchr(p, '\n', (size_t)(end - p));
      char* line_end = newline ? newline : end;
      const size_t length = (size_t)(line_end - p);
      char line[256];
      const char* text = NULL;
      size_t text_length = 0;
      if (carried > 0 || !newline) {
        const size_t take = length < sizeof carry - carried ? length : sizeof carry - carried;
        memcpy(carry + carried, p, take);
        carried += take;
        if (newline) {
          memcpy(line, carry, carried);
          text = line;
          text_length = carried;
          carried = 0;
        }
      } else {
        text = p;
        text_length = length;
      }
      if (text != NULL) {
        const char* tick = memmem(text, text_length, "@tick:", 6);
        if (tick != NULL) {
          char digits[64];
          const size_t rest = text_length - (size_t)(tick - text);
          const size_t copy = rest < sizeof digits - 1 ? rest : sizeof digits - 1;
          memcpy(digits, tick, copy);
          digits[copy] = '\0';
          long seq = -1;
          long long at = 0;
          if (sscanf(digits, "@tick:%ld:%lld", &seq, &at) == 2 && seq >= 0 && seq < count && !seen[seq]) {
            seen[seq] = 1;
            delays[got++] = now - at;
            if (got == 1) {
              first_tick = now;
            }
            last_tick = now;
            if (seq == count - 1) {
              done = 1;
            }
          }
        }
      }
      p = newline ? newline + 1 : end;
    }
  }
  if (got == 0) {
    printf("ticks 0\n");
    return 1;
  }
  qsort(delays, (size_t)got, sizeof *delays, by_value);
  const long long p50 = delays[(got - 1) / 2];
  const long long p99 = delays[(long)((double)(got - 1) * 0.99)];
  printf("ticks %ld p50_us %lld p99_us %lld max_us %lld bytes %lld seconds %.3f lost %ld\n", got, p50 / 1000,
         p99 / 1000, delays[got - 1] / 1000, bytes, (double)(last_tick - first_tick) / 1e9, count - got);
  fflush(stdout);
  return 0;
}
