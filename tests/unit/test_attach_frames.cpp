// SPDX-License-Identifier: MIT
#include <tfrun/core/attach_frames.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace tfrun::core;

TEST_CASE("attach frames: encoded with a type byte and a big-endian length", "[attach]") {
  CHECK(encode_attach_frame(AttachFrameType::input, "ab") == std::string("i\0\0\0\2ab", 7));
  CHECK(encode_attach_frame(AttachFrameType::end, "") == std::string("e\0\0\0\0", 5));
  CHECK(encode_window_frame(40, 300) == std::string("w\0\0\0\4\0\x28\x01\x2c", 9));
  const auto window = decode_window(std::string("\0\x28\x01\x2c", 4));
  REQUIRE(window);
  CHECK(window->rows == 40);
  CHECK(window->columns == 300);
  CHECK_FALSE(decode_window(std::string("\0\0\x01\x2c", 4))); // no rows
  CHECK_FALSE(decode_window("abc"));
}

TEST_CASE("attach frames: read back whole, whatever the pieces they arrive in", "[attach]") {
  const std::string stream = encode_attach_frame(AttachFrameType::output, "hello\r\n") + encode_window_frame(24, 80) +
                             encode_attach_frame(AttachFrameType::notice, "");
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    AttachFrameReader reader;
    std::vector<AttachFrame> frames;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      reader.feed(std::string_view(stream).substr(at, piece));
      while (auto frame = reader.next()) {
        frames.push_back(*frame);
      }
    }
    INFO("pieces of " << piece);
    REQUIRE(frames.size() == 3);
    CHECK(frames[0].type == AttachFrameType::output);
    CHECK(frames[0].payload == "hello\r\n");
    CHECK(frames[1].type == AttachFrameType::window);
    CHECK(frames[2].payload.empty());
    CHECK_FALSE(reader.broken());
  }
}

TEST_CASE("attach frames: an unknown type or an oversized length breaks the stream for good", "[attach]") {
  AttachFrameReader unknown;
  unknown.feed(std::string("x\0\0\0\1a", 6));
  CHECK_FALSE(unknown.next());
  CHECK(unknown.broken());
  unknown.feed(encode_attach_frame(AttachFrameType::input, "a"));
  CHECK_FALSE(unknown.next());

  AttachFrameReader huge;
  huge.feed(std::string("i\x7f\xff\xff\xff", 5));
  CHECK_FALSE(huge.next());
  CHECK(huge.broken());
}
