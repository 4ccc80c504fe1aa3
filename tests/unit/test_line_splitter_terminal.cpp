// SPDX-License-Identifier: MIT
// The line splitter on a pseudo-terminal's output (docs/terminal.md): lines as a screen shows them.
#include "line_pieces.hpp"

#include <tfrun/core/line_splitter.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using tfrun::core::LineSplitter;
using namespace tfrun::test;

namespace {

LineSplitter terminal_splitter(std::size_t max_line_bytes = tfrun::core::k_max_line_bytes) {
  LineSplitter splitter(max_line_bytes);
  splitter.set_terminal(true);
  return splitter;
}

// What the splitter emits when `line` arrives in two reads, cut at `cut`.
Pieces fed_cut_at(const std::string& line, std::size_t cut) {
  auto splitter = terminal_splitter();
  auto pieces = feed(splitter, line.substr(0, cut));
  const auto rest = feed(splitter, line.substr(cut));
  pieces.insert(pieces.end(), rest.begin(), rest.end());
  return pieces;
}

} // namespace

TEST_CASE("terminal lines: CRLF ends a line, in one feed and split between feeds", "[line_splitter]") {
  auto splitter = terminal_splitter();
  CHECK(feed(splitter, "one\r\ntwo\r\n\r\n") == Pieces{{"one"}, {"two"}, {""}});
  CHECK(feed(splitter, "three\r").empty());
  CHECK(feed(splitter, "\nfour\r\r\n") == Pieces{{"three"}, {"four"}});
  CHECK_FALSE(splitter.has_partial());
}

TEST_CASE("terminal lines: a bar redrawn with CR is one line, and only its last state is held", "[line_splitter]") {
  auto splitter = terminal_splitter();
  std::string bar;
  for (int step = 0; step <= 10000; ++step) {
    CHECK(feed(splitter, "\rprogress " + std::to_string(step)).empty());
  }
  CHECK(splitter.buffered_bytes() == std::string("progress 10000").size());
  CHECK(feed(splitter, "\r\ndone\r\n") == Pieces{{"progress 10000"}, {"done"}});
}

TEST_CASE("terminal lines: a CR at the end of a feed waits for what follows it", "[line_splitter]") {
  auto splitter = terminal_splitter();
  CHECK(feed(splitter, "old text\r").empty());
  CHECK(feed(splitter, "new").empty()); // the CR was a redraw, not a line end
  CHECK(feed(splitter, "\r\n") == Pieces{{"new"}});
}

TEST_CASE("terminal lines: a flushed partial line is shown as the screen shows it", "[line_splitter]") {
  auto splitter = terminal_splitter();
  CHECK(feed(splitter, "Your name? ").empty());
  CHECK(flush(splitter) == Pieces{{"Your name? ", false, false}});
  CHECK(feed(splitter, "Ada\r\n") == Pieces{{"Ada", true, true}});
  CHECK(feed(splitter, "50%\r").empty());
  CHECK(flush(splitter) == Pieces{{"50%", false, false}});
}

TEST_CASE("terminal lines: a line past the limit is cut into chunks, never lost", "[line_splitter]") {
  auto splitter = terminal_splitter(8);
  CHECK(feed(splitter, "abcdefghijkl") == Pieces{{"abcdefgh", false, false}});
  CHECK(feed(splitter, "mn\r\n") == Pieces{{"ijklmn", true, true}});
  CHECK(feed(splitter, "0123456789ABCDEFGHIJ\r\n") ==
        Pieces{{"01234567", false, false}, {"89ABCDEF", true, false}, {"GHIJ", true, true}});
}

TEST_CASE("terminal lines: off, a CR is a byte like any other", "[line_splitter]") {
  LineSplitter splitter;
  CHECK_FALSE(splitter.terminal());
  CHECK(feed(splitter, "10%\r100%\r\n") == Pieces{{"10%\r100%\r"}});
}

TEST_CASE("terminal lines: a colour set before a redraw stays, however the reads split the line", "[line_splitter]") {
  const std::string line = "\x1b[32mold\rnew\x1b[0m\r\n";
  for (std::size_t cut = 1; cut < line.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(fed_cut_at(line, cut) == Pieces{{"\x1b[32mnew\x1b[0m"}});
  }
}

TEST_CASE("terminal lines: a bar redrawn forever in colour keeps the held line small", "[line_splitter]") {
  auto splitter = terminal_splitter();
  for (int step = 0; step < 10000; ++step) {
    CHECK(feed(splitter, "\r\x1b[32m" + std::to_string(step) + "%\x1b[0m").empty());
  }
  CHECK(splitter.buffered_bytes() < 32);
  CHECK(feed(splitter, "\r\n") == Pieces{{"\x1b[32m9999%\x1b[0m"}});
}

TEST_CASE("terminal lines: the chunks of a line past the limit are shown as a screen shows them", "[line_splitter]") {
  auto splitter = terminal_splitter(8);
  CHECK(feed(splitter, "\x1b[5Aabcdefghij\x07kl\r\n") ==
        Pieces{{"abcd", false, false}, {"efghijk", true, false}, {"l", true, true}});
}

TEST_CASE("terminal lines: a bar redrawn in colour with chalk's closers stays small and linear", "[line_splitter]") {
  auto splitter = terminal_splitter();
  for (int step = 0; step < 20000; ++step) {
    CHECK(feed(splitter, "\r\x1b[32m" + std::to_string(step) + "%\x1b[39m").empty());
  }
  CHECK(splitter.buffered_bytes() < 40);
  CHECK(feed(splitter, "\r\n") == Pieces{{"\x1b[32m19999%\x1b[39m"}});
}

TEST_CASE("terminal lines: one read or many, the same line", "[line_splitter]") {
  const std::string line = "\x1b[32mgreen \x1b[0m plain\rredraw\r\n";
  auto whole = terminal_splitter();
  const auto expected = feed(whole, line);
  for (std::size_t cut = 1; cut < line.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(fed_cut_at(line, cut) == expected);
  }
}
