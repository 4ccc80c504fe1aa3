// SPDX-License-Identifier: MIT
// Renders children's lines and tfrun's `system` lines in the chosen format and hands them to the sink.
#pragma once

#include <tfrun/core/line_splitter.hpp>
#include <tfrun/core/log_format.hpp>
#include <tfrun/engine/output_sink.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace tfrun::engine {

// Per-process rendering state: the fixed parts of its prefix, and what is rendered once and reused.
// How one instance's lines are shown (its name and type are in its plan: not held twice per instance).
struct LineSource {
  core::LinePrefix prefix;
  std::string json_fields; // `,"process":"web.1","type":"web","line":`
  // The text head ("02:41:50 web.1  | ") for the clock reading `head_clock`: rebuilt once a second at most.
  mutable std::string head;
  mutable std::uint64_t head_clock = 0;
};

class LogOutput {
public:
  LogOutput(OutputSink& sink, core::LogFormat format, core::TextStyle style);

  [[nodiscard]] LineSource make_source(const std::string& name, const std::string& type, std::string_view color) const;
  [[nodiscard]] const LineSource& system_source() const { return m_system; }

  // Batches: begin() reads the clock once, add() renders, commit() hands the batch to the sink. A batch
  // that grows past k_batch_bytes is handed over at once, so the writer starts while the loop renders on
  // and no buffer grows with the amount read in one turn of the loop.
  void begin();
  void add(const LineSource& source, const core::LinePiece& piece, bool system = false);
  // Text format only: renders the whole lines `bytes` starts with (each ending in '\n' and at most
  // `max_line` bytes long before it) as add() renders them one by one, and returns how many bytes it took.
  // The rest (a line whose end has not arrived, a longer line) is left for the line splitter.
  std::size_t add_whole_lines(const LineSource& source, std::string_view bytes, std::size_t max_line);
  void commit();

  // One tfrun event line, rendered and submitted at once.
  void system_line(const std::string& text);

  static constexpr std::size_t k_batch_bytes = 32 * 1024;

private:
  const std::string& head_of(const LineSource& source);

  OutputSink& m_sink;
  core::LogFormat m_format;
  core::TextStyle m_style;
  LineSource m_system;
  std::string m_batch;
  std::time_t m_clock_second = -1;
  std::uint64_t m_clock_reading = 1; // changes whenever m_clock does, so heads know they are stale
  std::string m_clock;               // "HH:MM:SS", local time, cached per second
  std::string m_timestamp;           // RFC 3339, JSON mode
};

// One read of a pipe's output, for a child whose lines nothing needs to see one by one: the line the
// previous read left unfinished goes through `splitter` (emitting to `emit`), then the whole lines to
// add_whole_lines(), and what is left (a line without its end yet, a longer line) to `splitter` again.
template <typename Emit>
void render_read(LogOutput& output, const LineSource& source, core::LineSplitter& splitter, std::string_view bytes,
                 Emit& emit) {
  if (!splitter.at_line_start()) {
    const auto newline = bytes.find('\n');
    const auto end = newline == std::string_view::npos ? bytes.size() : newline + 1;
    splitter.feed(bytes.substr(0, end), emit);
    bytes.remove_prefix(end);
  }
  bytes.remove_prefix(output.add_whole_lines(source, bytes, splitter.max_line_bytes()));
  splitter.feed(bytes, emit);
}

} // namespace tfrun::engine
