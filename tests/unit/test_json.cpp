// SPDX-License-Identifier: MIT
#include <tfrun/core/json.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

using tfrun::core::append_json_string;
using tfrun::core::json_string;

namespace {

// Accepts exactly one JSON string literal (RFC 8259) whose content is valid UTF-8: the test's own reader, so
// the property below does not trust the code under test.
bool is_valid_json_string(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
    return false;
  }
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::size_t end = text.size() - 1;
  std::size_t i = 1;
  while (i < end) {
    const std::uint8_t c = byte(i);
    if (c == '"' || c < 0x20) {
      return false;
    }
    if (c == '\\') {
      if (i + 1 >= end) {
        return false;
      }
      const char e = text[i + 1];
      if (e == 'u') {
        if (i + 5 >= end) {
          return false;
        }
        for (std::size_t k = i + 2; k < i + 6; ++k) {
          if (std::string_view("0123456789abcdefABCDEF").find(text[k]) == std::string_view::npos) {
            return false;
          }
        }
        i += 6;
      } else if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos) {
        i += 2;
      } else {
        return false;
      }
      continue;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Multi-byte UTF-8, decoded and checked for overlong forms, surrogates and range.
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t minimum = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2, code = c & 0x1F, minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, code = c & 0x0F, minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, code = c & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (i + length > end) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return i == end;
}

} // namespace

TEST_CASE("json: the validator used below rejects what it must", "[json]") {
  CHECK(is_valid_json_string("\"\""));
  CHECK(is_valid_json_string("\"a\\u00e9\\n\xC3\xA9\""));
  CHECK_FALSE(is_valid_json_string("\""));
  CHECK_FALSE(is_valid_json_string("\"a\"b\""));
  CHECK_FALSE(is_valid_json_string("\"\n\""));
  CHECK_FALSE(is_valid_json_string("\"\\x\""));
  CHECK_FALSE(is_valid_json_string("\"\\u12\""));
  CHECK_FALSE(is_valid_json_string("\"\\\""));
  CHECK_FALSE(is_valid_json_string("\"\xC0\x80\""));
  CHECK_FALSE(is_valid_json_string("\"\xED\xA0\x80\""));
  CHECK_FALSE(is_valid_json_string("\"\xC3\""));
}

TEST_CASE("json: plain text is quoted as is", "[json]") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("hello world") == "\"hello world\"");
  CHECK(json_string("a/b 'c' $PORT ~") == "\"a/b 'c' $PORT ~\"");
}

TEST_CASE("json: quotes, backslashes and the usual controls get short escapes", "[json]") {
  CHECK(json_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(json_string("C:\\dir\\") == "\"C:\\\\dir\\\\\"");
  CHECK(json_string("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
}

TEST_CASE("json: other control characters and DEL become u00XX escapes", "[json]") {
  CHECK(json_string(std::string_view("\0", 1)) == "\"\\u0000\"");
  CHECK(json_string("\x01\x08\x0b\x0c\x1b\x1f") == "\"\\u0001\\u0008\\u000b\\u000c\\u001b\\u001f\"");
  CHECK(json_string("\x7f") == "\"\\u007f\"");
  CHECK(json_string("\x1b[31mred\x1b[0m") == "\"\\u001b[31mred\\u001b[0m\"");
  CHECK(json_string(" ") == "\" \"");
}

TEST_CASE("json: valid multi-byte UTF-8 is kept byte for byte", "[json]") {
  for (const std::string text :
       {"\xC2\x80", "caf\xC3\xA9", "\xDF\xBF", "\xE0\xA0\x80", "\xE2\x82\xAC", "\xED\x9F\xBF", "\xEE\x80\x80",
        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBB\xBF"}) {
    INFO(text);
    CHECK(json_string(text) == "\"" + text + "\"");
  }
}

TEST_CASE("json: invalid bytes, overlong forms, surrogates and too-large code points become U+FFFD", "[json]") {
  const std::string r = "\\ufffd";
  // Each invalid lead byte is replaced on its own; the bytes after it are looked at again.
  CHECK(json_string("\x80") == "\"" + r + "\"");
  CHECK(json_string("\xBF") == "\"" + r + "\"");
  CHECK(json_string("a\xFF"
                    "b") == "\"a" + r + "b\"");
  CHECK(json_string("\xFE\xFF") == "\"" + r + r + "\"");
  // Overlong encodings of '/' and NUL, and of U+07FF / U+FFFF in a longer form.
  CHECK(json_string("\xC0\xAF") == "\"" + r + r + "\"");
  CHECK(json_string("\xC1\xBF") == "\"" + r + r + "\"");
  CHECK(json_string("\xE0\x9F\xBF") == "\"" + r + r + r + "\"");
  CHECK(json_string("\xF0\x8F\xBF\xBF") == "\"" + r + r + r + r + "\"");
  // UTF-16 surrogates encoded in UTF-8 (CESU-8).
  CHECK(json_string("\xED\xA0\x80") == "\"" + r + r + r + "\"");
  CHECK(json_string("\xED\xBF\xBF") == "\"" + r + r + r + "\"");
  // Above U+10FFFF.
  CHECK(json_string("\xF4\x90\x80\x80") == "\"" + r + r + r + r + "\"");
  CHECK(json_string("\xF5\x80\x80\x80") == "\"" + r + r + r + r + "\"");
  // Truncated sequences: the lead byte is replaced and what follows is read again.
  CHECK(json_string("\xC3") == "\"" + r + "\"");
  CHECK(json_string("\xE2\x82") == "\"" + r + r + "\"");
  CHECK(json_string("\xF0\x9F\x98") == "\"" + r + r + r + "\"");
  CHECK(json_string("\xC3"
                    "A") == "\"" + r + "A\"");
  CHECK(json_string("\xE2\x82"
                    "\xC3\xA9") == "\"" + r + r + "\xC3\xA9\"");
  // A continuation byte that is itself an ASCII control is still escaped.
  CHECK(json_string("\xC3\n") == "\"" + r + "\\n\"");
}

TEST_CASE("json: append_json_string appends to what is there", "[json]") {
  std::string out = "{\"k\":";
  append_json_string(out, "v\"");
  out += '}';
  CHECK(out == "{\"k\":\"v\\\"\"}");
}

TEST_CASE("json: seeded random bytes always give a valid JSON string", "[json][random]") {
  std::mt19937 random(0xC0FFEEU);
  std::uniform_int_distribution<int> length_of(0, 40);
  std::uniform_int_distribution<int> any_byte(0, 255);
  // Half the bytes come from the interesting corners: controls, quotes and UTF-8 lead/continuation bytes.
  const std::string corners = "\"\\\n\r\t\x01\x7f\x80\xBF\xC0\xC2\xDF\xE0\xED\xEF\xF0\xF4\xF5\xFF\xA0\x9F\x90\x8F";
  std::uniform_int_distribution<std::size_t> corner(0, corners.size() - 1);
  std::uniform_int_distribution<int> coin(0, 1);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = length_of(random);
    for (int i = 0; i < length; ++i) {
      text += coin(random) == 0 ? corners[corner(random)] : static_cast<char>(any_byte(random));
    }
    const auto out = json_string(text);
    INFO("round " << round);
    REQUIRE(is_valid_json_string(out));
    // The output is a pure function of the input.
    REQUIRE(json_string(text) == out);
  }
}
