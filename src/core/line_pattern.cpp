// SPDX-License-Identifier: MIT
#include <tfrun/core/line_pattern.hpp>

#include <re2/re2.h>

namespace tfrun::core {
namespace {

RE2::Options pattern_options() {
  RE2::Options options; // UTF-8, Perl classes (\d \w \s) and word boundaries, as ECMAScript has them
  options.set_log_errors(false);
  return options;
}

std::string describe(RE2::ErrorCode code) {
  switch (code) {
  case RE2::ErrorBadEscape: return "invalid escape (back references are not supported)";
  case RE2::ErrorBadCharClass: return "invalid character class";
  case RE2::ErrorBadCharRange: return "invalid character range";
  case RE2::ErrorMissingBracket: return "unbalanced brackets";
  case RE2::ErrorMissingParen:
  case RE2::ErrorUnexpectedParen: return "unbalanced parentheses";
  case RE2::ErrorTrailingBackslash: return "trailing backslash";
  case RE2::ErrorRepeatArgument: return "nothing to repeat";
  case RE2::ErrorRepeatSize: return "invalid repetition count";
  case RE2::ErrorRepeatOp: return "invalid repetition";
  case RE2::ErrorBadPerlOp: return "unsupported group (lookahead and lookbehind are not supported)";
  case RE2::ErrorBadUTF8: return "invalid UTF-8";
  case RE2::ErrorBadNamedCapture: return "invalid named group";
  case RE2::ErrorPatternTooLarge: return "too large";
  default: return "cannot be compiled";
  }
}

} // namespace

std::optional<std::string> LinePattern::error_in(const std::string& pattern) {
  const RE2 compiled(pattern, pattern_options());
  if (compiled.ok()) {
    return std::nullopt;
  }
  return describe(compiled.error_code());
}

LinePattern::LinePattern(const std::string& pattern) : m_re(std::make_unique<RE2>(pattern, pattern_options())) {}

LinePattern::~LinePattern() = default;
LinePattern::LinePattern(LinePattern&&) noexcept = default;
LinePattern& LinePattern::operator=(LinePattern&&) noexcept = default;

bool LinePattern::found_in(std::string_view line) const {
  if (!m_re || !m_re->ok()) {
    return false;
  }
  const auto text = line.substr(0, k_matched_bytes);
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *m_re);
}

} // namespace tfrun::core
