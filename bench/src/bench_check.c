// SPDX-License-Identifier: MIT
// Checks a runner's output line by line against what the generators wrote (bench_line.h): every line
// is rebuilt from its child id and sequence number and compared byte for byte.
//
//   bench_check FILE CHILDREN LINES LEN [json]
//
// Prints one JSON object: intact, lost (expected lines never seen whole), split (one '@' but not the
// exact line: cut, shortened or corrupted), interleaved (two '@' on one line), fragments (pieces of
// payload without their '@'), duplicates, out_of_order (a child's lines not in the order written),
// other (the runner's own lines), ids (distinct children seen).
#define _GNU_SOURCE
#include "bench_line.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_IDS 4096

struct child {
  long id;
  long next_seq;
  unsigned char* seen;
};

static struct child children[MAX_IDS];
static int child_count;

static struct child* child_of(long id, long lines) {
  for (int i = 0; i < child_count; ++i) {
    if (children[i].id == id) {
      return &children[i];
    }
  }
  if (child_count == MAX_IDS) {
    return NULL;
  }
  struct child* c = &children[child_count++];
  c->id = id;
  c->next_seq = 0;
  c->seen = calloc((size_t)lines, 1);
  return c;
}

// A line without '@' that ends in a run of the fill alphabet is a torn-off tail of a payload line.
static int is_fragment(const char* line, size_t n) {
  size_t run = 0;
  while (run < n && line[n - 1 - run] >= 'a' && line[n - 1 - run] <= 'z') {
    ++run;
  }
  if (run < 8) {
    return 0;
  }
  for (size_t i = n - run + 1; i < n; ++i) {
    const int step = (line[i] - line[i - 1] + BENCH_ALPHABET) % BENCH_ALPHABET;
    if (step != 1) {
      return 0;
    }
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: bench_check FILE CHILDREN LINES LEN [json]\n");
    return 2;
  }
  const long k = atol(argv[2]);
  const long lines = atol(argv[3]);
  const size_t len = (size_t)atol(argv[4]);
  const int json = argc > 5 && strcmp(argv[5], "json") == 0;
  const int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    perror(argv[1]);
    return 1;
  }
  const size_t size = (size_t)st.st_size;
  const char* data = size > 0 ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
  if (data == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  char* pattern = malloc(len + BENCH_ALPHABET);
  char* want = malloc(len + 1);
  bench_fill_pattern(pattern, len + BENCH_ALPHABET);
  long intact = 0, split = 0, interleaved = 0, fragments = 0, duplicates = 0, out_of_order = 0, other = 0;
  for (size_t at = 0; at < size;) {
    const char* nl = memchr(data + at, '\n', size - at);
    const size_t end = nl != NULL ? (size_t)(nl - data) : size;
    const char* line = data + at;
    size_t n = end - at;
    at = end + 1;
    if (n > 0 && line[n - 1] == '\r') {
      --n; // a runner with a pty (hivemind) ends lines with CRLF
    }
    const char* mark = memchr(line, '@', n);
    if (mark == NULL) {
      if (is_fragment(line, n)) {
        ++fragments;
      } else if (n > 0) {
        ++other;
      }
      continue;
    }
    if (memchr(mark + 1, '@', (size_t)(line + n - mark - 1)) != NULL) {
      ++interleaved;
      continue;
    }
    size_t payload = (size_t)(line + n - mark);
    if (json) {
      // {"ts":...,"line":"@..."}: the payload ends at its closing quote, and the object right after it
      if (payload < 2 || memcmp(mark + payload - 2, "\"}", 2) != 0) {
        ++split;
        continue;
      }
      payload -= 2;
    }
    char* colon = NULL;
    const long id = strtol(mark + 1, &colon, 10);
    const long seq = colon != NULL && *colon == ':' ? strtol(colon + 1, NULL, 10) : -1;
    if (payload != len - 1 || seq < 0 || seq >= lines) {
      ++split;
      continue;
    }
    bench_make_line(want, len, id, seq, pattern);
    if (memcmp(want, mark, len - 1) != 0) {
      ++split;
      continue;
    }
    struct child* c = child_of(id, lines);
    if (c == NULL) {
      ++split;
      continue;
    }
    if (c->seen[seq]) {
      ++duplicates;
      continue;
    }
    c->seen[seq] = 1;
    ++intact;
    if (seq != c->next_seq) {
      ++out_of_order;
    }
    c->next_seq = seq + 1;
  }
  const long expected = k * lines;
  const long lost = expected > intact ? expected - intact : 0;
  printf("{\"expected\": %ld, \"intact\": %ld, \"lost\": %ld, \"split\": %ld, \"interleaved\": %ld, "
         "\"fragments\": %ld, \"duplicates\": %ld, \"out_of_order\": %ld, \"other\": %ld, \"ids\": %d, "
         "\"bytes\": %zu}\n",
         expected, intact, lost, split, interleaved, fragments, duplicates, out_of_order, other, child_count, size);
  return 0;
}
