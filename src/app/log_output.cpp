// SPDX-License-Identifier: MIT
#include <tfrun/app/log_output.hpp>

namespace tfrun::app {

LogOutput::LogOutput(OutputSink& sink, LogFormat format, core::TextStyle style)
    : m_sink(sink), m_format(format), m_style(style) {
  m_system = make_source("system", "system", core::k_system_color);
}

LineSource LogOutput::make_source(const std::string& name, const std::string& type, std::string_view color) const {
  return {name, type, core::make_line_prefix(m_style, name, color)};
}

void LogOutput::begin() {
  const auto now = std::chrono::system_clock::now();
  if (m_format == LogFormat::json) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    m_timestamp = core::format_rfc3339_utc(ms);
    return;
  }
  const std::time_t second = std::chrono::system_clock::to_time_t(now);
  if (second != m_clock_second) {
    std::tm local{};
    localtime_r(&second, &local);
    m_clock = core::format_clock(local.tm_hour, local.tm_min, local.tm_sec);
    m_clock_second = second;
  }
}

void LogOutput::add(const LineSource& source, const core::LinePiece& piece, bool system) {
  if (m_format == LogFormat::json) {
    core::append_json_line(
        m_batch, {m_timestamp, source.name, source.type, piece.text, system, piece.continuation, !piece.complete});
    return;
  }
  core::append_text_line(m_batch, m_style, source.prefix, m_clock, piece.continuation, piece.text);
}

void LogOutput::commit() {
  m_sink.submit(m_batch);
  m_batch.clear();
  if (m_batch.capacity() > 4 * OutputSink::k_high_water) {
    std::string().swap(m_batch);
  }
}

void LogOutput::system_line(const std::string& text) {
  // --no-prefix shows children's bytes alone; tfrun's own events still need to say who they are about.
  begin();
  if (!m_style.prefix && m_format == LogFormat::text) {
    m_batch += "tfrun: ";
  }
  add(m_system, core::LinePiece{text, false, true}, true);
  commit();
}

} // namespace tfrun::app
