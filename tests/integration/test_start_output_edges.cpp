// SPDX-License-Identifier: MIT
// `tfrun start` output at the edges: a slow reader when a child exits, a readiness regex on a huge line,
// a non-blocking or failing stdout, standard descriptors closed at start-up, UTF-8 in chunked lines.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <string_view>

using namespace tfrun::test;

namespace {

RunOptions plain_text_in(const TempDir& dir) {
  RunOptions options;
  options.cwd = dir.path();
  options.env["TFRUN_COLOR"] = "never";
  return options;
}

// Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      low = c == 0xE0 ? 0xA0 : 0x80;
      high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      low = c == 0xF0 ? 0x90 : 0x80;
      high = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

// What precedes a line of `name` with --no-timestamp: names are padded to the longest, here "system".
std::string head(const std::string& name, char mark = '|') {
  return name + std::string(name.size() < 6 ? 6 - name.size() : 0, ' ') + " " + mark + " ";
}

std::string line_of_e_acute(std::size_t count) {
  std::string line = "a";
  for (std::size_t i = 0; i < count; ++i) {
    line += "\xC3\xA9";
  }
  return line;
}

} // namespace

TEST_CASE("a child prints 65,000 lines and exits while a slow reader holds tfrun back: nothing is lost") {
  TempDir dir;
  dir.write("Procfile", "c: exec " + test_child() + " count 65000\n");
  auto options = plain_text_in(dir);
  // About 900 KB of output at 300 KB/s: the child has exited for well over a second while tfrun still holds
  // its last lines in the pipe, and reading it stays paused by back-pressure most of that time.
  options.stdout_bytes_per_second = 300 * 1000;
  Tfrun tfrun({"start", "--no-timestamp"}, options);
  REQUIRE(tfrun.wait_for_exit(60s) == 0);
  const auto lines = tfrun.out_lines();
  int expected = 1;
  bool in_order = true;
  for (const auto& line : lines) {
    if (line.rfind(head("c.1"), 0) == 0 && line != head("c.1") + "last") {
      in_order = in_order && line == head("c.1") + std::to_string(expected);
      ++expected;
    }
  }
  CHECK(in_order);
  CHECK(expected - 1 == 65000);
  const auto last = std::find(lines.begin(), lines.end(), head("c.1") + "last"); // the unterminated last line
  const auto exited = std::find(lines.begin(), lines.end(), head("system") + "c.1 exited with code 0");
  CHECK(last != lines.end());
  CHECK(exited != lines.end());
  CHECK(last < exited);
}

TEST_CASE("a readiness regex over a 60 KB line: no crash, the pattern matches, the dependent starts") {
  TempDir dir;
  // `big` prints 60 KiB of 'B' on one line, then "end-without-newline" (shown after the quiet period).
  // `^.*...` over the long line recursed once per character in the old matcher and overflowed its stack.
  dir.write("Procfile",
            "web: exec " + test_child() + " big 61440 stay\nafter: exec " + test_child() + " print started\n");
  dir.write("tfrun.toml", "[process.web]\nready = { log = \"^.*end-without-newline\" }\n\n"
                          "[process.after]\ndepends_on = [\"web\"]\n");
  Tfrun tfrun({"start", "--no-timestamp", "--quiet-period", "200ms"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^system +\\| web\\.1 ready \\(log matched\\)$"));
  REQUIRE(tfrun.wait_for_line("^after\\.1 +\\| started$"));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("a readiness regex sees the start of a 60 KB line") {
  TempDir dir;
  dir.write("Procfile",
            "web: exec " + test_child() + " big 61440 stay\nafter: exec " + test_child() + " print started\n");
  dir.write("tfrun.toml", "[process.web]\nready = { log = \"^(B|BB)+$\" }\n\n"
                          "[process.after]\ndepends_on = [\"web\"]\n");
  Tfrun tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^system +\\| web\\.1 ready \\(log matched\\)$"));
  REQUIRE(tfrun.wait_for_line("^after\\.1 +\\| started$"));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
}

TEST_CASE("stdout inherited non-blocking: a paused reader loses and tears nothing") {
  TempDir dir;
  dir.write("Procfile", "g: exec " + test_child() + " lines g 20000 5 stay\n");
  auto options = plain_text_in(dir);
  options.wrapper = {test_child(), "exec-with", "nonblocking-stdout"};
  Tfrun tfrun({"start", "--no-timestamp"}, options);
  REQUIRE(tfrun.wait_for_line("g\\.1 started"));
  tfrun.pause_reading(true);
  tfrun.idle_for(300ms); // tfrun's writes meet a full pipe (EAGAIN) all this while
  tfrun.pause_reading(false);
  REQUIRE(tfrun.wait_for_line("^g\\.1 +\\| done g$", 60s));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  int expected = 0;
  int broken = 0;
  for (const auto& line : tfrun.out_lines()) {
    if (line.rfind(head("g.1") + "g:", 0) != 0) {
      continue;
    }
    const std::string_view payload = std::string_view(line).substr(head("g.1").size() + 2);
    const auto colon = payload.find(':');
    const auto colon2 = payload.find(':', colon + 1);
    const auto seq = std::stoi(std::string(payload.substr(0, colon)));
    const auto length = std::stoul(std::string(payload.substr(colon + 1, colon2 - colon - 1)));
    const auto fill = payload.substr(colon2 + 1);
    broken += seq != expected || fill.size() != length || fill.find_first_not_of('x') != std::string_view::npos;
    expected = seq + 1;
  }
  CHECK(broken == 0);
  CHECK(expected == 20000);
  CHECK(tfrun.err().empty());
}

TEST_CASE("stdout on a full disk (/dev/full): tfrun says so, exits 74 and stops every child") {
  TempDir dir;
  dir.write("Procfile", "a: exec " + test_child() + " print hello\n");
  auto options = plain_text_in(dir);
  options.wrapper = {"sh", "-c", "exec \"$0\" \"$@\" >/dev/full"};
  Tfrun tfrun({"start"}, options);
  CHECK(tfrun.wait_for_exit() == 74);
  CHECK(tfrun.err().find("tfrun: error: cannot write the output to stdout: No space left on device") !=
        std::string::npos);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("started with stdout closed: tfrun start writes to /dev/null, not into a descriptor of its own") {
  TempDir dir;
  dir.write("Procfile", "a: echo one; echo two; exit 0\n");
  auto options = plain_text_in(dir);
  options.wrapper = {test_child(), "exec-with", "closed-stdout"};
  const auto result = run_tfrun({"start"}, options);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
}

TEST_CASE("started with stdout closed: tfrun run gives the command /dev/null as its stdout") {
  TempDir dir;
  auto options = plain_text_in(dir);
  options.wrapper = {test_child(), "exec-with", "closed-stdout"};
  const auto result = run_tfrun({"run", "--", "sh", "-c", "test \"$(readlink /proc/$$/fd/1)\" = /dev/null"}, options);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
}

TEST_CASE("a 2 MiB line of 'é' is split between characters: bytes in equal bytes out, text and JSON") {
  TempDir dir;
  // "a" first, so the 1 MiB limit falls in the middle of a character.
  dir.write("Procfile", "u: exec " + test_child() + " utf8-line 1048576\n");
  const auto expected = line_of_e_acute(1048576);
  SECTION("text: each chunk is valid UTF-8 and the chunks after the first are marked") {
    const auto result = run_tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
    REQUIRE(result.status == 0);
    std::string joined;
    int chunks = 0;
    int marked = 0;
    std::string_view rest = result.out;
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      const auto line = rest.substr(0, newline);
      rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
      const bool first = line.rfind(head("u.1"), 0) == 0;
      const bool continued = line.rfind(head("u.1", '+'), 0) == 0;
      if (first || continued) {
        const auto piece = line.substr(head("u.1").size());
        CHECK(valid_utf8(piece));
        CHECK(piece.size() <= 1024 * 1024);
        joined += piece;
        ++chunks;
        marked += continued ? 1 : 0;
      }
    }
    CHECK(chunks == 3);
    CHECK(marked == 2);
    CHECK(joined == expected);
  }
  SECTION("JSON: no replacement character, continuation and partial say where the line goes on") {
    const auto result = run_tfrun({"start", "--log-format", "json"}, plain_text_in(dir));
    REQUIRE(result.status == 0);
    CHECK(result.out.find("\\ufffd") == std::string::npos);
    std::string joined;
    int pieces = 0;
    for (std::size_t at = result.out.find("\"process\":\"u.1\""); at != std::string::npos;
         at = result.out.find("\"process\":\"u.1\"", at + 1)) {
      const auto text_at = result.out.find("\"line\":\"", at) + 8;
      const auto text_end = result.out.find('"', text_at);
      joined += result.out.substr(text_at, text_end - text_at);
      const auto line_end = result.out.find('\n', text_end);
      const auto flags = result.out.substr(text_end, line_end - text_end);
      CHECK((flags.find("\"continuation\":true") != std::string::npos) == (pieces > 0));
      CHECK((flags.find("\"partial\":true") != std::string::npos) == (pieces < 2));
      ++pieces;
    }
    CHECK(pieces == 3);
    CHECK(joined == expected);
  }
}

TEST_CASE("stdout and stderr of one process keep their order") {
  TempDir dir;
  dir.write("Procfile", "o: echo one; echo two >&2; echo three; echo four >&2; exit 0\n");
  const auto result = run_tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
  REQUIRE(result.status == 0);
  const auto one = result.out.find(head("o.1") + "one\n");
  const auto two = result.out.find(head("o.1") + "two\n");
  const auto three = result.out.find(head("o.1") + "three\n");
  const auto four = result.out.find(head("o.1") + "four\n");
  REQUIRE(four != std::string::npos);
  CHECK(one < two);
  CHECK(two < three);
  CHECK(three < four);
}

TEST_CASE("a pipe closed by the drain (a background process holds it, silent) still shows the held partial line") {
  TempDir dir;
  // The background sleep keeps the pipe open after the shell exits; the quiet period is far longer than the
  // drain, so only the pipe's closing can show the unterminated line.
  dir.write("Procfile", "a: sleep 30 & printf 'unterminated'; exit 0\n");
  Tfrun tfrun({"start", "--no-timestamp", "--quiet-period", "30s"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_exit() == 0);
  const auto lines = tfrun.out_lines();
  const auto partial = std::find(lines.begin(), lines.end(), head("a.1") + "unterminated");
  const auto exited = std::find(lines.begin(), lines.end(), head("system") + "a.1 exited with code 0");
  CHECK(partial != lines.end());
  CHECK(exited != lines.end());
  CHECK(partial < exited);
  CHECK(no_leftovers(tfrun.marker()));
}
