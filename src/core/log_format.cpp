// SPDX-License-Identifier: MIT
#include <tfrun/core/log_format.hpp>

#include <tfrun/core/json.hpp>

#include <array>
#include <cstring>
#include <fmt/format.h>

namespace tfrun::core {

std::string_view palette_color(std::size_t type_index) {
  // Real bright codes (90-97), not bold: bold changes the weight, not the colour, on many terminals.
  static constexpr std::array<std::string_view, 12> k_palette = {"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m",
                                                                 "\x1b[34m", "\x1b[31m", "\x1b[96m", "\x1b[93m",
                                                                 "\x1b[92m", "\x1b[95m", "\x1b[94m", "\x1b[91m"};
  return k_palette[type_index % k_palette.size()];
}

std::size_t text_prefix_width(const TextStyle& style) {
  TextStyle plain = style;
  plain.color = false;
  std::string head;
  append_text_head(head, plain, make_line_prefix(plain, "", ""), "00:00:00", false);
  return head.size();
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
  prefix.bar_at = static_cast<std::uint16_t>(lead.size() + padded.size() + 1);
  return prefix;
}

void append_text_head(std::string& out, const TextStyle& style, const LinePrefix& prefix, std::string_view clock,
                      bool continuation) {
  if (style.prefix) {
    out += prefix.before_time;
    if (style.timestamp) {
      out += clock;
    }
    const auto at = out.size();
    out += prefix.after_time;
    if (continuation) {
      out[at + prefix.bar_at] = '+';
    }
  }
}

void append_text_line(std::string& out, const TextStyle& style, const LinePrefix& prefix, std::string_view clock,
                      bool continuation, std::string_view text) {
  append_text_head(out, style, prefix, clock, continuation);
  out += text;
  out += '\n';
}

namespace {

// Printable ASCII other than '"' and '\\' goes into a JSON string as it is; everything else is escaped
// or checked as UTF-8 (0x7F included, as append_json_string does).
constexpr bool is_plain_json(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// Length of the longest prefix of `text` that needs no escaping. Eight bytes are tested at once: each test
// below is exact about whether some byte of the word matches, which is all that is asked of it.
std::size_t plain_json_prefix(std::string_view text) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - k_ones) & ~v & k_highs; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    const std::uint64_t control = (word - k_ones * 0x20) & ~word & k_highs; // a byte below 0x20
    const std::uint64_t high = ((word + k_ones) | word) & k_highs;          // a byte of 0x7F or more
    if ((control | high | has_zero(word ^ (k_ones * '"')) | has_zero(word ^ (k_ones * '\\'))) != 0) {
      break;
    }
  }
  while (i < text.size() && is_plain_json(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  return i;
}

} // namespace

void append_json_text(std::string& out, std::string_view text) {
  out += '"';
  while (!text.empty()) {
    const auto plain = plain_json_prefix(text);
    out.append(text.data(), plain);
    text.remove_prefix(plain);
    if (text.empty()) {
      break;
    }
    // The run to escape ends at the next plain byte. That never cuts a UTF-8 sequence (all its bytes are
    // 0x80 or above), so append_json_string judges each sequence exactly as it would in the whole text.
    std::size_t special = 1;
    while (special < text.size() && !is_plain_json(static_cast<unsigned char>(text[special]))) {
      ++special;
    }
    const auto quote = out.size();
    append_json_string(out, text.substr(0, special));
    out.pop_back();      // its closing quote
    out.erase(quote, 1); // and its opening one
    text.remove_prefix(special);
  }
  out += '"';
}

std::string json_line_fields(std::string_view process, std::string_view type) {
  std::string fields = ",\"process\":";
  append_json_text(fields, process);
  fields += ",\"type\":";
  append_json_text(fields, type);
  fields += ",\"line\":";
  return fields;
}

void append_json_line(std::string& out, const JsonLine& line, std::string_view fields) {
  out += "{\"ts\":\"";
  out += line.ts;
  out += '"';
  out += fields;
  append_json_text(out, line.text);
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

void append_json_line(std::string& out, const JsonLine& line) {
  append_json_line(out, line, json_line_fields(line.process, line.type));
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
