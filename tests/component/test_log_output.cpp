// SPDX-License-Identifier: MIT
// LogOutput's two ways of rendering a pipe's lines give the same bytes: add() for every piece the line
// splitter makes, and add_whole_lines() for the whole lines of a read with the splitter taking the rest.
#include <tfrun/core/line_splitter.hpp>
#include <tfrun/engine/log_output.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using tfrun::core::LinePiece;
using tfrun::core::LineSplitter;
using tfrun::engine::LineSource;
using tfrun::engine::LogOutput;
using tfrun::engine::OutputSink;
using tfrun::engine::render_read;

namespace {

std::string read_until_closed(int fd) {
  std::string got;
  char chunk[8192];
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) {
    got.append(chunk, static_cast<std::size_t>(n));
  }
  return got;
}

// One read of a child's output, and whether a quiet period passed after it (the splitter shows the
// unfinished line, and the next bytes continue it).
struct Read {
  std::string bytes;
  bool quiet_after = false;
};

// Renders `reads` piece by piece, then again in one go, through one LogOutput after one clock reading
// (the heads' time is the same in both), and returns both renderings.
std::pair<std::string, std::string> render_both_ways(const std::vector<Read>& reads, tfrun::core::TextStyle style,
                                                     std::size_t max_line) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string out;
  std::thread reader([&] { out = read_until_closed(fds[0]); });
  {
    OutputSink sink(fds[1], [] {});
    LogOutput output(sink, tfrun::core::LogFormat::text, style);
    const LineSource source = output.make_source("web.1", "web", "\x1b[36m");
    const auto emit = [&](const LinePiece& piece) { output.add(source, piece); };
    output.begin();
    for (const bool in_one_go : {false, true}) {
      LineSplitter splitter(max_line);
      for (const auto& read : reads) {
        if (in_one_go) {
          render_read(output, source, splitter, read.bytes, emit);
        } else {
          splitter.feed(read.bytes, emit);
        }
        if (read.quiet_after) {
          splitter.flush(emit);
        }
      }
      splitter.flush(emit);
      output.commit();
    }
    sink.finish();
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  // Equal renderings make a stream of two equal halves; anything else fails the comparison.
  const auto half = out.size() / 2;
  return {out.substr(0, half), out.substr(half)};
}

} // namespace

TEST_CASE("whole lines rendered in one go look exactly as rendered piece by piece") {
  const std::size_t max_line = 64;
  const std::string long_line(150, 'L'); // cut into chunks by the splitter, in both ways
  std::vector<Read> reads = {
      {"first line\nsecond line\n"},
      {"a line cut across"},
      {" two reads\n\n\nempty lines above\r\n"},
      {long_line + "\nafter the long line\n" + std::string(64, 'e') + "\n" + std::string(65, 'f') + "\nend"},
      {" of a line at the end of a read, then more\nand a tail shown after a quiet period", true},
      {" continues here\nthen a new line\n"},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x1b[31mred\x1b[0m\n\xc3", true},
      {"\xa9 a character split by a quiet period\n"},
  };
  std::string many;
  for (int i = 0; i < 2000; ++i) {
    many += "line " + std::to_string(i) + " of a read long enough to be handed to the sink in batches\n";
  }
  reads.push_back({many});
  for (const bool color : {false, true}) {
    for (const bool prefix : {false, true}) {
      const tfrun::core::TextStyle style{color, true, prefix, 6};
      const auto [piece_by_piece, in_one_go] = render_both_ways(reads, style, max_line);
      CHECK(in_one_go == piece_by_piece);
      CHECK(piece_by_piece.find("then a new line\n") != std::string::npos);
      CHECK((piece_by_piece.find("web.1") != std::string::npos) == prefix);
    }
  }
}

TEST_CASE("add_whole_lines leaves a line without its end and a line past the limit to the splitter") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  {
    OutputSink sink(fds[1], [] {});
    LogOutput output(sink, tfrun::core::LogFormat::text, {});
    const LineSource source = output.make_source("web.1", "web", "");
    output.begin();
    CHECK(output.add_whole_lines(source, "one\ntwo\nthr", 10) == 8);
    CHECK(output.add_whole_lines(source, "short\n" + std::string(11, 'x') + "\nshort\n", 10) == 6);
    CHECK(output.add_whole_lines(source, "no newline at all", 100) == 0);
    LogOutput json(sink, tfrun::core::LogFormat::json, {});
    CHECK(json.add_whole_lines(source, "one\n", 10) == 0); // JSON lines go through add()
    sink.finish();
  }
  ::close(fds[1]);
  ::close(fds[0]);
}
