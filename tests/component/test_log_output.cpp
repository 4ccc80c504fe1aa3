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

// Renders `reads` (one child's reads, in order) the way `fast` says, with one clock reading for both ways.
std::string render(const std::vector<std::string>& reads, tfrun::core::TextStyle style, bool fast,
                   std::size_t max_line) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string out;
  std::thread reader([&] { out = read_until_closed(fds[0]); });
  {
    OutputSink sink(fds[1], [] {});
    LogOutput output(sink, tfrun::core::LogFormat::text, style);
    const LineSource source = output.make_source("web.1", "web", "\x1b[36m");
    LineSplitter splitter(max_line);
    const auto emit = [&](const LinePiece& piece) { output.add(source, piece); };
    output.begin();
    for (const std::string& bytes : reads) {
      if (fast) {
        render_read(output, source, splitter, bytes, emit);
      } else {
        splitter.feed(bytes, emit);
      }
    }
    splitter.flush(emit);
    output.commit();
    sink.finish();
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  return out;
}

} // namespace

TEST_CASE("whole lines rendered in one go look exactly as rendered piece by piece") {
  const std::size_t max_line = 64;
  const std::string long_line(150, 'L'); // cut into chunks by the splitter, in both ways
  std::vector<std::string> reads = {
      "first line\nsecond line\n",
      "a line cut across",
      " two reads\n\n\nempty lines above\r\n",
      long_line + "\nafter the long line\n" + std::string(64, 'e') + "\n" + std::string(65, 'f') + "\nend",
      " of a line at the end of a read, then more\nand a tail without its newline",
  };
  std::string many;
  for (int i = 0; i < 2000; ++i) {
    many += "line " + std::to_string(i) + " of a read long enough to be handed to the sink in batches\n";
  }
  reads.push_back(many);
  for (const bool color : {false, true}) {
    for (const bool prefix : {false, true}) {
      const tfrun::core::TextStyle style{color, true, prefix, 6};
      const auto piece_by_piece = render(reads, style, false, max_line);
      const auto in_one_go = render(reads, style, true, max_line);
      CHECK(in_one_go == piece_by_piece);
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
