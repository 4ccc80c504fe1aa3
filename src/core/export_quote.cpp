// SPDX-License-Identifier: MIT
#include "export_common.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace tfrun::core::export_detail {

namespace {

// Length of the UTF-8 sequence starting at `i`, 0 when it is not a valid one (overlong forms, surrogates and
// code points past U+10FFFF included). `code` receives the code point.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  std::size_t length = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0U) == 0xC0) {
    length = 2, minimum = 0x80, code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0) {
    length = 3, minimum = 0x800, code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0) {
    length = 4, minimum = 0x10000, code = lead & 0x07U;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0U) != 0x80) {
      return 0;
    }
    code = (code << 6U) | (next & 0x3FU);
  }
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return code < minimum || code > 0x10FFFF || surrogate ? 0 : length;
}

// YAML 1.2 c-printable, minus the characters YAML 1.1 parsers take as line breaks (U+0085, U+2028, U+2029)
// and the byte-order mark, so that every parser reads the scalar back on one line.
bool yaml_printable(char32_t code) {
  if (code >= 0x20 && code <= 0x7E) {
    return true;
  }
  if (code == 0x85 || code == 0x2028 || code == 0x2029 || code == 0xFEFF) {
    return false;
  }
  return (code >= 0xA0 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0xFFFD) || code >= 0x10000;
}

void append_yaml_escape(std::string& out, char32_t code) {
  switch (code) {
  case U'\0': out += "\\0"; return;
  case U'\a': out += "\\a"; return;
  case U'\b': out += "\\b"; return;
  case U'\t': out += "\\t"; return;
  case U'\n': out += "\\n"; return;
  case U'\v': out += "\\v"; return;
  case U'\f': out += "\\f"; return;
  case U'\r': out += "\\r"; return;
  case 0x1B: out += "\\e"; return;
  default: break;
  }
  if (code <= 0xFF) {
    out += fmt::format("\\x{:02X}", static_cast<std::uint32_t>(code));
  } else {
    out += fmt::format("\\u{:04X}", static_cast<std::uint32_t>(code));
  }
}

void append_c_escape(std::string& out, char c) {
  switch (c) {
  case '\a': out += "\\a"; return;
  case '\b': out += "\\b"; return;
  case '\t': out += "\\t"; return;
  case '\n': out += "\\n"; return;
  case '\v': out += "\\v"; return;
  case '\f': out += "\\f"; return;
  case '\r': out += "\\r"; return;
  default: out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c)); return;
  }
}

} // namespace

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    const auto length = utf8_sequence(text, i, code);
    if (length == 0) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      append_c_escape(out, c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string_view("'\\''") : std::string_view(&c, 1);
  }
  return out + "'";
}

std::string systemd_quote(std::string_view text, bool expands_dollar) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '%') {
      out += "%%";
    } else if (c == '$' && expands_dollar) {
      out += "$$";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
      append_c_escape(out, c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string yaml_quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    const auto length = utf8_sequence(text, i, code);
    if (length == 0) { // callers check UTF-8 first; escaping keeps the output well-formed regardless
      append_yaml_escape(out, static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (code == U'"' || code == U'\\') {
      out += '\\';
      out += static_cast<char>(code);
    } else if (yaml_printable(code)) {
      out.append(text.substr(i, length));
    } else {
      append_yaml_escape(out, code);
    }
    i += length;
  }
  return out + "\"";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    // A literal CR would be read back as LF (XML 1.0 §2.11 end-of-line handling).
    case '\r': out += "&#13;"; break;
    default: out += c; break;
    }
  }
  return out;
}

void require_no_nul(std::string_view key, std::string_view value, std::string_view format) {
  if (value.find('\0') != std::string_view::npos) {
    throw ExportError(std::string(key), fmt::format("{}: the value of {} contains a NUL byte, which no process "
                                                    "environment can hold",
                                                    format, quoted(key)));
  }
}

void require_utf8(std::string_view key, std::string_view value, std::string_view format) {
  if (!valid_utf8(value)) {
    throw ExportError(
        std::string(key),
        fmt::format("{}: the value of {} is not valid UTF-8, which {} files cannot hold", format, quoted(key), format));
  }
}

} // namespace tfrun::core::export_detail
