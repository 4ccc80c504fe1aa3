// SPDX-License-Identifier: MIT
// OutputSink against real descriptors: whatever mix of writes in place (the loop's, RWF_NOWAIT) and
// writes by its thread a batch takes, every byte arrives once and in order, on a pipe, a non-blocking
// pipe, a terminal and a file; a reader that went away is reported, not waited for.
#include <tfrun/engine/output_sink.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <future>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

using tfrun::engine::OutputSink;

namespace {

// Distinct lines, so a byte written twice, dropped or out of place changes the text read back.
std::string numbered_lines(int first, int count) {
  std::string text;
  for (int i = first; i < first + count; ++i) {
    text += "line " + std::to_string(i) + " of the batch, padded to look like a log line ........\n";
  }
  return text;
}

// Reads `fd` until `want` bytes arrived, the writer closed it, or 10 s went by without a byte.
std::string read_all(int fd, std::size_t want) {
  std::string got;
  char chunk[8192];
  while (got.size() < want) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 10'000) <= 0) {
      break;
    }
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) {
      break;
    }
    got.append(chunk, static_cast<std::size_t>(n));
  }
  return got;
}

// `count` batches of 200 lines each.
std::vector<std::string> make_batches(int count) {
  std::vector<std::string> batches;
  for (int b = 0; b < count; ++b) {
    batches.push_back(numbered_lines(b * 200, 200));
  }
  return batches;
}

std::string joined(const std::vector<std::string>& batches) {
  std::string all;
  for (const auto& batch : batches) {
    all += batch;
  }
  return all;
}

// Whether this kernel lets a pipe say "would block" to one write (RWF_NOWAIT on pipes: Linux 6.4).
bool pipes_take_nowait() {
  int fds[2];
  if (::pipe(fds) != 0) {
    return false;
  }
  char byte = 'x';
  iovec one{&byte, 1};
  const bool taken = ::pwritev2(fds[1], &one, 1, -1, RWF_NOWAIT) == 1;
  ::close(fds[0]);
  ::close(fds[1]);
  return taken;
}

void submit_all(OutputSink& sink, std::vector<std::string> batches) {
  for (auto& batch : batches) {
    sink.submit(batch);
    CHECK(batch.empty()); // taken, never copied back
  }
}

} // namespace

TEST_CASE("a pipe smaller than the batches: every byte arrives once, in order, while the reader lags") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096); // a batch never fits whole: part in place, the rest by the thread
  const auto batches = make_batches(40);
  const std::string sent = joined(batches);
  std::string got;
  {
    OutputSink sink(fds[1], [] {});
    std::thread reader([&] { got = read_all(fds[0], sent.size()); });
    submit_all(sink, batches);
    sink.finish();
    ::close(fds[1]);
    reader.join();
    CHECK_FALSE(sink.broken());
    if (pipes_take_nowait()) {
      CHECK(sink.written_in_place() > 0); // the loop's own writes were part of the stream
      CHECK(sink.written_in_place() < sent.size());
    }
  }
  ::close(fds[0]);
  CHECK(got.size() == sent.size());
  CHECK(got == sent);
}

TEST_CASE("a full pipe nobody reads: submit never blocks, the backlog reports full") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  const auto batches = make_batches(30); // more than the high-water mark
  const std::string sent = joined(batches);
  std::string got;
  {
    OutputSink sink(fds[1], [] {});
    auto submitting = std::async(std::launch::async, [&] { submit_all(sink, batches); });
    const bool returned = submitting.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    const bool full = sink.full();
    got = read_all(fds[0], sent.size()); // unblocks a submit that wrongly waited, so the test ends
    submitting.wait();
    CHECK(returned);
    CHECK(full);
    sink.finish();
  }
  ::close(fds[1]);
  ::close(fds[0]);
  CHECK(got == sent);
}

TEST_CASE("a connection reset by the peer: the sink reports ECONNRESET, which a socket says only once") {
  std::signal(SIGPIPE, SIG_IGN);
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const int output = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(::connect(output, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const int peer = ::accept(listener, nullptr, nullptr);
  REQUIRE(peer >= 0);
  const linger reset{1, 0};
  REQUIRE(::setsockopt(peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0);
  ::close(peer); // a reset, not an orderly close
  pollfd arrived{output, POLLIN, 0};
  REQUIRE(::poll(&arrived, 1, 10'000) == 1);
  {
    OutputSink sink(output, [] {});
    submit_all(sink, make_batches(3));
    sink.finish();
    CHECK(sink.broken());
    CHECK(sink.error() == ECONNRESET);
  }
  ::close(output);
  ::close(listener);
}

TEST_CASE("a non-blocking pipe: a full pipe waits instead of losing the batch") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_NONBLOCK) == 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  const auto batches = make_batches(20);
  const std::string sent = joined(batches);
  std::string got;
  {
    OutputSink sink(fds[1], [] {});
    submit_all(sink, batches); // nobody reads yet: the pipe fills, the rest queues
    std::thread reader([&] {
      ::fcntl(fds[0], F_SETFL, 0);
      got = read_all(fds[0], sent.size());
    });
    sink.finish();
    ::close(fds[1]);
    reader.join();
    CHECK_FALSE(sink.broken());
  }
  ::close(fds[0]);
  CHECK(got == sent);
}

TEST_CASE("a terminal and a file take every batch in order") {
  SECTION("a terminal") {
    int master = -1;
    int slave = -1;
    REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
    termios mode{};
    REQUIRE(::tcgetattr(slave, &mode) == 0);
    ::cfmakeraw(&mode); // no \n -> \r\n: the bytes read back are the bytes written
    REQUIRE(::tcsetattr(slave, TCSANOW, &mode) == 0);
    const auto batches = make_batches(10);
    const std::string sent = joined(batches);
    std::string got;
    {
      OutputSink sink(slave, [] {});
      std::thread reader([&] { got = read_all(master, sent.size()); });
      submit_all(sink, batches);
      sink.finish();
      reader.join();
      CHECK_FALSE(sink.broken());
    }
    ::close(slave);
    ::close(master);
    CHECK(got == sent);
  }
  SECTION("a file opened for appending") {
    char path[] = "/tmp/tfrun-sink-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::fcntl(fd, F_SETFL, O_APPEND);
    const auto batches = make_batches(10);
    const std::string sent = joined(batches);
    {
      OutputSink sink(fd, [] {});
      submit_all(sink, batches);
      sink.finish();
      CHECK_FALSE(sink.broken());
    }
    ::lseek(fd, 0, SEEK_SET);
    const std::string got = read_all(fd, sent.size());
    ::close(fd);
    ::unlink(path);
    CHECK(got == sent);
  }
}

TEST_CASE("a reader that went away: the sink reports EPIPE and drops the rest without blocking") {
  std::signal(SIGPIPE, SIG_IGN); // as tfrun runs: EPIPE instead of the signal, in whichever thread writes
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  std::atomic<int> notified{0};
  OutputSink sink(fds[1], [&] { ++notified; });
  submit_all(sink, make_batches(5));
  sink.finish();
  CHECK(sink.broken());
  CHECK(sink.error() == EPIPE);
  CHECK(notified.load() >= 1);
  std::string late = numbered_lines(0, 1);
  sink.submit(late); // after the break: discarded, not queued
  CHECK(late.empty());
  ::close(fds[1]);
}
