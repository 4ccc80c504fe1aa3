// SPDX-License-Identifier: MIT
// The one writer of tfrun's stdout. The event loop hands it batches of whole lines; a thread of its own
// writes them with blocking writes, so a slow terminal or a paused reader never stalls signal handling or
// the kill deadline. When that thread is idle and the output takes a batch without blocking, the loop
// writes it itself (RWF_NOWAIT). Bounded: past the high-water mark the loop stops reading children
// (back-pressure).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tfrun::engine {

class OutputSink {
public:
  // `notify` is called when the backlog fell below the low-water mark after being full, or when a write
  // failed for good (EPIPE, ENOSPC, EIO...), from the writer thread or from inside submit(): it must only
  // post work to the loop. EINTR is retried, and EAGAIN (a non-blocking fd) waits until the fd can take
  // more: neither loses or tears a line. submit() may write to `fd` on the caller's thread, so SIGPIPE
  // must be ignored there (the supervisor ignores it) for a closed reader to be an error, not a signal.
  OutputSink(int fd, std::function<void()> notify);
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  // Whole lines only, written in the order submitted. Takes the batch's storage instead of copying it and
  // leaves `batch` empty, holding a buffer the writer has finished with when there is one, so a stream of
  // batches reuses the same few buffers. Discarded once the fd is broken.
  void submit(std::string& batch);
  [[nodiscard]] bool full() const;
  [[nodiscard]] bool broken() const;
  // The errno of the write that broke the fd (EPIPE when the reader went away), or 0.
  [[nodiscard]] int error() const;
  // Writes everything submitted so far, then stops the thread.
  void finish();
  // Bytes the caller's thread wrote itself inside submit() (RWF_NOWAIT, the writer idle).
  [[nodiscard]] std::size_t written_in_place() const { return m_written_in_place; }

  static constexpr std::size_t k_high_water = 256 * 1024;
  static constexpr std::size_t k_low_water = 128 * 1024;
  // Buffers kept for reuse once written: enough for a backlog at the high-water mark in batches of the
  // loop's size (LogOutput::k_batch_bytes, which ends in a buffer of 64 KiB capacity at most). A buffer
  // that grew past that (a huge line went through) is freed instead.
  static constexpr std::size_t k_spare_buffers = 12;
  static constexpr std::size_t k_max_spare_capacity = 64 * 1024;

private:
  bool write_in_place(std::string& batch);
  void write_loop();
  int write_all(const std::vector<std::string>& batches);
  void recycle(std::vector<std::string>& batches);

  int m_fd;
  std::function<void()> m_notify;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<std::string> m_queue; // batches waiting for the writer, in order
  std::vector<std::string> m_spare; // empty buffers with their capacity, for the loop's next batches
  std::size_t m_queued = 0;         // bytes in m_queue
  std::size_t m_in_flight = 0;      // bytes taken by the thread and not yet written
  bool m_was_full = false;
  bool m_broken = false;
  int m_error = 0;
  bool m_finishing = false;
  bool m_in_place = true;             // the submitting thread's only
  std::size_t m_written_in_place = 0; // the submitting thread's only
  std::thread m_thread;
};

} // namespace tfrun::engine
