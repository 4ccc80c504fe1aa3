// SPDX-License-Identifier: MIT
#include <tfrun/engine/output_sink.hpp>

#include <tfrun/os/signal_guard.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

namespace tfrun::engine {

OutputSink::OutputSink(int fd, std::function<void()> notify) : m_fd(fd), m_notify(std::move(notify)) {
  // The thread inherits a fully blocked mask, so every signal is taken by the loop's thread.
  const os::SignalGuard blocked;
  m_thread = std::thread([this] { write_loop(); });
}

OutputSink::~OutputSink() { finish(); }

void OutputSink::submit(std::string& batch) {
  if (batch.empty() || write_in_place(batch)) {
    return;
  }
  {
    const std::lock_guard lock(m_mutex);
    if (m_broken) {
      batch.clear();
      return;
    }
    m_queued += batch.size();
    m_queue.push_back(std::move(batch));
    batch = std::string();
    if (!m_spare.empty()) {
      batch.swap(m_spare.back());
      m_spare.pop_back();
    }
    if (m_queued + m_in_flight >= k_high_water) {
      m_was_full = true;
    }
  }
  m_wake.notify_one();
}

// The hand-over to the writer thread costs two context switches per batch (docs/benchmarks.md, "The
// relay floor"). When the writer is idle, the loop writes the batch itself, but only with RWF_NOWAIT:
// what the output cannot take at once (a full pipe) goes to the writer as before, in order behind what
// was written, so the loop never blocks on stdout. An output that cannot say "would block" (EOPNOTSUPP:
// a terminal, a named FIFO, a file on ext4 or tmpfs, a pipe before Linux 6.4) turns this off for good.
// A failure is the sink's failure at once, as the writer's would be: a socket reports some errors only
// once (ECONNRESET), so leaving it for the writer's next write would lose it.
bool OutputSink::write_in_place(std::string& batch) {
  if (!m_in_place) {
    return false;
  }
  {
    const std::lock_guard lock(m_mutex);
    // Only the loop submits: with nothing queued or in flight, the writer stays idle until it does.
    if (m_broken || m_finishing || !m_queue.empty() || m_in_flight != 0) {
      return false;
    }
  }
  iovec whole{batch.data(), batch.size()};
  const auto written = ::pwritev2(m_fd, &whole, 1, -1, RWF_NOWAIT);
  if (written > 0) {
    m_written_in_place += static_cast<std::size_t>(written);
    if (written == static_cast<ssize_t>(batch.size())) {
      batch.clear();
      return true;
    }
    batch.erase(0, static_cast<std::size_t>(written));
    return false;
  }
  const int error = written < 0 ? errno : 0;
  if (error == EOPNOTSUPP || error == EINVAL || error == ENOSYS) {
    m_in_place = false;
  }
  if (error == 0 || error == EAGAIN || error == EWOULDBLOCK || error == EINTR || !m_in_place) {
    return false; // the writer takes it: it waits, retries, or meets a real EINVAL itself
  }
  {
    const std::lock_guard lock(m_mutex);
    m_broken = true;
    m_error = error;
  }
  batch.clear();
  m_notify();
  return true;
}

bool OutputSink::full() const {
  const std::lock_guard lock(m_mutex);
  return !m_broken && m_queued + m_in_flight >= k_high_water;
}

bool OutputSink::broken() const {
  const std::lock_guard lock(m_mutex);
  return m_broken;
}

int OutputSink::error() const {
  const std::lock_guard lock(m_mutex);
  return m_error;
}

void OutputSink::finish() {
  {
    const std::lock_guard lock(m_mutex);
    m_finishing = true;
  }
  m_wake.notify_one();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

namespace {

// stdout may come non-blocking (O_NONBLOCK set by whoever opened it, shared with tfrun through the open
// file): a full pipe then says EAGAIN instead of blocking. Waiting until it can take more keeps every
// byte, in order; a pipe whose reader left wakes poll too, and the next write says EPIPE.
bool wait_until_writable(int fd) {
  pollfd ready{fd, POLLOUT, 0};
  while (::poll(&ready, 1, -1) < 0) {
    if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

} // namespace

// Every waiting batch in as few system calls as the kernel allows: one writev per IOV_MAX batches, so the
// cost per line does not depend on how the loop cut its batches. On failure, the errno that stopped it.
int OutputSink::write_all(const std::vector<std::string>& batches) {
  constexpr std::size_t k_max_iov = std::min<std::size_t>(IOV_MAX, 256);
  std::array<iovec, k_max_iov> iov{};
  std::size_t next = 0;
  while (next < batches.size()) {
    std::size_t count = 0;
    for (; count < k_max_iov && next + count < batches.size(); ++count) {
      const auto& batch = batches[next + count];
      iov[count] = {const_cast<char*>(batch.data()), batch.size()};
    }
    next += count;
    iovec* part = iov.data();
    while (count > 0) {
      const auto written = ::writev(m_fd, part, static_cast<int>(count));
      if (written < 0) {
        const int error = errno;
        if (error == EINTR) {
          continue;
        }
        if ((error == EAGAIN || error == EWOULDBLOCK) && wait_until_writable(m_fd)) {
          continue;
        }
        return error; // EPIPE: the reader is gone; ENOSPC, EIO...: the output cannot take it
      }
      // A short write (a signal, a full non-blocking pipe): carry on from the first byte not written.
      auto left = static_cast<std::size_t>(written);
      while (count > 0 && left >= part->iov_len) {
        left -= part->iov_len;
        ++part;
        --count;
      }
      if (count > 0) {
        part->iov_base = static_cast<char*>(part->iov_base) + left;
        part->iov_len -= left;
      }
    }
  }
  return 0;
}

// Called with the lock held. Oversized buffers (a huge line passed through) are freed, not kept.
void OutputSink::recycle(std::vector<std::string>& batches) {
  for (auto& batch : batches) {
    if (m_spare.size() < k_spare_buffers && batch.capacity() <= k_max_spare_capacity) {
      batch.clear();
      m_spare.push_back(std::move(batch));
    }
  }
  batches.clear();
}

void OutputSink::write_loop() {
  std::vector<std::string> batches;
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return !m_queue.empty() || m_finishing; });
    if (m_queue.empty()) {
      return; // finishing and nothing left
    }
    batches.swap(m_queue);
    m_in_flight = m_queued;
    m_queued = 0;
    lock.unlock();
    const int error = write_all(batches);
    lock.lock();
    recycle(batches);
    m_in_flight = 0;
    bool tell_loop = false;
    if (error != 0) {
      m_broken = true;
      m_error = error;
      m_queue.clear();
      m_queued = 0;
      tell_loop = true;
    } else if (m_was_full && m_queued < k_low_water) {
      m_was_full = false;
      tell_loop = true;
    }
    if (tell_loop) {
      lock.unlock();
      m_notify();
      lock.lock();
    }
  }
}

} // namespace tfrun::engine
