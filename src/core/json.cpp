// SPDX-License-Identifier: MIT
#include <tfrun/core/json.hpp>

#include <cstdint>

namespace tfrun::core {
namespace {

constexpr std::string_view k_replacement = "\\ufffd";

// Length of the valid UTF-8 sequence starting at `text[i]`, or 0 when it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are rejected, as a JSON reader would).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  if (byte(i + 1) < low || byte(i + 1) > high) {
    return 0;
  }
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return length;
}

void append_control(std::string& out, char c) {
  constexpr char k_hex[] = "0123456789abcdef";
  const auto value = static_cast<std::uint8_t>(c);
  out += "\\u00";
  out += k_hex[value >> 4];
  out += k_hex[value & 0xF];
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto value = static_cast<std::uint8_t>(c);
    if (value >= 0x80) {
      const auto length = utf8_sequence_length(text, i);
      if (length == 0) {
        out += k_replacement;
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (value < 0x20 || value == 0x7F) {
        append_control(out, c);
      } else {
        out += c;
      }
    }
    ++i;
  }
  out += '"';
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

} // namespace tfrun::core
