// SPDX-License-Identifier: MIT
#include <tfrun/core/line_splitter.hpp>

namespace tfrun::core {

std::size_t utf8_safe_cut(std::string_view text) {
  // Look back over at most three continuation bytes (10xxxxxx) for the lead byte they belong to.
  const auto is_continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  std::size_t lead = text.size();
  std::size_t continuations = 0;
  while (lead > 0 && continuations < 3 && is_continuation(static_cast<unsigned char>(text[lead - 1]))) {
    --lead;
    ++continuations;
  }
  if (lead == 0) {
    return text.size();
  }
  --lead;
  const auto c = static_cast<unsigned char>(text[lead]);
  std::size_t length = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
  }
  // A lead byte whose sequence does not fit: cut before it. Anything else (ASCII, a finished sequence,
  // stray continuation bytes, a byte that cannot start UTF-8) ends where it ends.
  return length > continuations + 1 ? lead : text.size();
}

// After a huge line, give the memory back so a thousand quiet children do not each keep a megabyte.
void LineSplitter::start_over_after_carriage_return() {
  auto end = m_partial.size();
  while (end > 0 && m_partial[end - 1] == '\r') {
    --end;
  }
  const auto cr = std::string_view(m_partial).substr(0, end).rfind('\r');
  if (cr == std::string_view::npos) {
    return;
  }
  // Of the part before the CR a screen keeps nothing but the colour it left in force: that stays, so a
  // line coloured before its redraws is shown coloured however its bytes were split between reads.
  const auto kept = style_in_force(std::string_view(m_partial).substr(0, cr + 1));
  m_partial.replace(0, cr + 1, kept);
}

void LineSplitter::release_large_buffer() {
  constexpr std::size_t k_keep_capacity = 64 * 1024;
  if (m_partial.capacity() > k_keep_capacity) {
    std::string().swap(m_partial);
  }
}

} // namespace tfrun::core
