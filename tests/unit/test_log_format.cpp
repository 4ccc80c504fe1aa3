// SPDX-License-Identifier: MIT
#include <tfrun/core/log_format.hpp>

#include <tfrun/core/json.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <string_view>

using namespace tfrun::core;
using namespace std::string_view_literals;

namespace {

std::string text_line(const TextStyle& style, std::string_view name, std::string_view color, bool continuation,
                      std::string_view text) {
  const auto prefix = make_line_prefix(style, name, color);
  std::string out;
  append_text_line(out, style, prefix, "02:41:50", continuation, text);
  return out;
}

TextStyle style_of(bool color, bool timestamp, bool prefix, std::size_t width = 6) {
  TextStyle style;
  style.color = color;
  style.timestamp = timestamp;
  style.prefix = prefix;
  style.name_width = width;
  return style;
}

std::string json_line(const JsonLine& line) {
  std::string out;
  append_json_line(out, line);
  return out;
}

} // namespace

TEST_CASE("log format: the palette has 12 distinct colours, 6 normal and 6 really bright", "[log_format]") {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < 12; ++i) {
    const auto code = palette_color(i);
    INFO(i);
    seen.insert(code);
    REQUIRE(code.size() == 5);
    CHECK(code.substr(0, 2) == "\x1b[");
    CHECK(code.back() == 'm');
    // The first six are normal foreground colours (3x), the next six bright ones (9x), never 30/37/90/97
    // (black and white vanish on dark or light terminals).
    CHECK(code[2] == (i < 6 ? '3' : '9'));
    CHECK(code[3] >= '1');
    CHECK(code[3] <= '6');
  }
  CHECK(seen.size() == 12);
  // Types past the twelfth reuse the palette from the start.
  CHECK(palette_color(12) == palette_color(0));
  CHECK(palette_color(23) == palette_color(11));
  CHECK(palette_color(0) == "\x1b[36m");
  CHECK(palette_color(6) == "\x1b[96m");
  CHECK(k_system_color == "\x1b[1m");
  CHECK(k_reset == "\x1b[0m");
}

TEST_CASE("log format: the default style is time, padded name and bar without colour", "[log_format]") {
  const TextStyle style;
  CHECK_FALSE(style.color);
  CHECK(style.timestamp);
  CHECK(style.prefix);
  const auto prefix = make_line_prefix(style, "web.1", palette_color(0));
  CHECK(prefix.before_time.empty());
  CHECK(prefix.after_time == " web.1  | ");
  CHECK(text_line(style, "web.1", palette_color(0), false, "hello") == "02:41:50 web.1  | hello\n");
  CHECK(text_line(style, "web.1", palette_color(0), true, "lo") == "02:41:50 web.1  + lo\n");
}

TEST_CASE("log format: colour wraps the prefix only, the text is left alone", "[log_format]") {
  const auto style = style_of(true, true, true);
  const auto prefix = make_line_prefix(style, "web.1", "\x1b[36m");
  CHECK(prefix.before_time == "\x1b[36m");
  CHECK(prefix.after_time == " web.1  |\x1b[0m ");
  CHECK(text_line(style, "web.1", "\x1b[36m", true, "lo") == "\x1b[36m02:41:50 web.1  +\x1b[0m lo\n");
  CHECK(text_line(style, "web.1", "\x1b[36m", false, "hello") == "\x1b[36m02:41:50 web.1  |\x1b[0m hello\n");
  CHECK(text_line(style, "system", k_system_color, false, "web.1 exited with code 3") ==
        "\x1b[1m02:41:50 system |\x1b[0m web.1 exited with code 3\n");
}

TEST_CASE("log format: without a timestamp the name starts the line", "[log_format]") {
  CHECK(text_line(style_of(false, false, true), "web.1", "", false, "hi") == "web.1  | hi\n");
  CHECK(text_line(style_of(true, false, true), "web.1", "\x1b[33m", false, "hi") == "\x1b[33mweb.1  |\x1b[0m hi\n");
  CHECK(text_line(style_of(false, false, true), "web.1", "", true, "hi") == "web.1  + hi\n");
}

TEST_CASE("log format: without a prefix only the child's bytes are written", "[log_format]") {
  for (const bool color : {false, true}) {
    for (const bool timestamp : {false, true}) {
      const auto style = style_of(color, timestamp, false);
      const auto prefix = make_line_prefix(style, "web.1", "\x1b[36m");
      CHECK(prefix.before_time.empty());
      CHECK(prefix.after_time.empty());
      CHECK(text_line(style, "web.1", "\x1b[36m", false, "raw \x1b[1mbytes") == "raw \x1b[1mbytes\n");
      CHECK(text_line(style, "web.1", "\x1b[36m", true, "more") == "more\n");
    }
  }
}

TEST_CASE("log format: a continuation is marked with '+'", "[log_format]") {
  CHECK(text_line(style_of(false, true, true), "web.1", "", true, "rest of it") == "02:41:50 web.1  + rest of it\n");
  CHECK(text_line(style_of(true, true, true), "web.1", "\x1b[32m", true, "x") ==
        "\x1b[32m02:41:50 web.1  +\x1b[0m x\n");
}

TEST_CASE("log format: the name is padded to the width and never cut", "[log_format]") {
  CHECK(text_line(style_of(false, false, true, 10), "web.1", "", false, "x") == "web.1      | x\n");
  CHECK(text_line(style_of(false, false, true, 3), "worker.10", "", false, "x") == "worker.10 | x\n");
  CHECK(text_line(style_of(false, false, true, 0), "a", "", false, "") == "a | \n");
}

TEST_CASE("log format: text lines pass bytes through unchanged and append to the buffer", "[log_format]") {
  const auto style = style_of(false, true, true);
  const auto prefix = make_line_prefix(style, "web.1", "");
  std::string out = "earlier\n";
  append_text_line(out, style, prefix, "00:00:01", false, std::string_view("\xFF\0\r", 3));
  append_text_line(out, style, prefix, "00:00:02", false, "");
  CHECK(out == "earlier\n00:00:01 web.1  | \xFF\0\r\n00:00:02 web.1  | \n"sv);
}

TEST_CASE("log format: JSON lines", "[log_format]") {
  JsonLine line;
  line.ts = "2026-11-22T02:41:50.123Z";
  line.process = "web.1";
  line.type = "web";
  line.text = "GET / 200";
  CHECK(json_line(line) ==
        "{\"ts\":\"2026-11-22T02:41:50.123Z\",\"process\":\"web.1\",\"type\":\"web\",\"line\":\"GET / 200\"}\n");

  line.text = "say \"hi\"\t\xFF";
  CHECK(json_line(line) == "{\"ts\":\"2026-11-22T02:41:50.123Z\",\"process\":\"web.1\",\"type\":\"web\","
                           "\"line\":\"say \\\"hi\\\"\\t\\ufffd\"}\n");
}

TEST_CASE("log format: JSON flags for system, continuation and partial lines", "[log_format]") {
  JsonLine line;
  line.ts = "1970-01-01T00:00:00.000Z";
  line.process = "system";
  line.type = "system";
  line.text = "web.1 started (pid 4242, port 5000)";
  line.system = true;
  CHECK(json_line(line) == "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"process\":\"system\",\"type\":\"system\","
                           "\"line\":\"web.1 started (pid 4242, port 5000)\",\"system\":true}\n");

  JsonLine chunk;
  chunk.ts = "T";
  chunk.process = "web.1";
  chunk.type = "web";
  chunk.text = "abc";
  chunk.partial = true;
  CHECK(json_line(chunk) ==
        "{\"ts\":\"T\",\"process\":\"web.1\",\"type\":\"web\",\"line\":\"abc\",\"partial\":true}\n");
  chunk.continuation = true;
  CHECK(json_line(chunk) == "{\"ts\":\"T\",\"process\":\"web.1\",\"type\":\"web\",\"line\":\"abc\","
                            "\"continuation\":true,\"partial\":true}\n");
  chunk.partial = false;
  CHECK(json_line(chunk) ==
        "{\"ts\":\"T\",\"process\":\"web.1\",\"type\":\"web\",\"line\":\"abc\",\"continuation\":true}\n");
  chunk.system = true;
  chunk.partial = true;
  CHECK(json_line(chunk) == "{\"ts\":\"T\",\"process\":\"web.1\",\"type\":\"web\",\"line\":\"abc\","
                            "\"system\":true,\"continuation\":true,\"partial\":true}\n");
}

TEST_CASE("log format: process and type names are JSON-escaped too", "[log_format]") {
  JsonLine line;
  line.ts = "T";
  line.process = "a\"b.1";
  line.type = "a\"b";
  line.text = "";
  CHECK(json_line(line) == "{\"ts\":\"T\",\"process\":\"a\\\"b.1\",\"type\":\"a\\\"b\",\"line\":\"\"}\n");
}

TEST_CASE("log format: the text head is the line's prefix, so head + text + newline is the whole line",
          "[log_format]") {
  for (const bool color : {false, true}) {
    for (const bool timestamp : {false, true}) {
      for (const bool prefix_on : {false, true}) {
        for (const bool continuation : {false, true}) {
          const auto style = style_of(color, timestamp, prefix_on);
          const auto prefix = make_line_prefix(style, "web.1", "\x1b[36m");
          std::string head;
          append_text_head(head, style, prefix, "02:41:50", continuation);
          INFO(color << timestamp << prefix_on << continuation);
          CHECK(head + "hello\n" == text_line(style, "web.1", "\x1b[36m", continuation, "hello"));
        }
      }
    }
  }
}

TEST_CASE("log format: a JSON line from pre-rendered fields is the same line", "[log_format]") {
  CHECK(json_line_fields("web.1", "web") == ",\"process\":\"web.1\",\"type\":\"web\",\"line\":");
  CHECK(json_line_fields("a\"b.1", "a\"b") == ",\"process\":\"a\\\"b.1\",\"type\":\"a\\\"b\",\"line\":");
  JsonLine line;
  line.ts = "2026-11-22T02:41:50.123Z";
  line.process = "web.1";
  line.type = "web";
  for (const bool flags : {false, true}) {
    line.text = "caf\xC3\xA9 \"x\" \xFF";
    line.system = flags;
    line.continuation = flags;
    line.partial = flags;
    std::string from_fields;
    append_json_line(from_fields, line, json_line_fields("web.1", "web"));
    CHECK(from_fields == json_line(line));
  }
  JsonLine other = line;
  other.process = "ignored";
  other.type = "ignored";
  std::string out;
  append_json_line(out, other, json_line_fields("web.1", "web"));
  CHECK(out == json_line(line));
}

TEST_CASE("log format: the fast JSON text escaping writes exactly what append_json_string writes", "[log_format]") {
  const auto same_as_json = [](std::string_view text) {
    std::string fast = "before";
    append_json_text(fast, text);
    std::string reference = "before";
    append_json_string(reference, text);
    INFO(reference);
    CHECK(fast == reference);
  };
  same_as_json("");
  same_as_json("plain ASCII text that is longer than one eight-byte word");
  // Each special byte at every position of an eight-byte word, and right after a word.
  for (const std::string_view special : {"\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "\x80", "\xff", "\xC3\xA9",
                                         "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xE2\x82", "\xED\xA0\x80"}) {
    for (std::size_t at = 0; at <= 17; ++at) {
      same_as_json(std::string(at, 'a') + std::string(special) + std::string(20, 'b'));
      same_as_json(std::string(at, ' ') + std::string(special));
    }
  }
  // A truncated UTF-8 sequence followed by a plain byte, and one followed by a quote.
  same_as_json("x\xE2\x82y and \xE2\"z\xC3");
  constexpr char k_with_nul[] = "nul\0in the middle of a long enough line";
  same_as_json(std::string_view(k_with_nul, sizeof k_with_nul - 1));
}

TEST_CASE("log format: fast JSON escaping matches append_json_string on seeded random text", "[log_format][random]") {
  std::mt19937 random(20261122);
  // Mostly printable text with a few special bytes, the mix that exercises both paths and their joins.
  std::uniform_int_distribution<int> kind(0, 19);
  std::uniform_int_distribution<int> printable(0x20, 0x7E);
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 80);
  for (int round = 0; round < 5000; ++round) {
    std::string text(length(random), ' ');
    for (auto& c : text) {
      c = static_cast<char>(kind(random) == 0 ? any_byte(random) : printable(random));
    }
    std::string fast;
    append_json_text(fast, text);
    std::string reference;
    append_json_string(reference, text);
    INFO(reference);
    REQUIRE(fast == reference);
  }
}

TEST_CASE("log format: RFC 3339 UTC timestamps with milliseconds", "[log_format]") {
  CHECK(format_rfc3339_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339_utc(1) == "1970-01-01T00:00:00.001Z");
  CHECK(format_rfc3339_utc(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(format_rfc3339_utc(1795315310123) == "2026-11-22T02:41:50.123Z");
  // Leap days: 2024 and 2000 have one, 2100 does not.
  CHECK(format_rfc3339_utc(1709210096789) == "2024-02-29T12:34:56.789Z");
  CHECK(format_rfc3339_utc(1709251200000) == "2024-03-01T00:00:00.000Z");
  CHECK(format_rfc3339_utc(1709251200000 - 1) == "2024-02-29T23:59:59.999Z");
  CHECK(format_rfc3339_utc(951868799999) == "2000-02-29T23:59:59.999Z");
  CHECK(format_rfc3339_utc(4107542400000) == "2100-03-01T00:00:00.000Z");
  CHECK(format_rfc3339_utc(4107542400000 - 1) == "2100-02-28T23:59:59.999Z");
}

TEST_CASE("log format: RFC 3339 before 1970 counts back without negative fields", "[log_format]") {
  CHECK(format_rfc3339_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_rfc3339_utc(-1000) == "1969-12-31T23:59:59.000Z");
  CHECK(format_rfc3339_utc(-86400000) == "1969-12-31T00:00:00.000Z");
  CHECK(format_rfc3339_utc(-86400001) == "1969-12-30T23:59:59.999Z");
  CHECK(format_rfc3339_utc(-315619200000) == "1960-01-01T00:00:00.000Z");
}

TEST_CASE("log format: clock is HH:MM:SS with leading zeros", "[log_format]") {
  CHECK(format_clock(2, 41, 50) == "02:41:50");
  CHECK(format_clock(0, 0, 0) == "00:00:00");
  CHECK(format_clock(23, 59, 59) == "23:59:59");
  CHECK(format_clock(9, 5, 7) == "09:05:07");
}

TEST_CASE("log format: the prefix width is what a screen shows of it, colour or not", "[log_format]") {
  TextStyle style;
  style.name_width = 7;
  CHECK(text_prefix_width(style) == std::string("02:41:50 web.1   | ").size());
  style.color = true;
  CHECK(text_prefix_width(style) == std::string("02:41:50 web.1   | ").size());
  style.timestamp = false;
  CHECK(text_prefix_width(style) == std::string("web.1   | ").size());
  style.prefix = false;
  CHECK(text_prefix_width(style) == 0);
}
