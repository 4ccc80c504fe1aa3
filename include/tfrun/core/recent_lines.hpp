// SPDX-License-Identifier: MIT
// The last lines of one instance, for `tfrun logs` (docs/control.md): bounded in lines and in bytes, each
// line stamped with the formation-wide sequence number so the rings of several instances merge in order.
// Kept as records in one byte buffer, so an instance that printed one short line costs one small block
// (10,000 instances: a vector of strings cost 1.6 MB more).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

class RecentLines {
public:
  static constexpr std::size_t k_lines = 1000;
  static constexpr std::size_t k_line_bytes = 4096; // a longer line is kept cut to this
  // Bytes kept per instance: the formation's budget shared out, so 10,000 chatty instances stay bounded
  // too, but never so little that the last few lines are lost.
  static constexpr std::size_t k_budget_bytes = 32 * 1024 * 1024;
  static constexpr std::size_t k_min_bytes = 16 * 1024;
  static constexpr std::size_t k_max_bytes = 256 * 1024;
  [[nodiscard]] static constexpr std::size_t bytes_per_instance(std::size_t instances) {
    const auto share = k_budget_bytes / (instances == 0 ? 1 : instances);
    return share < k_min_bytes ? k_min_bytes : share > k_max_bytes ? k_max_bytes : share;
  }

  struct Line {
    std::uint64_t seq = 0;
    std::string_view text; // valid until the next add()
  };

  // Keeps `text` (cut to k_line_bytes) as the newest line; the oldest go while there are more than
  // k_lines or their text takes more than `byte_limit` bytes, but the newest line always stays.
  void add(std::uint64_t seq, std::string_view text, std::size_t byte_limit);

  [[nodiscard]] std::size_t size() const { return m_count; }
  // Oldest first.
  [[nodiscard]] std::vector<Line> lines() const;

private:
  // Records from m_head on: the sequence number (8 bytes), the text's length (4), the text.
  std::string m_data;
  std::uint32_t m_head = 0;
  std::uint32_t m_count = 0;
  std::uint32_t m_text_bytes = 0;
};

} // namespace tfrun::core
