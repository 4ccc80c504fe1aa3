// SPDX-License-Identifier: MIT
#include <tfrun/core/line_pattern.hpp>

#include <catch2/catch.hpp>

#include <string>

using tfrun::core::LinePattern;

TEST_CASE("line pattern: ECMAScript-style patterns people write for readiness", "[line_pattern]") {
  CHECK(LinePattern("listening on").found_in("web: listening on :3000"));
  CHECK(LinePattern("accepting conn\\w+").found_in("db: accepting connections"));
  CHECK(LinePattern("^Server started on port \\d+$").found_in("Server started on port 8080"));
  CHECK_FALSE(LinePattern("^Server started").found_in("  Server started"));
  CHECK(LinePattern("(?i)READY").found_in("ready to serve"));
  CHECK(LinePattern("caf\xC3\xA9").found_in("caf\xC3\xA9 open"));
  CHECK(LinePattern("ready").found_in("\xFF\xFE ready")); // bytes that are not UTF-8 do not stop a match
}

TEST_CASE("line pattern: mistakes are named", "[line_pattern]") {
  CHECK_FALSE(LinePattern::error_in("a+b").has_value());
  CHECK(LinePattern::error_in("a(") == "unbalanced parentheses");
  CHECK(LinePattern::error_in("a)") == "unbalanced parentheses");
  CHECK(LinePattern::error_in("[a") == "unbalanced brackets");
  CHECK(LinePattern::error_in("*a") == "nothing to repeat");
  CHECK(LinePattern::error_in("a{3,1}") == "invalid repetition count");
  CHECK(LinePattern::error_in("(a)\\1") == "invalid escape (back references are not supported)");
  CHECK(LinePattern::error_in("(?=a)") == "unsupported group (lookahead and lookbehind are not supported)");
}

TEST_CASE("line pattern: only the first 64 KiB of a line is matched", "[line_pattern]") {
  const std::string head(LinePattern::k_matched_bytes - 5, 'x');
  CHECK(LinePattern("ready").found_in(head + "ready"));
  CHECK_FALSE(LinePattern("ready").found_in(head + "xready"));
}

TEST_CASE("line pattern: patterns that backtrack for ever elsewhere are linear here", "[line_pattern]") {
  // Each of these takes seconds or overflows the stack in a backtracking matcher on a long line.
  const std::string line(1024 * 1024, 'a');
  CHECK_FALSE(LinePattern("(a|aa)*b").found_in(line));
  CHECK_FALSE(LinePattern("(a*)*b").found_in(line));
  CHECK(LinePattern("^.*a$").found_in(std::string(60000, 'a')));
}
