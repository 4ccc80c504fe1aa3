// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <catch2/catch.hpp>

#include <string>

using tfrun::core::RecentLines;

namespace {

std::string contents(const RecentLines& recent) {
  std::string out;
  for (const auto& line : recent.lines()) {
    out += std::to_string(line.seq) + ":" + line.text + " ";
  }
  return out;
}

} // namespace

TEST_CASE("recent output: lines cut apart when asked, each with the read its end arrived in", "[recent_lines]") {
  RecentLines recent;
  recent.add(1, "one\ntw", 1000);
  recent.add(2, "o\r\nthree\n", 1000);
  recent.add(3, "partial", 1000);
  CHECK(contents(recent) == "1:one 2:two 2:three 3:partial ");
}

TEST_CASE("recent output: the tail for attach starts at a line and keeps the unfinished prompt", "[recent_lines]") {
  RecentLines recent;
  CHECK(recent.tail(100).empty());
  recent.add(1, "first line\r\nsecond\r\nYour name? ", 1000);
  CHECK(recent.tail(1000) == "first line\r\nsecond\r\nYour name? ");
  CHECK(recent.tail(22) == "second\r\nYour name? "); // 22 bytes begin inside "first line": from the next line
  CHECK(recent.tail(19) == "second\r\nYour name? ");
  CHECK(recent.tail(5) == "ame? "); // the newest line alone is longer: cut
  recent.add(2, "\n", 1000);
  CHECK(recent.tail(1) == "\n");
}

TEST_CASE("recent output: the byte limit drops whole lines, oldest first", "[recent_lines]") {
  RecentLines recent;
  recent.add(1, "aaaa\nbbbb\n", 12);
  CHECK(contents(recent) == "1:aaaa 1:bbbb ");
  recent.add(2, "cccc\n", 12); // 15 bytes: "aaaa\n" goes
  CHECK(contents(recent) == "1:bbbb 2:cccc ");
  recent.add(3, "0123456789abcdef\nxy\n", 12); // more than the limit alone: only its last line fits
  CHECK(contents(recent) == "3:xy ");
  recent.add(4, std::string(20, 'z'), 12); // a line longer than the limit: nothing of it can be kept
  CHECK(contents(recent).empty());
  recent.add(5, "ok\n", 12);
  CHECK(contents(recent) == "5:ok ");
}

TEST_CASE("recent output: bytes that wrap around the buffer's end come back whole and in order", "[recent_lines]") {
  RecentLines recent;
  const std::size_t limit = 1000;
  std::uint64_t seq = 0;
  std::uint64_t line_number = 0;
  for (int round = 0; round < 200; ++round) {
    std::string read;
    for (const std::size_t length : {7U, 33U, 101U, 3U}) {
      ++line_number;
      read += std::to_string(line_number) + ":" + std::string(length, 'x') + "\n";
    }
    recent.add(++seq, read, limit);
  }
  const auto kept = recent.lines();
  REQUIRE(!kept.empty());
  CHECK(kept.back().text == std::to_string(line_number) + ":xxx");
  CHECK(kept.back().seq == seq);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const auto number = std::stoull(kept[i].text.substr(0, kept[i].text.find(':')));
    CHECK(number == line_number - kept.size() + 1 + i);
    bytes += kept[i].text.size() + 1;
  }
  CHECK(bytes <= limit);
  CHECK(bytes > limit - 150); // as much as fits, give or take the longest line
}

TEST_CASE("recent output: a long line is given cut, and the budget is shared but bounded", "[recent_lines]") {
  RecentLines recent;
  recent.add(1, std::string(RecentLines::k_line_bytes + 100, 'y') + "\n", 1 << 20);
  CHECK(recent.lines().front().text.size() == RecentLines::k_line_bytes);
  CHECK(RecentLines::bytes_per_instance(1) == RecentLines::k_max_bytes);
  CHECK(RecentLines::bytes_per_instance(10'000) == RecentLines::k_min_bytes);
  CHECK(RecentLines::bytes_per_instance(0) == RecentLines::k_max_bytes);
}

TEST_CASE("recent output: nothing kept, nothing given", "[recent_lines]") {
  RecentLines recent;
  CHECK(recent.lines().empty());
  recent.add(1, "", 100);
  CHECK(recent.lines().empty());
}
