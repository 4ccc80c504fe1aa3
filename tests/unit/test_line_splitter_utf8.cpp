// SPDX-License-Identifier: MIT
// A line longer than the limit is cut between characters, never inside one: bytes in equal bytes out.
#include <tfrun/core/json.hpp>
#include <tfrun/core/line_splitter.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using tfrun::core::LinePiece;
using tfrun::core::LineSplitter;
using tfrun::core::utf8_safe_cut;

namespace {

std::vector<std::string> chunks_of(std::size_t limit, const std::vector<std::string>& feeds) {
  LineSplitter splitter(limit);
  std::vector<std::string> pieces;
  const auto collect = [&](const LinePiece& piece) { pieces.emplace_back(piece.text); };
  for (const auto& bytes : feeds) {
    splitter.feed(bytes, collect);
  }
  splitter.flush(collect);
  return pieces;
}

// True when append_json_string needs no U+FFFD for `text`: it is valid UTF-8.
bool valid_utf8(const std::string& text) { return tfrun::core::json_string(text).find("\\ufffd") == std::string::npos; }

} // namespace

TEST_CASE("utf8_safe_cut: an unfinished character at the end is held back", "[line_splitter][utf8]") {
  CHECK(utf8_safe_cut("") == 0);
  CHECK(utf8_safe_cut("abc") == 3);
  CHECK(utf8_safe_cut("ab\xC3") == 2);            // é cut after its lead byte
  CHECK(utf8_safe_cut("ab\xC3\xA9") == 4);        // é whole
  CHECK(utf8_safe_cut("a\xE2\x82") == 1);         // € cut after two of three bytes
  CHECK(utf8_safe_cut("a\xE2\x82\xAC") == 4);     // € whole
  CHECK(utf8_safe_cut("a\xF0\x9F\x98") == 1);     // 😀 cut after three of four bytes
  CHECK(utf8_safe_cut("a\xF0\x9F\x98\x80") == 5); // 😀 whole
  CHECK(utf8_safe_cut("a\xFF") == 2);             // not UTF-8: never held
  CHECK(utf8_safe_cut("a\x80\x80\x80\x80") == 5); // stray continuation bytes: never held
  CHECK(utf8_safe_cut("\xC0") == 1);              // a byte that cannot start a character
}

TEST_CASE("line splitter: a long line of 'é' is cut between characters, each chunk valid", "[line_splitter][utf8]") {
  // An odd first byte puts every limit boundary in the middle of a character.
  std::string line = "a";
  for (int i = 0; i < 50; ++i) {
    line += "\xC3\xA9";
  }
  for (const std::size_t limit : {2U, 3U, 4U, 7U, 16U}) {
    const auto pieces = chunks_of(limit, {line + "\n"});
    std::string joined;
    for (const auto& piece : pieces) {
      INFO("limit " << limit << ", piece '" << piece << "'");
      CHECK(piece.size() <= limit);
      CHECK(valid_utf8(piece));
      joined += piece;
    }
    CHECK(joined == line);
  }
}

TEST_CASE("line splitter: 4-byte characters fed one byte at a time keep whole", "[line_splitter][utf8]") {
  const std::string smile = "\xF0\x9F\x98\x80";
  std::string line = "xy";
  for (int i = 0; i < 20; ++i) {
    line += smile;
  }
  std::vector<std::string> feeds;
  for (const char c : line + "\n") {
    feeds.emplace_back(1, c);
  }
  const auto pieces = chunks_of(9, feeds);
  std::string joined;
  for (const auto& piece : pieces) {
    CHECK(valid_utf8(piece));
    joined += piece;
  }
  CHECK(joined == line);
}

TEST_CASE("line splitter: invalid bytes at the limit are cut where they fall, none lost", "[line_splitter][utf8]") {
  const std::string line(10, '\xFF');
  const auto pieces = chunks_of(4, {line + "\n"});
  CHECK(pieces == std::vector<std::string>{std::string(4, '\xFF'), std::string(4, '\xFF'), std::string(2, '\xFF')});
}

TEST_CASE("line splitter: a limit shorter than a character still makes progress", "[line_splitter][utf8]") {
  const auto pieces = chunks_of(1, {"\xC3\xA9\n"});
  CHECK(pieces == std::vector<std::string>{"\xC3", "\xA9"});
}
