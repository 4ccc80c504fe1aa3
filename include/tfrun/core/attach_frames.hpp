// SPDX-License-Identifier: MIT
// The byte stream of `tfrun attach` once the formation has answered its request (docs/control.md,
// "attach"): frames of one type byte, a 4-byte big-endian length and that many bytes of payload, both
// ways. Keystrokes and window sizes go in; the terminal's output, notices and the reason the attachment
// ends come out. Pure: encoding and incremental decoding only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tfrun::core {

enum class AttachFrameType : char {
  input = 'i',  // client -> tfrun: bytes typed, for the instance's terminal
  window = 'w', // client -> tfrun: the client's window size (rows, columns: 2 bytes each)
  output = 'o', // tfrun -> client: bytes the instance wrote to its terminal
  notice = 'n', // tfrun -> client: a line for the user (the instance exited, restarted...)
  end = 'e',    // tfrun -> client: why the attachment ends; the connection closes after it
};

// No frame is larger: a reader that meets a longer one stops (the peer does not speak this protocol).
inline constexpr std::size_t k_max_attach_frame_bytes = 1024 * 1024;
inline constexpr std::size_t k_attach_frame_header_bytes = 5;

[[nodiscard]] std::string encode_attach_frame(AttachFrameType type, std::string_view payload);
[[nodiscard]] std::string encode_window_frame(std::uint16_t rows, std::uint16_t columns);

struct AttachWindow {
  std::uint16_t rows = 0;
  std::uint16_t columns = 0;
};
// A window frame's payload; nullopt when it is not 4 bytes or a dimension is 0.
[[nodiscard]] std::optional<AttachWindow> decode_window(std::string_view payload);

struct AttachFrame {
  AttachFrameType type = AttachFrameType::input;
  std::string payload;
};

// Frames out of a byte stream that arrives in pieces of any size.
class AttachFrameReader {
public:
  void feed(std::string_view bytes) { m_buffer.append(bytes); }
  // The next whole frame, or nullopt when more bytes are needed or the stream is broken (see broken()).
  [[nodiscard]] std::optional<AttachFrame> next();
  // An unknown type or a frame over k_max_attach_frame_bytes was met: nothing more is read.
  [[nodiscard]] bool broken() const { return m_broken; }

private:
  std::string m_buffer;
  std::size_t m_offset = 0; // where the next frame starts in m_buffer
  bool m_broken = false;
};

} // namespace tfrun::core
