// SPDX-License-Identifier: MIT
#include "line_pieces.hpp"

#include <tfrun/core/line_splitter.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <ostream>
#include <random>
#include <string>
#include <vector>

using tfrun::core::LinePiece;
using tfrun::core::LineSplitter;

using namespace tfrun::test;

TEST_CASE("line splitter: whole lines in one feed", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, "one\ntwo\n\nfour\n") ==
        Pieces{{"one", false, true}, {"two", false, true}, {"", false, true}, {"four", false, true}});
  CHECK_FALSE(splitter.has_partial());
  CHECK(splitter.buffered_bytes() == 0);
}

TEST_CASE("line splitter: a line split across feeds is emitted once, whole", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, "hel").empty());
  CHECK(splitter.has_partial());
  CHECK(splitter.buffered_bytes() == 3);
  CHECK(feed(splitter, "lo wo").empty());
  CHECK(feed(splitter, "rld\nnext") == Pieces{{"hello world", false, true}});
  CHECK(splitter.buffered_bytes() == 4);
  CHECK(feed(splitter, "\n") == Pieces{{"next", false, true}});
  CHECK_FALSE(splitter.has_partial());
}

TEST_CASE("line splitter: bytes pass through unchanged, CR included", "[line_splitter]") {
  LineSplitter splitter;
  const std::string binary("a\r\0\xFF\x1b[1m", 7);
  CHECK(feed(splitter, binary + "\n") == Pieces{{binary, false, true}});
  CHECK(feed(splitter, "x\r\n") == Pieces{{"x\r", false, true}});
}

TEST_CASE("line splitter: an empty feed does nothing", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, "").empty());
  CHECK(feed(splitter, "ab").empty());
  CHECK(feed(splitter, "").empty());
  CHECK(splitter.buffered_bytes() == 2);
}

TEST_CASE("line splitter: a line of exactly the limit is whole", "[line_splitter]") {
  LineSplitter fast(4);
  CHECK(feed(fast, "abcd\n") == Pieces{{"abcd", false, true}});

  // Also when it arrives in pieces and the newline comes in a later feed.
  LineSplitter slow(4);
  CHECK(feed(slow, "ab").empty());
  CHECK(feed(slow, "cd").empty());
  CHECK(slow.buffered_bytes() == 4);
  CHECK(feed(slow, "\n") == Pieces{{"abcd", false, true}});
  CHECK(feed(slow, "e\n") == Pieces{{"e", false, true}});
}

TEST_CASE("line splitter: a longer line is cut into chunks of the limit, marked", "[line_splitter]") {
  LineSplitter splitter(4);
  CHECK(feed(splitter, "abcdefghij\nz\n") ==
        Pieces{{"abcd", false, false}, {"efgh", true, false}, {"ij", true, true}, {"z", false, true}});

  // Exactly twice the limit: the last chunk completes the line, no empty piece follows.
  LineSplitter twice(4);
  CHECK(feed(twice, "abcdefgh\n") == Pieces{{"abcd", false, false}, {"efgh", true, true}});

  // The limit is reached through a buffered partial line.
  LineSplitter buffered(4);
  CHECK(feed(buffered, "abc").empty());
  CHECK(feed(buffered, "de") == Pieces{{"abcd", false, false}});
  CHECK(buffered.buffered_bytes() == 1);
  CHECK(feed(buffered, "\n") == Pieces{{"e", true, true}});

  // A full buffer, then one more byte: the buffer goes out as a chunk, the byte starts the continuation.
  LineSplitter full(4);
  CHECK(feed(full, "abcd").empty());
  CHECK(feed(full, "e\n") == Pieces{{"abcd", false, false}, {"e", true, true}});
}

TEST_CASE("line splitter: the default limit is 1 MiB and a 1 MiB line is whole", "[line_splitter]") {
  CHECK(tfrun::core::k_max_line_bytes == 1024 * 1024);
  LineSplitter splitter;
  const std::string line(tfrun::core::k_max_line_bytes, 'x');
  const auto whole = feed(splitter, line + "\n");
  REQUIRE(whole.size() == 1);
  CHECK(whole[0].text == line);
  CHECK(whole[0].complete);
  const auto chunked = feed(splitter, line + "yz\n");
  REQUIRE(chunked.size() == 2);
  CHECK(chunked[0].text == line);
  CHECK_FALSE(chunked[0].complete);
  CHECK(chunked[1] == Piece{"yz", true, true});
}

TEST_CASE("line splitter: flush shows a partial line, and what follows is a continuation", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, "Password: ").empty());
  CHECK(flush(splitter) == Pieces{{"Password: ", false, false}});
  CHECK_FALSE(splitter.has_partial());
  CHECK(feed(splitter, "ok\nnext\n") == Pieces{{"ok", true, true}, {"next", false, true}});
}

TEST_CASE("line splitter: the rest after a flush may itself be flushed again", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, "50%").empty());
  CHECK(flush(splitter) == Pieces{{"50%", false, false}});
  CHECK(feed(splitter, " 100%").empty());
  CHECK(flush(splitter) == Pieces{{" 100%", true, false}});
  CHECK(feed(splitter, "\n") == Pieces{{"", true, true}});
}

TEST_CASE("line splitter: flush with nothing held is a no-op", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(flush(splitter).empty());
  CHECK(feed(splitter, "a\n") == Pieces{{"a", false, true}});
  CHECK(flush(splitter).empty());
  // Nothing held after a chunk either: the continuation mark is kept for the next piece.
  LineSplitter chunked(2);
  CHECK(feed(chunked, "abc") == Pieces{{"ab", false, false}});
  CHECK(feed(chunked, "d").empty());
  CHECK(flush(chunked) == Pieces{{"cd", true, false}});
  CHECK(flush(chunked).empty());
  CHECK(feed(chunked, "\n") == Pieces{{"", true, true}});
}

TEST_CASE("line splitter: a huge line's buffer is given back afterwards", "[line_splitter]") {
  LineSplitter splitter;
  CHECK(feed(splitter, std::string(200 * 1024, 'x')).empty());
  CHECK(splitter.buffered_bytes() == 200 * 1024);
  const auto pieces = feed(splitter, "\n");
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0].text.size() == 200 * 1024);
  CHECK(splitter.buffered_bytes() == 0);
}

TEST_CASE("line splitter: seeded random feed boundaries reassemble the exact lines", "[line_splitter][random]") {
  std::mt19937 random(1234567U);
  std::uniform_int_distribution<int> line_length(0, 40);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::uniform_int_distribution<std::size_t> limit_of(1, 48);
  std::uniform_int_distribution<int> coin(0, 3);
  for (int round = 0; round < 400; ++round) {
    INFO("round " << round);
    std::vector<std::string> lines(static_cast<std::size_t>(line_length(random)));
    std::string text;
    for (auto& line : lines) {
      const int length = line_length(random);
      for (int i = 0; i < length; ++i) {
        line += static_cast<char>(letter(random));
      }
      text += line + "\n";
    }
    const bool unterminated = coin(random) == 0;
    if (unterminated) {
      lines.emplace_back("tail");
      text += "tail";
    }
    const std::size_t limit = limit_of(random);
    LineSplitter splitter(limit);

    std::vector<std::string> reassembled;
    std::string current;
    bool expect_continuation = false;
    const auto collect = [&](const LinePiece& piece) {
      REQUIRE(piece.continuation == expect_continuation);
      REQUIRE(piece.text.size() <= limit);
      REQUIRE(piece.text.find('\n') == std::string_view::npos);
      current += piece.text;
      if (piece.complete) {
        reassembled.push_back(current);
        current.clear();
      }
      expect_continuation = !piece.complete;
    };
    std::uniform_int_distribution<std::size_t> piece_size(0, 2 * limit + 3);
    for (std::size_t at = 0; at < text.size();) {
      const auto size = std::min(piece_size(random), text.size() - at);
      splitter.feed(std::string_view(text).substr(at, size), collect);
      REQUIRE(splitter.buffered_bytes() <= limit);
      at += size;
      // A quiet period now and then: the partial line shows early and the rest arrives as a continuation.
      if (coin(random) == 0) {
        splitter.flush(collect);
      }
    }
    splitter.flush(collect);
    if (!current.empty() || expect_continuation) {
      reassembled.push_back(current); // EOF ended the line
    }
    CHECK(reassembled == lines);
  }
}
