// SPDX-License-Identifier: MIT
#include <tfrun/core/duration.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

using tfrun::core::describe_duration;
using tfrun::core::Duration;
using tfrun::core::duration_from_seconds;
using tfrun::core::parse_duration;

namespace {

// 100 years, the largest duration accepted.
constexpr long long k_max_ms = 100LL * 365 * 24 * 3600 * 1000;

} // namespace

TEST_CASE("parse_duration accepts seconds, fractions, units and combinations", "[duration]") {
  const std::vector<std::pair<const char*, long long>> cases = {
      {"5", 5000},
      {"0", 0},
      {"0.5", 500},
      {".5", 500},
      {"5.", 5000},
      {"1.1", 1100},
      {"500ms", 500},
      {"5s", 5000},
      {"1.5s", 1500},
      {"1m", 60000},
      {"2h", 7200000},
      {"1m30s", 90000},
      {"1h30m15s500ms", 5415500},
      {"5 s", 5000},
      {"5\ts", 5000},
      {" 5s ", 5000},
      {"1m 30s", 90000},
      {"30s1m", 90000},
      {"0.0005", 1},
      {"0.0004", 0},
      {"1.5ms", 2},
      {"0.25m", 15000},
      {"007s", 7000},
      {"3153600000", k_max_ms},
      {"0.1234567890123s", 123},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    const auto parsed = parse_duration(text);
    REQUIRE(parsed);
    CHECK(parsed->count() == expected);
  }
}

TEST_CASE("parse_duration rejects negative, empty, garbage and overflowing text", "[duration]") {
  const std::vector<const char*> cases = {
      "",
      " ",
      "-1",
      "-1s",
      "+1",
      "abc",
      "5x",
      "5 sec",
      "5S",
      "1m30",
      "s",
      "ms",
      "1.2.3",
      "1e3",
      "inf",
      "nan",
      "5s5",
      "..5",
      ".",
      "5 5",
      "1,5s",
      "3153600001",
      "3153600000s1ms",
      "99999999999999999999999999",
      "52560001m",
      "0x10",
      "5s-1s",
  };
  for (const auto* text : cases) {
    INFO('\'' << text << '\'');
    CHECK_FALSE(parse_duration(text));
  }
}

TEST_CASE("duration_from_seconds rounds to milliseconds and refuses what is not a duration", "[duration]") {
  CHECK(duration_from_seconds(5.0) == Duration(5000));
  CHECK(duration_from_seconds(0.25) == Duration(250));
  CHECK(duration_from_seconds(0.0) == Duration(0));
  CHECK(duration_from_seconds(-0.0) == Duration(0));
  CHECK(duration_from_seconds(1e-4) == Duration(0));
  CHECK(duration_from_seconds(3153600000.0) == Duration(k_max_ms));
  CHECK_FALSE(duration_from_seconds(-1.0));
  CHECK_FALSE(duration_from_seconds(-1e-9));
  CHECK_FALSE(duration_from_seconds(std::nan("")));
  CHECK_FALSE(duration_from_seconds(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(duration_from_seconds(-std::numeric_limits<double>::infinity()));
  CHECK_FALSE(duration_from_seconds(1e300));
  CHECK_FALSE(duration_from_seconds(3153600001.0));
}

TEST_CASE("describe_duration writes seconds, or milliseconds below one second", "[duration]") {
  CHECK(describe_duration(Duration(5000)) == "5 s");
  CHECK(describe_duration(Duration(1500)) == "1.5 s");
  CHECK(describe_duration(Duration(1250)) == "1.25 s");
  CHECK(describe_duration(Duration(1005)) == "1.005 s");
  CHECK(describe_duration(Duration(60000)) == "60 s");
  CHECK(describe_duration(Duration(250)) == "250 ms");
  CHECK(describe_duration(Duration(999)) == "999 ms");
  CHECK(describe_duration(Duration(0)) == "0 ms");
  CHECK(describe_duration(Duration(-250)) == "-250 ms");
  CHECK(describe_duration(Duration(std::numeric_limits<Duration::rep>::min())) == "-9223372036854775.808 s");
}

TEST_CASE("parse_duration survives random input", "[duration][random]") {
  const std::vector<std::string> alphabet = {"0",  "1",  "5", "9", ".", "ms", "s",           "m", "h",
                                             " ",  "\t", "-", "+", "e", "x",  "99999999999", "µ", std::string("\0", 1),
                                             "5s", "1.5"};
  std::mt19937 random(20240611);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 8);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(random); n > 0; --n) {
      text += alphabet[pick(random)];
    }
    std::optional<Duration> parsed;
    REQUIRE_NOTHROW(parsed = parse_duration(text));
    if (parsed) {
      ++accepted;
      INFO('\'' << text << '\'');
      CHECK(parsed->count() >= 0);
      CHECK(parsed->count() <= k_max_ms);
    }
  }
  // The alphabet is meant to reach the accepting paths too, not only the rejecting ones.
  CHECK(accepted > 100);
}
