// SPDX-License-Identifier: MIT
// The payload every generated line carries, shared by the writer (bench_gen) and the checker
// (bench_check) so a checker can rebuild each line byte for byte from its child id and sequence number:
//   "@<id>:<seq, 9 digits>:<fill>\n", LEN bytes in all, fill[i] = 'a' + (7 * id + seq + i) % 26.
// The fill shifts with every line and every byte, so a torn, shifted, doubled or spliced line never
// matches; '@' occurs once per line, so the payload is found behind any prefix a runner adds.
#ifndef BENCH_LINE_H
#define BENCH_LINE_H

#include <stdio.h>
#include <string.h>

#define BENCH_ALPHABET 26

// The 26-letter cycle, repeated, so any fill is one memcpy from the right offset.
static inline void bench_fill_pattern(char* pattern, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    pattern[i] = (char)('a' + i % BENCH_ALPHABET);
  }
}

// Writes the payload of line `seq` of child `id` (LEN bytes, newline last) into `out`; returns LEN.
// `pattern` holds at least LEN + 26 bytes of bench_fill_pattern.
static inline size_t bench_make_line(char* out, size_t len, long id, long seq, const char* pattern) {
  char head[40];
  const int h = snprintf(head, sizeof head, "@%ld:%09ld:", id, seq);
  const size_t head_len = (size_t)h < len - 1 ? (size_t)h : len - 1;
  memcpy(out, head, head_len);
  const size_t fill_len = len - 1 - head_len;
  memcpy(out + head_len, pattern + (size_t)((7 * id + seq) % BENCH_ALPHABET), fill_len);
  out[len - 1] = '\n';
  return len;
}

#endif
