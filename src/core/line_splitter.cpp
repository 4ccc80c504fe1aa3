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
  // What a screen shows of the part before the CR is nothing but its colour settings: those stay, so a
  // line coloured before its redraws is shown coloured however its bytes were split between reads.
  std::string kept;
  std::string scratch;
  const auto before = as_shown_on_screen(std::string_view(m_partial).substr(0, cr + 1), scratch);
  for (std::size_t at = before.find('\x1b'); at != std::string_view::npos; at = before.find('\x1b', at + 1)) {
    const auto end_of_style = before.find('m', at);
    if (end_of_style == std::string_view::npos) {
      break;
    }
    const auto style = before.substr(at, end_of_style + 1 - at);
    if (style == "\x1b[0m" || style == "\x1b[m") {
      kept.clear(); // a reset: what came before it no longer counts (and a bar redrawn forever stays small)
    } else {
      kept += style;
    }
  }
  m_partial.replace(0, cr + 1, kept);
}

void LineSplitter::release_large_buffer() {
  constexpr std::size_t k_keep_capacity = 64 * 1024;
  if (m_partial.capacity() > k_keep_capacity) {
    std::string().swap(m_partial);
  }
}

} // namespace tfrun::core
