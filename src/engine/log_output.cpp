// SPDX-License-Identifier: MIT
#include <tfrun/engine/log_output.hpp>

namespace tfrun::engine {

LogOutput::LogOutput(OutputSink& sink, core::LogFormat format, core::TextStyle style)
    : m_sink(sink), m_format(format), m_style(style) {
  m_system = make_source("system", "system", core::k_system_color);
}

LineSource LogOutput::make_source(const std::string& name, const std::string& type, std::string_view color) const {
  LineSource source{core::make_line_prefix(m_style, name, color), {}, {}, 0};
  if (m_format == core::LogFormat::json) {
    source.json_fields = core::json_line_fields(name, type);
  }
  return source;
}

void LogOutput::begin() {
  const auto now = std::chrono::system_clock::now();
  if (m_format == core::LogFormat::json) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    m_timestamp = core::format_rfc3339_utc(ms);
    return;
  }
  const std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != m_clock_second) {
    std::tm local{};
    localtime_r(&second, &local);
    auto clock = core::format_clock(local.tm_hour, local.tm_min, local.tm_sec);
    if (clock != m_clock) {
      m_clock = std::move(clock);
      ++m_clock_reading;
    }
    m_clock_second = second;
  }
}

const std::string& LogOutput::head_of(const LineSource& source) {
  if (source.head_clock != m_clock_reading) {
    source.head.clear();
    core::append_text_head(source.head, m_style, source.prefix, m_clock, false);
    source.head_clock = m_clock_reading;
  }
  return source.head;
}

void LogOutput::add(const LineSource& source, const core::LinePiece& piece, bool system) {
  if (m_format == core::LogFormat::json) {
    core::append_json_line(m_batch, {m_timestamp, {}, {}, piece.text, system, piece.continuation, !piece.complete},
                           source.json_fields);
  } else if (piece.continuation) {
    core::append_text_line(m_batch, m_style, source.prefix, m_clock, true, piece.text);
  } else {
    m_batch += head_of(source);
    m_batch += piece.text;
    m_batch += '\n';
  }
  if (m_batch.size() >= k_batch_bytes) {
    m_sink.submit(m_batch);
  }
}

// A busy child's reads are mostly whole lines that only need their head: one look-up of the head per
// read and one append per line, instead of a piece, a call and three appends per line (docs/benchmarks.md,
// "The relay floor").
std::size_t LogOutput::add_whole_lines(const LineSource& source, std::string_view bytes, std::size_t max_line) {
  if (m_format != core::LogFormat::text) {
    return 0;
  }
  const std::string& head = head_of(source);
  std::size_t taken = 0;
  while (taken < bytes.size()) {
    const auto newline = bytes.find('\n', taken);
    if (newline == std::string_view::npos || newline - taken > max_line) {
      break;
    }
    m_batch += head;
    m_batch.append(bytes.data() + taken, newline + 1 - taken);
    taken = newline + 1;
    if (m_batch.size() >= k_batch_bytes) {
      m_sink.submit(m_batch);
    }
  }
  return taken;
}

void LogOutput::commit() { m_sink.submit(m_batch); }

void LogOutput::system_line(const std::string& text) {
  // --no-prefix shows children's bytes alone; tfrun's own events still need to say who they are about.
  begin();
  if (!m_style.prefix && m_format == core::LogFormat::text) {
    m_batch += "tfrun: ";
  }
  add(m_system, core::LinePiece{text, false, true}, true);
  commit();
}

} // namespace tfrun::engine
