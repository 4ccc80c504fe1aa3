// SPDX-License-Identifier: MIT
// The one writer of tfrun's stdout. The event loop hands it whole lines; a thread of its own writes them
// with blocking writes, so a slow terminal or a paused reader never stalls signal handling or the kill
// deadline. Bounded: past the high-water mark the loop stops reading children (back-pressure).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace tfrun::app {

class OutputSink {
public:
  // `notify` is called from the writer thread when the backlog fell below the low-water mark after being
  // full, or when the fd broke (EPIPE): it must only post work to the loop.
  OutputSink(int fd, std::function<void()> notify);
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  // Whole lines only. Discarded once the fd is broken.
  void submit(std::string_view bytes);
  [[nodiscard]] bool full() const;
  [[nodiscard]] bool broken() const;
  // Writes everything submitted so far, then stops the thread.
  void finish();

  static constexpr std::size_t k_high_water = 256 * 1024;
  static constexpr std::size_t k_low_water = 64 * 1024;

private:
  void write_loop();
  bool write_all(const std::string& bytes);

  int m_fd;
  std::function<void()> m_notify;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::string m_pending;
  std::size_t m_in_flight = 0; // bytes taken by the thread and not yet written
  bool m_was_full = false;
  bool m_broken = false;
  bool m_finishing = false;
  std::thread m_thread;
};

} // namespace tfrun::app
