// SPDX-License-Identifier: MIT
// What the two reference runners (bench_spawn, bench_relay) share: their command line and how a
// command with nothing for the shell is cut into words to be exec'd directly.
#pragma once

#include <stdlib.h>
#include <string.h>

struct runner_args {
  int n;       // -n N: copies of the command
  int grace;   // -g GRACE_S: seconds between the forwarded signal and SIGKILL
  int direct;  // -x: exec the command's words directly instead of `/bin/sh -c`
  int flag;    // the runner's own one-letter option, when it has one
  int command; // argv index of COMMAND, after "--"; -1 when missing
};

// `flag` is the runner's own option ("-f"), or NULL. Returns 0 when N or COMMAND is missing.
static int parse_runner_args(int argc, char** argv, const char* flag, struct runner_args* args) {
  *args = (struct runner_args){0, 5, 0, 0, -1};
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      args->n = atoi(argv[++i]);
    } else if (strcmp(argv[i], "-x") == 0) {
      args->direct = 1;
    } else if (flag != NULL && strcmp(argv[i], flag) == 0) {
      args->flag = 1;
    } else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
      args->grace = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
      args->command = i + 1;
      break;
    }
  }
  return args->n > 0 && args->command >= 0;
}

// The words of COMMAND, split at blanks (no quoting: -x is for commands with nothing for the shell),
// without a leading `exec`.
static char** words_of(const char* command) {
  char* copy = strdup(command);
  size_t count = 0;
  char** words = calloc(strlen(command) / 2 + 2, sizeof *words);
  for (char* word = strtok(copy, " \t"); word != NULL; word = strtok(NULL, " \t")) {
    words[count++] = word;
  }
  return count > 0 && strcmp(words[0], "exec") == 0 ? words + 1 : words;
}
