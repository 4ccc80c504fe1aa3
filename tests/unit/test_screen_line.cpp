// SPDX-License-Identifier: MIT
#include <tfrun/core/screen_line.hpp>

#include <catch2/catch.hpp>

#include <string>

using tfrun::core::as_shown_on_screen;

namespace {

std::string shown(std::string_view line) {
  std::string scratch;
  return std::string(as_shown_on_screen(line, scratch));
}

} // namespace

TEST_CASE("screen line: plain text and tabs are left alone, without a copy", "[screen_line]") {
  std::string scratch;
  const std::string_view line = "plain\ttext \xc3\xa9";
  CHECK(as_shown_on_screen(line, scratch).data() == line.data());
  CHECK(shown("") == "");
}

TEST_CASE("screen line: carriage returns", "[screen_line]") {
  CHECK(shown("crlf\r") == "crlf");
  CHECK(shown("twice\r\r") == "twice");
  CHECK(shown("10%\r20%\r100%") == "100%");
  CHECK(shown("10%\r20%\r100%\r") == "100%");
  CHECK(shown("\r") == "");
}

TEST_CASE("screen line: colours stay, cursor movement and erasing go", "[screen_line]") {
  CHECK(shown("\x1b[31mred\x1b[0m") == "\x1b[31mred\x1b[0m");
  // node's readline: cursor to column 1, erase below, then the prompt.
  CHECK(shown("\x1b[1G\x1b[0Jdebug> \x1b[8G") == "debug> ");
  CHECK(shown("old\x1b[1Gnew") == "new");
  CHECK(shown("old\x1b[Gnew") == "new");
  CHECK(shown("old\x1b[2K\rnew") == "new");
  CHECK(shown("a\x1b[5Cb\x1b[3Dc\x1b[Hd") == "abcd");
  CHECK(shown("\x1b[32mold\rnew") == "\x1b[32mnew"); // starting over keeps the colour in force
  CHECK(shown("\x1b]0;window title\x07text") == "text");
  CHECK(shown("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\") == "link");
  CHECK(shown("\x1b(Bascii\x1b=") == "ascii");
  CHECK(shown("bell\x07!") == "bell!");
  CHECK(shown("cut at the end \x1b[") == "cut at the end ");
}

TEST_CASE("screen line: a backspace erases the character before it", "[screen_line]") {
  CHECK(shown("abc\b \b") == "ab"); // readline's rubout: c, then the space written over it
  CHECK(shown("am\b") == "a");
  CHECK(shown("caf\xc3\xa9\b") == "caf"); // a UTF-8 character is one
  CHECK(shown("\b\bx") == "x");
  CHECK(shown("\x1b[1mb\x1b[0m\b") == "\x1b[1m\x1b[0m"); // the character goes, the settings stay
  CHECK(shown("ab\x1b[31m\b\bX") == "\x1b[31mX");
  CHECK(shown("ab\x1b[31m\rcd\b") == "\x1b[31mc");
}

TEST_CASE("screen line: starting over keeps the colour in force, as one setting", "[screen_line]") {
  CHECK(shown("\x1b[1m\x1b[32mold\rnew") == "\x1b[1;32mnew");
  CHECK(shown("\x1b[32mgreen\x1b[0m plain\rredraw") == "redraw"); // reset: nothing in force
  CHECK(shown("\x1b[32mgreen\x1b[39m\rredraw") == "redraw");      // chalk's closer
  CHECK(shown("\x1b[38;5;208m\x1b[48;2;1;2;3mx\ry") == "\x1b[38;5;208;48;2;1;2;3my");
  CHECK(shown("\x1b[1;2m\x1b[22mx\ry") == "y");
  std::string bar;
  for (int step = 0; step < 20000; ++step) {
    bar += "\r\x1b[32m" + std::to_string(step) + "%\x1b[39m";
  }
  CHECK(shown(bar) == "\x1b[32m19999%\x1b[39m"); // linear, and no pile of settings
  CHECK(tfrun::core::style_in_force("\x1b[31ma\x1b[1mb") == "\x1b[1;31m");
  CHECK(tfrun::core::style_in_force("plain").empty());
}

TEST_CASE("screen line: a sequence ends at a byte that cannot end it, which is then read", "[screen_line]") {
  CHECK(shown("old\x1b[\rnew") == "new");
  CHECK(shown("a\x1b[12") == "a");
}
