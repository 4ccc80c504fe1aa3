// SPDX-License-Identifier: MIT
// How a child's line looks on tfrun's stdout (docs/formats.md): text with time, padded name and colour, or
// one JSON object per line. Pure: the time comes in already read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tfrun::core {

enum class LogFormat { text, json };

struct TextStyle {
  bool color = false;
  bool timestamp = true;
  bool prefix = true; // false: the child's bytes alone (--no-prefix)
  std::size_t name_width = 6;
};

// 6 normal + 6 bright foreground colours; types take them in Procfile order.
[[nodiscard]] std::string_view palette_color(std::size_t type_index);
constexpr std::string_view k_system_color = "\x1b[1m"; // bold: tfrun's own lines stand apart
constexpr std::string_view k_reset = "\x1b[0m";

// The fixed parts of one process's prefix, built once per process so each line costs a few appends.
struct LinePrefix {
  std::string before_time; // colour start
  std::string after_time;  // " web.1  | " (with the reset when coloured)
  // Where the bar is in after_time: a continuation of a line already shown has a '+' there. (One string
  // less per instance: 10,000 instances held 0.5 MB of continuation prefixes.)
  std::uint16_t bar_at = 0;
};

// How many columns the prefix of every text line takes on a screen ("02:41:50 web.1  | "): what a
// pseudo-terminal's width leaves for the child's own text (docs/terminal.md).
[[nodiscard]] std::size_t text_prefix_width(const TextStyle& style);

[[nodiscard]] LinePrefix make_line_prefix(const TextStyle& style, std::string_view name, std::string_view color);

// Appends one output line: prefix, the text unchanged, newline. `clock` is "HH:MM:SS".
void append_text_line(std::string& out, const TextStyle& style, const LinePrefix& prefix, std::string_view clock,
                      bool continuation, std::string_view text);
// Appends what comes before the text on every line of one process while the clock shows `clock`
// ("\x1b[36m02:41:50 web.1  |\x1b[0m "): a writer keeps it per process and second, so a line costs
// three appends (head, text, newline) instead of rebuilding the prefix each time.
void append_text_head(std::string& out, const TextStyle& style, const LinePrefix& prefix, std::string_view clock,
                      bool continuation);

struct JsonLine {
  std::string_view ts; // RFC 3339 with milliseconds
  std::string_view process;
  std::string_view type;
  std::string_view text;
  bool system = false;
  bool continuation = false; // continues a line already emitted
  bool partial = false;      // the line goes on in a later object
};
void append_json_line(std::string& out, const JsonLine& line);
// The same line with `process` and `type` already rendered by json_line_fields, which a writer does once
// per process; `line.process` and `line.type` are not read.
void append_json_line(std::string& out, const JsonLine& line, std::string_view fields);
// `,"process":"web.1","type":"web","line":`: the fields between the timestamp and the text.
[[nodiscard]] std::string json_line_fields(std::string_view process, std::string_view type);
// The JSON string of `text` (quoted, escaped, invalid UTF-8 replaced), exactly as json.hpp's
// append_json_string writes it; runs of printable ASCII, most of any log, are copied eight bytes a check.
void append_json_text(std::string& out, std::string_view text);

// "2026-11-22T02:41:50.123Z" from milliseconds since the epoch.
[[nodiscard]] std::string format_rfc3339_utc(std::int64_t epoch_ms);
// "02:41:50".
[[nodiscard]] std::string format_clock(int hours, int minutes, int seconds);

} // namespace tfrun::core
