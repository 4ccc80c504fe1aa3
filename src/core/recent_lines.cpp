// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <algorithm>
#include <cstring>

namespace tfrun::core {

void RecentLines::drop_until(std::uint64_t position) {
  m_start = position;
  while (m_first_mark < m_marks.size() && m_marks[m_first_mark].end <= m_start) {
    ++m_first_mark;
  }
  if (m_first_mark > 0 && m_first_mark * 2 >= m_marks.size()) {
    m_marks.erase(m_marks.begin(), m_marks.begin() + static_cast<std::ptrdiff_t>(m_first_mark));
    m_first_mark = 0;
  }
}

// A larger buffer (doubling, up to the limit); the kept bytes move to their places in it, a run of
// bytes contiguous in both buffers at a time.
void RecentLines::grow(std::size_t needed, std::size_t byte_limit) {
  const auto capacity = std::max(std::min(std::max(m_capacity * 2, needed), byte_limit), needed);
  std::unique_ptr<char[]> larger(new char[capacity]);
  for (auto position = m_start; position < m_end;) {
    const auto from = static_cast<std::size_t>(position % m_capacity);
    const auto to = static_cast<std::size_t>(position % capacity);
    const auto run = std::min({static_cast<std::size_t>(m_end - position), m_capacity - from, capacity - to});
    std::memcpy(larger.get() + to, m_buffer.get() + from, run);
    position += run;
  }
  m_buffer = std::move(larger);
  m_capacity = capacity;
}

void RecentLines::add(std::uint64_t seq, std::string_view bytes, std::size_t byte_limit) {
  if (bytes.empty()) {
    return;
  }
  if (bytes.size() > byte_limit) {
    // Only its last lines fit: everything before them goes, this read's first part included.
    const auto from = bytes.find('\n', bytes.size() - byte_limit - 1);
    const auto kept = from == std::string_view::npos ? std::string_view() : bytes.substr(from + 1);
    m_end += bytes.size() - kept.size();
    drop_until(m_end);
    bytes = kept;
    if (bytes.empty()) {
      return;
    }
  }
  if (m_end - m_start + bytes.size() > byte_limit) {
    // Whole lines go, oldest first, until this read fits.
    auto position = m_end + bytes.size() - byte_limit - 1;
    while (position < m_end && at(position) != '\n') {
      ++position;
    }
    drop_until(std::min(position + 1, m_end));
  }
  const auto needed = static_cast<std::size_t>(m_end - m_start) + bytes.size();
  if (needed > m_capacity) {
    grow(needed, byte_limit);
  }
  const auto offset = static_cast<std::size_t>(m_end % m_capacity);
  const auto first = std::min(bytes.size(), m_capacity - offset);
  std::memcpy(m_buffer.get() + offset, bytes.data(), first);
  std::memcpy(m_buffer.get(), bytes.data() + first, bytes.size() - first);
  m_end += bytes.size();
  m_marks.push_back({seq, m_end});
}

std::vector<RecentLines::Line> RecentLines::lines() const {
  std::vector<Line> out;
  auto mark = m_first_mark;
  Line line;
  for (auto position = m_start; position < m_end; ++position) {
    const char c = at(position);
    if (c != '\n') {
      if (line.text.size() < k_line_bytes) {
        line.text += c;
      }
      continue;
    }
    while (mark + 1 < m_marks.size() && m_marks[mark].end <= position) {
      ++mark; // the read this newline arrived in
    }
    if (!line.text.empty() && line.text.back() == '\r') {
      line.text.pop_back();
    }
    line.seq = m_marks[mark].seq;
    out.push_back(std::move(line));
    line = {};
  }
  if (!line.text.empty()) {
    line.seq = m_marks.back().seq;
    out.push_back(std::move(line));
  }
  return out;
}

std::string RecentLines::tail(std::size_t max_bytes) const {
  auto from = m_end - std::min<std::uint64_t>(max_bytes, m_end - m_start);
  if (from > m_start && at(from - 1) != '\n') {
    auto newline = from;
    while (newline < m_end && at(newline) != '\n') {
      ++newline;
    }
    if (newline + 1 < m_end) {
      from = newline + 1; // the next whole line; when nothing would be left, the newest line cut
    }
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(m_end - from));
  for (auto position = from; position < m_end; ++position) {
    out += at(position);
  }
  return out;
}

} // namespace tfrun::core
