// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <cstring>

namespace tfrun::core {
namespace {

constexpr std::size_t k_header = sizeof(std::uint64_t) + sizeof(std::uint32_t);

std::uint32_t length_at(const std::string& data, std::size_t at) {
  std::uint32_t length = 0;
  std::memcpy(&length, data.data() + at + sizeof(std::uint64_t), sizeof length);
  return length;
}

} // namespace

void RecentLines::add(std::uint64_t seq, std::string_view text, std::size_t byte_limit) {
  text = text.substr(0, k_line_bytes);
  const auto length = static_cast<std::uint32_t>(text.size());
  char header[k_header];
  std::memcpy(header, &seq, sizeof seq);
  std::memcpy(header + sizeof seq, &length, sizeof length);
  m_data.append(header, k_header).append(text);
  ++m_count;
  m_text_bytes += length;
  while (m_count > k_lines || (m_text_bytes > byte_limit && m_count > 1)) {
    const auto oldest = length_at(m_data, m_head);
    m_head += static_cast<std::uint32_t>(k_header) + oldest;
    m_text_bytes -= oldest;
    --m_count;
  }
  // Dropped records are cut off once they are half the buffer: each byte is moved at most once on average.
  if (m_head > 0 && m_head >= m_data.size() / 2) {
    m_data.erase(0, m_head);
    m_head = 0;
  }
}

std::vector<RecentLines::Line> RecentLines::lines() const {
  std::vector<Line> out;
  out.reserve(m_count);
  for (std::size_t at = m_head; at < m_data.size();) {
    Line line;
    std::memcpy(&line.seq, m_data.data() + at, sizeof line.seq);
    const auto length = length_at(m_data, at);
    line.text = std::string_view(m_data).substr(at + k_header, length);
    out.push_back(line);
    at += k_header + length;
  }
  return out;
}

} // namespace tfrun::core
