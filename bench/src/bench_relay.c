// SPDX-License-Identifier: MIT
// The relay floor: the least a supervisor that keeps lines whole must do. Each child writes into a pipe
// of its own; one thread waits on all of them with epoll, reads what is there and writes it to stdout.
// Nothing else: no timestamps to compute, no colours to choose, no state per line.
//
//   bench_relay [-f] [-x] [-g GRACE_S] -n N -- COMMAND
//
// Without -f the bytes go out as read (a read can end inside a line, so lines of different children
// tear where two reads meet): the cost of the extra pipe and copies alone. With -f every whole line goes
// out behind a fixed head as long as tfrun's with colour and timestamps ("\e[36m12:00:00 w.1   | \e[0m"),
// a line cut by a read waits for its end: the cost of framing at its cheapest. Children are started as
// bench_spawn starts them (own process group, PORT=5000+i, `/bin/sh -c` or with -x exec'd directly);
// TERM, INT and HUP go to every group, SIGKILL after GRACE_S. Exits once every child has exited and
// every pipe is at its end.
#define _GNU_SOURCE
#include "bench_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

enum { k_read_size = 64 * 1024, k_flush_at = 32 * 1024, k_head_max = 64 };

struct child {
  pid_t pid;
  int fd;
  char head[k_head_max];
  size_t head_len;
  char* partial; // framed mode: the start of a line a read cut, until its end arrives
  size_t partial_len, partial_cap;
};

static char* out;
static size_t out_len, out_cap;

static void write_out(void) {
  for (size_t done = 0; done < out_len;) {
    const ssize_t n = write(STDOUT_FILENO, out + done, out_len - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      exit(1);
    }
    done += (size_t)n;
  }
  out_len = 0;
}

static void append(char** buf, size_t* len, size_t* cap, const char* bytes, size_t n) {
  if (*len + n > *cap) {
    *cap = (*len + n) * 2;
    *buf = realloc(*buf, *cap);
  }
  memcpy(*buf + *len, bytes, n);
  *len += n;
}

static void put_line(struct child* c, const char* text, size_t n) {
  append(&out, &out_len, &out_cap, c->head, c->head_len);
  append(&out, &out_len, &out_cap, text, n);
}

// Frames `bytes`: whole lines go out behind the head, the tail without its newline is held.
static void frame(struct child* c, const char* bytes, size_t n) {
  const char* end = bytes + n;
  const char* at = bytes;
  const char* nl = memchr(at, '\n', (size_t)(end - at));
  if (nl != NULL && c->partial_len > 0) {
    append(&c->partial, &c->partial_len, &c->partial_cap, at, (size_t)(nl + 1 - at));
    put_line(c, c->partial, c->partial_len);
    c->partial_len = 0;
    at = nl + 1;
    nl = memchr(at, '\n', (size_t)(end - at));
  }
  for (; nl != NULL; nl = memchr(at, '\n', (size_t)(end - at))) {
    put_line(c, at, (size_t)(nl + 1 - at));
    at = nl + 1;
  }
  if (at < end) {
    append(&c->partial, &c->partial_len, &c->partial_cap, at, (size_t)(end - at));
  }
}

int main(int argc, char** argv) {
  struct runner_args args;
  if (!parse_runner_args(argc, argv, "-f", &args)) {
    fprintf(stderr, "usage: bench_relay [-f] [-x] [-g GRACE_S] -n N -- COMMAND\n");
    return 2;
  }
  const int n = args.n, grace = args.grace, cmd = args.command, direct = args.direct;
  const int framed = args.flag;
  sigset_t taken, original;
  sigemptyset(&taken);
  sigaddset(&taken, SIGCHLD);
  sigaddset(&taken, SIGTERM);
  sigaddset(&taken, SIGINT);
  sigaddset(&taken, SIGHUP);
  sigaddset(&taken, SIGALRM);
  sigprocmask(SIG_BLOCK, &taken, &original);
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  const int signals = signalfd(-1, &taken, SFD_CLOEXEC | SFD_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)n};
  epoll_ctl(epoll, EPOLL_CTL_ADD, signals, &ev);
  struct child* kids = calloc((size_t)n, sizeof *kids);
  char** words = direct ? words_of(argv[cmd]) : NULL;
  int running = 0, open_pipes = 0;
  for (int i = 0; i < n; ++i) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      perror("pipe2");
      return 1;
    }
    const pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
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
    close(fds[1]);
    if (pid < 0) {
      close(fds[0]);
      continue;
    }
    setpgid(pid, pid);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    kids[i].pid = pid;
    kids[i].fd = fds[0];
    kids[i].head_len =
        (size_t)snprintf(kids[i].head, sizeof kids[i].head, "\033[3%dm12:00:00 w.%-4d| \033[0m", 1 + i % 6, i + 1);
    ev.data.u64 = (uint64_t)i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fds[0], &ev);
    ++running;
    ++open_pipes;
  }
  static char chunk[k_read_size];
  int forwarded = 0;
  struct epoll_event ready[64];
  while (running > 0 || open_pipes > 0) {
    const int count = epoll_wait(epoll, ready, 64, -1);
    for (int e = 0; e < count; ++e) {
      const uint64_t at = ready[e].data.u64;
      if (at == (uint64_t)n) {
        struct signalfd_siginfo info;
        while (read(signals, &info, sizeof info) == (ssize_t)sizeof info) {
          if (info.ssi_signo == SIGCHLD) {
            for (pid_t pid; (pid = waitpid(-1, NULL, WNOHANG)) > 0;) {
              for (int i = 0; i < n; ++i) {
                if (kids[i].pid == pid) {
                  kids[i].pid = 0; // its group may be gone: never signalled again
                }
              }
              --running;
            }
          } else if (info.ssi_signo == SIGALRM || !forwarded) {
            const int sig = info.ssi_signo == SIGALRM ? SIGKILL : (int)info.ssi_signo;
            for (int i = 0; i < n; ++i) {
              if (kids[i].pid > 0) {
                kill(-kids[i].pid, sig);
              }
            }
            if (!forwarded) {
              forwarded = 1;
              alarm((unsigned)grace);
            }
          }
        }
        continue;
      }
      struct child* c = &kids[at];
      for (int reads = 0; reads < 4; ++reads) {
        const ssize_t got = read(c->fd, chunk, sizeof chunk);
        if (got > 0) {
          if (framed) {
            frame(c, chunk, (size_t)got);
          } else {
            append(&out, &out_len, &out_cap, chunk, (size_t)got);
          }
          if (out_len >= k_flush_at) {
            write_out();
          }
          if ((size_t)got < sizeof chunk) {
            break;
          }
          continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
          break;
        }
        if (c->partial_len > 0) {
          put_line(c, c->partial, c->partial_len);
          append(&out, &out_len, &out_cap, "\n", 1);
          c->partial_len = 0;
        }
        epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        --open_pipes;
        break;
      }
    }
    write_out();
  }
  return 0;
}
