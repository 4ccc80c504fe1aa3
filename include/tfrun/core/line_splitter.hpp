// SPDX-License-Identifier: MIT
// Turns the bytes of one child's pipe into whole lines (docs/formats.md): a line is emitted at its newline,
// at EOF, when a quiet period ends it, or in chunks when it grows past the limit. Never on a short timer.
// Output read from a pseudo-terminal (`tfrun start --pty`) is read as a screen shows it: "\r\n" ends a line
// as "\n" does, and a lone "\r" starts the line over (docs/terminal.md).
#pragma once

#include <tfrun/core/screen_line.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace tfrun::core {

// 1 MiB: lines up to this length arrive whole; a longer one is cut into chunks of at most this size, each
// cut between two UTF-8 characters (up to 3 bytes earlier) so that no character is split.
constexpr std::size_t k_max_line_bytes = 1024 * 1024;

// Where to cut `text` so that its end does not fall inside a UTF-8 character: text.size(), or the start of
// an unfinished multi-byte sequence at its very end (a lead byte followed by fewer continuation bytes than
// it announces). Bytes that are not UTF-8 at all are never held back: they are cut where they fall.
[[nodiscard]] std::size_t utf8_safe_cut(std::string_view text);

struct LinePiece {
  std::string_view text;     // without the newline; valid until the next call on the splitter
  bool continuation = false; // this piece continues a line whose start was already emitted
  bool complete = true;      // false: the line goes on (a chunk, or a partial line shown after silence)
};

class LineSplitter {
public:
  explicit LineSplitter(std::size_t max_line_bytes = k_max_line_bytes) : m_max_line_bytes(max_line_bytes) {}

  // Terminal output from now on (true) or a pipe's (false). Set between lives, when nothing is held.
  void set_terminal(bool terminal) { m_terminal = terminal; }
  [[nodiscard]] bool terminal() const { return m_terminal; }

  // Calls `emit(const LinePiece&)` for each whole line (and each full chunk) in `bytes`; keeps the rest.
  template <typename Emit> void feed(std::string_view bytes, Emit&& emit);
  // Emits the held partial line, if any, marked incomplete (a quiet period passed or EOF was reached).
  template <typename Emit> void flush(Emit&& emit);

  [[nodiscard]] bool has_partial() const { return !m_partial.empty(); }
  // Nothing held and no line under way: the next byte starts a line.
  [[nodiscard]] bool at_line_start() const { return m_partial.empty() && !m_in_continuation; }
  [[nodiscard]] std::size_t max_line_bytes() const { return m_max_line_bytes; }
  [[nodiscard]] std::size_t buffered_bytes() const { return m_partial.size(); }

private:
  template <typename Emit> void emit_piece(std::string_view text, bool complete, Emit& emit);
  template <typename Emit> void feed_terminal(std::string_view bytes, Emit& emit);
  void release_large_buffer();
  // Of the held partial line, drops what a carriage return followed by more text overwrote on a screen
  // (a trailing "\r" is kept: a "\n" may follow it).
  void start_over_after_carriage_return();

  std::size_t m_max_line_bytes;
  std::string m_partial;
  bool m_in_continuation = false; // the start of the current line was already emitted
  bool m_terminal = false;
  std::string m_shown; // what as_shown_on_screen made of the last line that needed it
};

template <typename Emit> void LineSplitter::emit_piece(std::string_view text, bool complete, Emit& emit) {
  emit(LinePiece{text, m_in_continuation, complete});
  m_in_continuation = !complete;
}

template <typename Emit> void LineSplitter::feed(std::string_view bytes, Emit&& emit) {
  if (m_terminal) {
    feed_terminal(bytes, emit);
    return;
  }
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const auto take = newline == std::string_view::npos ? bytes.size() : newline;
    if (m_partial.empty() && newline != std::string_view::npos && take <= m_max_line_bytes) {
      emit_piece(bytes.substr(0, take), true, emit); // fast path: no copy
      bytes.remove_prefix(take + 1);
      continue;
    }
    const auto room = m_max_line_bytes - m_partial.size();
    if (take > room) {
      m_partial.append(bytes.substr(0, room));
      bytes.remove_prefix(room);
      // The tail of a character cut by the limit (at most 3 bytes) starts the next chunk.
      auto cut = utf8_safe_cut(m_partial);
      cut = cut == 0 ? m_partial.size() : cut; // a limit shorter than one character: cut inside it
      emit_piece(std::string_view(m_partial).substr(0, cut), false, emit);
      m_partial.erase(0, cut);
      continue;
    }
    m_partial.append(bytes.substr(0, take));
    if (newline == std::string_view::npos) {
      return;
    }
    bytes.remove_prefix(take + 1);
    emit_piece(m_partial, true, emit);
    m_partial.clear();
    release_large_buffer();
  }
}

template <typename Emit> void LineSplitter::feed_terminal(std::string_view bytes, Emit& emit) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const auto take = newline == std::string_view::npos ? bytes.size() : newline;
    if (m_partial.empty() && newline != std::string_view::npos) {
      const auto shown = as_shown_on_screen(bytes.substr(0, take), m_shown);
      if (shown.size() <= m_max_line_bytes) {
        emit_piece(shown, true, emit); // fast path: no copy
        bytes.remove_prefix(take + 1);
        continue;
      }
    }
    m_partial.append(bytes.substr(0, take));
    start_over_after_carriage_return();
    if (newline != std::string_view::npos) {
      bytes.remove_prefix(take + 1);
    } else {
      bytes = {};
    }
    while (m_partial.size() > m_max_line_bytes) {
      auto cut = utf8_safe_cut(std::string_view(m_partial).substr(0, m_max_line_bytes));
      cut = cut == 0 ? m_max_line_bytes : cut;
      emit_piece(as_shown_on_screen(std::string_view(m_partial).substr(0, cut), m_shown), false, emit);
      m_partial.erase(0, cut);
    }
    if (newline != std::string_view::npos) {
      emit_piece(as_shown_on_screen(m_partial, m_shown), true, emit);
      m_partial.clear();
      release_large_buffer();
    }
  }
}

template <typename Emit> void LineSplitter::flush(Emit&& emit) {
  if (m_partial.empty()) {
    return;
  }
  emit_piece(m_terminal ? as_shown_on_screen(m_partial, m_shown) : std::string_view(m_partial), false, emit);
  m_partial.clear();
  release_large_buffer();
}

} // namespace tfrun::core
