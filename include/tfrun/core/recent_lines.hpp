// SPDX-License-Identifier: MIT
// The last output of one instance, for `tfrun logs` (docs/control.md): the bytes as they were read, in
// one circular buffer bounded in bytes that always starts at a line, with the formation-wide sequence
// number of each read so the lines of several instances merge in the order they arrived. Kept per read,
// not per line, because the output path is per line: bookkeeping per line cost a third more CPU per MB.
// Lines are cut apart only when someone asks for them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

class RecentLines {
public:
  static constexpr std::size_t k_line_bytes = 4096; // a longer line is given cut to this
  // Bytes kept per instance: the formation's budget shared out, so 10,000 chatty instances stay bounded
  // too, but never so little that the last lines are lost.
  static constexpr std::size_t k_budget_bytes = 32 * 1024 * 1024;
  static constexpr std::size_t k_min_bytes = 16 * 1024;
  static constexpr std::size_t k_max_bytes = 256 * 1024;
  [[nodiscard]] static constexpr std::size_t bytes_per_instance(std::size_t instances) {
    const auto share = k_budget_bytes / (instances == 0 ? 1 : instances);
    return share < k_min_bytes ? k_min_bytes : share > k_max_bytes ? k_max_bytes : share;
  }

  struct Line {
    std::uint64_t seq = 0; // of the read its end arrived in
    std::string text;      // without the newline (and without a CR before it)
  };

  // Keeps `bytes` (one read of the instance's output) as the newest; the oldest whole lines go while
  // more than `byte_limit` bytes are kept. Of a single read larger than that, its last lines are kept.
  void add(std::uint64_t seq, std::string_view bytes, std::size_t byte_limit);

  // The kept lines, oldest first; a last line without its newline yet is included.
  [[nodiscard]] std::vector<Line> lines() const;

  // The newest bytes as they were read, at most `max_bytes` of them, from the start of a line (the
  // newest line cut, when it alone is longer): what `tfrun attach` shows first.
  [[nodiscard]] std::string tail(std::size_t max_bytes) const;

private:
  struct Mark {
    std::uint64_t seq;
    std::uint64_t end; // the position just after the read's last byte, counted from the first byte ever
  };

  void drop_until(std::uint64_t position);
  void grow(std::size_t needed, std::size_t byte_limit);
  [[nodiscard]] char at(std::uint64_t position) const { return m_buffer[position % m_capacity]; }

  // Byte p (counted from the first byte ever) is at p % m_capacity. Not zeroed when made: every byte is
  // written before it is read.
  std::unique_ptr<char[]> m_buffer;
  std::size_t m_capacity = 0;
  std::uint64_t m_start = 0; // the oldest byte kept: always the start of a line
  std::uint64_t m_end = 0;   // just after the newest
  std::vector<Mark> m_marks; // of the reads with bytes kept, oldest first from m_first_mark
  std::size_t m_first_mark = 0;
};

} // namespace tfrun::core
