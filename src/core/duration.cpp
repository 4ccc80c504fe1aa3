// SPDX-License-Identifier: MIT
#include <tfrun/core/duration.hpp>

#include <cmath>
#include <cstdint>

namespace tfrun::core {

namespace {

// The runtime adds durations to steady_clock::now(), which counts nanoseconds in an int64 (about 292 years).
// A ceiling of 100 years keeps that sum from overflowing while refusing nothing anyone means.
constexpr std::int64_t k_max_milliseconds = std::int64_t{100} * 365 * 24 * 3600 * 1000;
// Nine fractional digits are far below a millisecond even for hours; later digits cannot change the result.
constexpr int k_max_fraction_digits = 9;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void skip_blanks(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && is_blank(text[pos])) {
    ++pos;
  }
}

// A decimal number split into its exact parts, so "1.1s" is 1100 ms and not 1099 after a double round trip.
struct Decimal {
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0;
  std::uint64_t fraction_scale = 1;
};

std::optional<Decimal> read_decimal(std::string_view text, std::size_t& pos) {
  Decimal number;
  bool any_digit = false;
  for (; pos < text.size() && is_digit(text[pos]); ++pos) {
    any_digit = true;
    const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
    if (number.whole > static_cast<std::uint64_t>(k_max_milliseconds)) {
      return std::nullopt; // already too long whatever the unit; also keeps the multiplication in range
    }
    number.whole = number.whole * 10 + digit;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    for (; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
      any_digit = true;
      if (digits < k_max_fraction_digits) {
        number.fraction = number.fraction * 10 + static_cast<std::uint64_t>(text[pos] - '0');
        number.fraction_scale *= 10;
      }
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  return number;
}

std::optional<std::int64_t> unit_milliseconds(std::string_view unit) {
  if (unit == "ms") {
    return 1;
  }
  if (unit == "s") {
    return 1000;
  }
  if (unit == "m") {
    return 60 * 1000;
  }
  if (unit == "h") {
    return 3600 * 1000;
  }
  return std::nullopt;
}

// Rounds to the nearest millisecond, halves up; nullopt above the ceiling.
std::optional<std::int64_t> to_milliseconds(const Decimal& number, std::int64_t unit) {
  const auto unit_u = static_cast<std::uint64_t>(unit);
  if (number.whole > static_cast<std::uint64_t>(k_max_milliseconds) / unit_u) {
    return std::nullopt;
  }
  const std::uint64_t fraction_ms =
      (number.fraction * unit_u * 2 + number.fraction_scale) / (number.fraction_scale * 2);
  const std::uint64_t total = number.whole * unit_u + fraction_ms;
  if (total > static_cast<std::uint64_t>(k_max_milliseconds)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(total);
}

} // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  std::size_t pos = 0;
  skip_blanks(text, pos);
  std::int64_t total = 0;
  int parts = 0;
  while (pos < text.size()) {
    const auto number = read_decimal(text, pos);
    if (!number) {
      return std::nullopt;
    }
    skip_blanks(text, pos);
    const std::size_t unit_start = pos;
    while (pos < text.size() && is_letter(text[pos])) {
      ++pos;
    }
    const std::string_view unit_text = text.substr(unit_start, pos - unit_start);
    // A bare number means seconds, but only on its own: "1m30" is more likely a typo than 1m30s.
    const bool bare = unit_text.empty() && parts == 0 && pos == text.size();
    const auto unit = bare ? std::optional<std::int64_t>(1000) : unit_milliseconds(unit_text);
    if (!unit) {
      return std::nullopt;
    }
    const auto part = to_milliseconds(*number, *unit);
    if (!part || *part > k_max_milliseconds - total) {
      return std::nullopt;
    }
    total += *part;
    ++parts;
    skip_blanks(text, pos);
  }
  if (parts == 0) {
    return std::nullopt;
  }
  return Duration(total);
}

std::optional<Duration> duration_from_seconds(double seconds) {
  // Written so that NaN fails the test too.
  if (!(seconds >= 0.0) || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  const double milliseconds = std::round(seconds * 1000.0);
  if (milliseconds > static_cast<double>(k_max_milliseconds)) {
    return std::nullopt;
  }
  return Duration(static_cast<std::int64_t>(milliseconds));
}

std::string describe_duration(Duration duration) {
  const std::int64_t count = duration.count();
  // Unsigned, so that the most negative value has a magnitude too.
  const std::uint64_t magnitude = count < 0 ? 0 - static_cast<std::uint64_t>(count) : static_cast<std::uint64_t>(count);
  std::string out = count < 0 ? "-" : "";
  if (magnitude < 1000) {
    return out + std::to_string(magnitude) + " ms";
  }
  out += std::to_string(magnitude / 1000);
  const std::uint64_t millis = magnitude % 1000;
  if (millis != 0) {
    std::string fraction = std::to_string(1000 + millis).substr(1); // zero-padded to three digits
    while (fraction.back() == '0') {
      fraction.pop_back();
    }
    out += '.' + fraction;
  }
  return out + " s";
}

} // namespace tfrun::core
