// SPDX-License-Identifier: MIT
#include <tfrun/core/log_format.hpp>

#include <tfrun/core/json.hpp>

#include <array>
#include <fmt/format.h>

namespace tfrun::core {

std::string_view palette_color(std::size_t type_index) {
  // Real bright codes (90-97), not bold: bold changes the weight, not the colour, on many terminals.
  static constexpr std::array<std::string_view, 12> k_palette = {"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m",
                                                                 "\x1b[34m", "\x1b[31m", "\x1b[96m", "\x1b[93m",
                                                                 "\x1b[92m", "\x1b[95m", "\x1b[94m", "\x1b[91m"};
  return k_palette[type_index % k_palette.size()];
}

LinePrefix make_line_prefix(const TextStyle& style, std::string_view name, std::string_view color) {
  LinePrefix prefix;
  if (!style.prefix) {
    return prefix;
  }
  const std::string padded = fmt::format("{:<{}}", name, style.name_width);
  const std::string reset = style.color ? std::string(k_reset) : "";
  if (style.color) {
    prefix.before_time = std::string(color);
  }
  const std::string lead = style.timestamp ? " " : "";
  prefix.after_time = lead + padded + " |" + reset + " ";
  prefix.after_time_cont = lead + padded + " +" + reset + " ";
  return prefix;
}

void append_text_line(std::string& out, const TextStyle& style, const LinePrefix& prefix, std::string_view clock,
                      bool continuation, std::string_view text) {
  if (style.prefix) {
    out += prefix.before_time;
    if (style.timestamp) {
      out += clock;
    }
    out += continuation ? prefix.after_time_cont : prefix.after_time;
  }
  out += text;
  out += '\n';
}

void append_json_line(std::string& out, const JsonLine& line) {
  out += "{\"ts\":\"";
  out += line.ts;
  out += "\",\"process\":";
  append_json_string(out, line.process);
  out += ",\"type\":";
  append_json_string(out, line.type);
  out += ",\"line\":";
  append_json_string(out, line.text);
  if (line.system) {
    out += ",\"system\":true";
  }
  if (line.continuation) {
    out += ",\"continuation\":true";
  }
  if (line.partial) {
    out += ",\"partial\":true";
  }
  out += "}\n";
}

namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), so no time zone database is needed.
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

} // namespace

std::string format_rfc3339_utc(std::int64_t epoch_ms) {
  const std::int64_t ms_per_day = 86'400'000;
  std::int64_t days = epoch_ms / ms_per_day;
  std::int64_t rest = epoch_ms % ms_per_day;
  if (rest < 0) {
    rest += ms_per_day;
    --days;
  }
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, month, day, rest / 3'600'000,
                     rest / 60'000 % 60, rest / 1000 % 60, rest % 1000);
}

std::string format_clock(int hours, int minutes, int seconds) {
  return fmt::format("{:02}:{:02}:{:02}", hours, minutes, seconds);
}

} // namespace tfrun::core
