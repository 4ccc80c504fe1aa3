// SPDX-License-Identifier: MIT
#include <tfrun/core/screen_line.hpp>

#include <algorithm>

namespace tfrun::core {
namespace {

constexpr char k_escape = '\x1b';

bool needs_rendering(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

// The end of the escape sequence starting at `at` (line[at] == ESC), and whether it is a CSI with `final`.
struct Sequence {
  std::size_t end = 0;
  char kind = 0;  // '[' CSI, ']' OSC, else another escape
  char final = 0; // of a CSI
  std::string_view parameters;
};

Sequence read_sequence(std::string_view line, std::size_t at) {
  Sequence sequence;
  if (at + 1 >= line.size()) {
    sequence.end = line.size();
    return sequence;
  }
  sequence.kind = line[at + 1];
  auto i = at + 2;
  if (sequence.kind == '[') {
    const auto start = i;
    while (i < line.size() && line[i] >= 0x30 && line[i] <= 0x3f) {
      ++i; // parameters
    }
    sequence.parameters = line.substr(start, i - start);
    while (i < line.size() && line[i] >= 0x20 && line[i] <= 0x2f) {
      ++i; // intermediates
    }
    if (i < line.size()) {
      sequence.final = line[i++];
    }
  } else if (sequence.kind == ']') {
    // Up to BEL or ST (ESC \).
    while (i < line.size() && line[i] != '\a' && !(line[i] == k_escape && i + 1 < line.size() && line[i + 1] == '\\')) {
      ++i;
    }
    i = i >= line.size() ? i : i + (line[i] == '\a' ? 1 : 2);
  } else if (sequence.kind == '(' || sequence.kind == ')' || sequence.kind == '#' || sequence.kind == '%') {
    i = std::min(i + 1, line.size()); // a character set or line attribute: one more byte
  }
  sequence.end = i;
  return sequence;
}

bool starts_line_over(const Sequence& sequence) {
  if (sequence.kind != '[') {
    return false;
  }
  const auto& p = sequence.parameters;
  return (sequence.final == 'G' && (p.empty() || p == "1" || p == "0")) || (sequence.final == 'K' && p == "2");
}

} // namespace

std::string_view as_shown_on_screen(std::string_view line, std::string& scratch) {
  if (!needs_rendering(line)) {
    return line;
  }
  auto end = line.size();
  while (end > 0 && line[end - 1] == '\r') {
    --end;
  }
  line = line.substr(0, end);
  scratch.clear();
  std::string styles;                          // every colour setting so far: kept when the line starts over
  std::size_t after_style = std::string::npos; // where scratch ended after its last colour setting
  const auto start_over = [&] { scratch = styles; };
  for (std::size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (c == '\r') {
      start_over();
      ++i;
    } else if (c == '\b') {
      // The last character shown (a UTF-8 character is one), unless only styles are left.
      auto at = scratch.size();
      while (at > styles.size() && (static_cast<unsigned char>(scratch[at - 1]) & 0xc0) == 0x80) {
        --at;
      }
      if (at > styles.size() && scratch.size() != after_style) {
        scratch.erase(at - 1);
      }
      ++i;
    } else if (c == k_escape) {
      const auto sequence = read_sequence(line, i);
      if (sequence.kind == '[' && sequence.final == 'm') {
        const auto text = line.substr(i, sequence.end - i);
        scratch += text;
        styles += text;
        after_style = scratch.size();
      } else if (starts_line_over(sequence)) {
        start_over();
      }
      i = sequence.end;
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f') {
      ++i; // BEL, shift-in/out and the like: nothing a line of text keeps
    } else {
      scratch += c;
      ++i;
    }
  }
  return scratch;
}

} // namespace tfrun::core
