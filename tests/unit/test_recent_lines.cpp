// SPDX-License-Identifier: MIT
#include <tfrun/core/recent_lines.hpp>

#include <catch2/catch.hpp>

#include <string>

using tfrun::core::RecentLines;

namespace {

std::string contents(const RecentLines& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += std::to_string(lines[i].seq) + ":" + lines[i].text + " ";
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
  CHECK(lines[0].seq == 4);
  CHECK(lines[0].text == "l4");
  CHECK(lines[lines.size() - 1].seq == RecentLines::k_lines + 3);
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
  CHECK(lines[0].seq == 4);
  // After evictions the ring has room again; order holds as it wraps and grows.
  lines.add(5, "e", 100);
  lines.add(6, "f", 100);
  lines.add(7, "g", 100);
  CHECK(lines.size() == 4);
  CHECK(lines[0].seq == 4);
  CHECK(lines[3].seq == 7);
}

TEST_CASE("recent lines: a long line is cut, and the budget is shared but bounded", "[recent_lines]") {
  RecentLines lines;
  lines.add(1, std::string(RecentLines::k_line_bytes + 100, 'y'), 1 << 30);
  CHECK(lines[0].text.size() == RecentLines::k_line_bytes);
  CHECK(RecentLines::bytes_per_instance(1) == RecentLines::k_max_bytes);
  CHECK(RecentLines::bytes_per_instance(10'000) == RecentLines::k_min_bytes);
  CHECK(RecentLines::bytes_per_instance(0) == RecentLines::k_max_bytes);
}
