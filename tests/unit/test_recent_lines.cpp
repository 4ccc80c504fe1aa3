// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <catch2/catch.hpp>

#include <string>

using tfrun::core::RecentLines;

namespace {

std::string contents(const RecentLines& lines) {
  std::string out;
  for (const auto& line : lines.lines()) {
    out += std::to_string(line.seq) + ":" + std::string(line.text) + " ";
  }
  return out;
}

} // namespace

TEST_CASE("recent lines: oldest first, and the oldest go beyond the line limit", "[recent_lines]") {
  RecentLines lines;
  for (std::uint64_t seq = 1; seq <= RecentLines::k_lines + 3; ++seq) {
    lines.add(seq, "l" + std::to_string(seq), 1 << 30);
  }
  REQUIRE(lines.size() == RecentLines::k_lines);
  const auto kept = lines.lines();
  REQUIRE(kept.size() == RecentLines::k_lines);
  CHECK(kept.front().seq == 4);
  CHECK(kept.front().text == "l4");
  CHECK(kept.back().seq == RecentLines::k_lines + 3);
}

TEST_CASE("recent lines: the byte limit drops the oldest, never the newest", "[recent_lines]") {
  RecentLines lines;
  lines.add(1, "aaaa", 10);
  lines.add(2, "bbbb", 10);
  CHECK(contents(lines) == "1:aaaa 2:bbbb ");
  lines.add(3, "cccc", 10); // 12 bytes: the oldest goes
  CHECK(contents(lines) == "2:bbbb 3:cccc ");
  lines.add(4, std::string(50, 'x'), 10); // alone over the limit: kept, alone
  CHECK(lines.size() == 1);
  CHECK(lines.lines().front().seq == 4);
  // After evictions there is room again; order holds as the buffer is compacted and grows.
  lines.add(5, "e", 100);
  lines.add(6, "f", 100);
  lines.add(7, "g", 100);
  CHECK(contents(lines) == "4:" + std::string(50, 'x') + " 5:e 6:f 7:g ");
}

TEST_CASE("recent lines: a long line is cut, and the budget is shared but bounded", "[recent_lines]") {
  RecentLines lines;
  lines.add(1, std::string(RecentLines::k_line_bytes + 100, 'y'), 1 << 30);
  CHECK(lines.lines().front().text.size() == RecentLines::k_line_bytes);
  CHECK(RecentLines::bytes_per_instance(1) == RecentLines::k_max_bytes);
  CHECK(RecentLines::bytes_per_instance(10'000) == RecentLines::k_min_bytes);
  CHECK(RecentLines::bytes_per_instance(0) == RecentLines::k_max_bytes);
}

TEST_CASE("recent lines: many lines through a small budget keep the newest, in order", "[recent_lines]") {
  RecentLines lines;
  for (std::uint64_t seq = 1; seq <= 100'000; ++seq) {
    lines.add(seq, "line " + std::to_string(seq), 200);
  }
  const auto kept = lines.lines();
  REQUIRE(!kept.empty());
  CHECK(kept.back().seq == 100'000);
  CHECK(kept.back().text == "line 100000");
  for (std::size_t i = 1; i < kept.size(); ++i) {
    CHECK(kept[i].seq == kept[i - 1].seq + 1);
  }
  std::size_t text = 0;
  for (const auto& line : kept) {
    text += line.text.size();
  }
  CHECK(text <= 200);
  CHECK(text + 11 > 200); // as many as fit
}
