// SPDX-License-Identifier: MIT
// What the line splitter tests compare: copies of the pieces a splitter emits (LinePiece::text dies with
// the next call on the splitter).
#pragma once

#include <tfrun/core/line_splitter.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::test {

struct Piece {
  std::string text;
  bool continuation = false;
  bool complete = true;

  bool operator==(const Piece&) const = default;
};

inline std::ostream& operator<<(std::ostream& out, const Piece& piece) {
  return out << "{'" << piece.text << "' cont=" << piece.continuation << " complete=" << piece.complete << "}";
}

using Pieces = std::vector<Piece>;

struct Collector {
  Pieces* pieces;
  void operator()(const core::LinePiece& piece) const {
    pieces->push_back({std::string(piece.text), piece.continuation, piece.complete});
  }
};

inline Pieces feed(core::LineSplitter& splitter, std::string_view bytes) {
  Pieces pieces;
  splitter.feed(bytes, Collector{&pieces});
  return pieces;
}

inline Pieces flush(core::LineSplitter& splitter) {
  Pieces pieces;
  splitter.flush(Collector{&pieces});
  return pieces;
}

} // namespace tfrun::test
