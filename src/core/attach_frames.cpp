// SPDX-License-Identifier: MIT
#include <tfrun/core/attach_frames.hpp>

namespace tfrun::core {
namespace {

bool known(char type) {
  switch (static_cast<AttachFrameType>(type)) {
  case AttachFrameType::input:
  case AttachFrameType::window:
  case AttachFrameType::output:
  case AttachFrameType::notice:
  case AttachFrameType::end: return true;
  }
  return false;
}

} // namespace

std::string encode_attach_frame(AttachFrameType type, std::string_view payload) {
  std::string out;
  out.reserve(k_attach_frame_header_bytes + payload.size());
  out += static_cast<char>(type);
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((size >> shift) & 0xff);
  }
  out += payload;
  return out;
}

std::string encode_window_frame(std::uint16_t rows, std::uint16_t columns) {
  const char payload[4] = {static_cast<char>(rows >> 8), static_cast<char>(rows & 0xff),
                           static_cast<char>(columns >> 8), static_cast<char>(columns & 0xff)};
  return encode_attach_frame(AttachFrameType::window, std::string_view(payload, sizeof payload));
}

std::optional<AttachWindow> decode_window(std::string_view payload) {
  if (payload.size() != 4) {
    return std::nullopt;
  }
  const auto byte = [&](std::size_t i) { return static_cast<std::uint16_t>(static_cast<unsigned char>(payload[i])); };
  const AttachWindow window{static_cast<std::uint16_t>(byte(0) << 8 | byte(1)),
                            static_cast<std::uint16_t>(byte(2) << 8 | byte(3))};
  if (window.rows == 0 || window.columns == 0) {
    return std::nullopt;
  }
  return window;
}

std::optional<AttachFrame> AttachFrameReader::next() {
  if (m_broken) {
    return std::nullopt;
  }
  const std::string_view rest = std::string_view(m_buffer).substr(m_offset);
  if (rest.size() < k_attach_frame_header_bytes) {
    return std::nullopt;
  }
  if (!known(rest[0])) {
    m_broken = true;
    return std::nullopt;
  }
  std::uint32_t size = 0;
  for (std::size_t i = 1; i < k_attach_frame_header_bytes; ++i) {
    size = size << 8 | static_cast<unsigned char>(rest[i]);
  }
  if (size > k_max_attach_frame_bytes) {
    m_broken = true;
    return std::nullopt;
  }
  if (rest.size() < k_attach_frame_header_bytes + size) {
    return std::nullopt;
  }
  AttachFrame frame{static_cast<AttachFrameType>(rest[0]), std::string(rest.substr(k_attach_frame_header_bytes, size))};
  m_offset += k_attach_frame_header_bytes + size;
  if (m_offset == m_buffer.size()) {
    m_buffer.clear(); // the common case: every frame read, nothing to move
    m_offset = 0;
  } else if (m_offset > 64 * 1024) {
    m_buffer.erase(0, m_offset);
    m_offset = 0;
  }
  return frame;
}

} // namespace tfrun::core
