// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <algorithm>

namespace tfrun::core {

void RecentLines::add(std::uint64_t seq, std::string_view text, std::size_t byte_limit) {
  Line line{seq, std::string(text.substr(0, k_line_bytes))};
  m_bytes += line.text.size();
  if (m_count < m_slots.size()) {
    m_slots[(m_first + m_count) % m_slots.size()] = std::move(line);
    ++m_count;
  } else if (m_slots.size() < k_lines) {
    // Grown one line at a time (a deque starts with a 512-byte block: 5 MB across 10,000 instances
    // that printed one line); the oldest first again before growing.
    std::rotate(m_slots.begin(), m_slots.begin() + static_cast<std::ptrdiff_t>(m_first), m_slots.end());
    m_first = 0;
    m_slots.push_back(std::move(line));
    ++m_count;
  } else {
    m_bytes -= m_slots[m_first].text.size();
    m_slots[m_first] = std::move(line);
    m_first = (m_first + 1) % m_slots.size();
  }
  while (m_bytes > byte_limit && m_count > 1) {
    m_bytes -= m_slots[m_first].text.size();
    m_slots[m_first] = {};
    m_first = (m_first + 1) % m_slots.size();
    --m_count;
  }
}

} // namespace tfrun::core
