// SPDX-License-Identifier: MIT
#include <tfrun/app/output_sink.hpp>

#include <tfrun/os/signal_guard.hpp>

#include <cerrno>
#include <unistd.h>

namespace tfrun::app {

OutputSink::OutputSink(int fd, std::function<void()> notify) : m_fd(fd), m_notify(std::move(notify)) {
  // The thread inherits a fully blocked mask, so every signal is taken by the loop's thread.
  const os::SignalGuard blocked;
  m_thread = std::thread([this] { write_loop(); });
}

OutputSink::~OutputSink() { finish(); }

void OutputSink::submit(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  {
    const std::lock_guard lock(m_mutex);
    if (m_broken) {
      return;
    }
    m_pending.append(bytes);
    if (m_pending.size() + m_in_flight >= k_high_water) {
      m_was_full = true;
    }
  }
  m_wake.notify_one();
}

bool OutputSink::full() const {
  const std::lock_guard lock(m_mutex);
  return !m_broken && m_pending.size() + m_in_flight >= k_high_water;
}

bool OutputSink::broken() const {
  const std::lock_guard lock(m_mutex);
  return m_broken;
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

bool OutputSink::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto written = ::write(m_fd, bytes.data() + done, bytes.size() - done);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false; // EPIPE and friends: the reader is gone
    }
    done += static_cast<std::size_t>(written);
  }
  return true;
}

void OutputSink::write_loop() {
  std::string batch;
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return !m_pending.empty() || m_finishing; });
    if (m_pending.empty()) {
      return; // finishing and nothing left
    }
    batch.swap(m_pending);
    m_in_flight = batch.size();
    lock.unlock();
    const bool ok = write_all(batch);
    batch.clear();
    if (batch.capacity() > 4 * k_high_water) {
      std::string().swap(batch);
    }
    lock.lock();
    m_in_flight = 0;
    bool tell_loop = false;
    if (!ok) {
      m_broken = true;
      m_pending.clear();
      tell_loop = true;
    } else if (m_was_full && m_pending.size() < k_low_water) {
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

} // namespace tfrun::app
