// SPDX-License-Identifier: MIT
#include <tfrun/core/shebang.hpp>

namespace tfrun::core {

std::optional<std::string> shebang_interpreter(std::string_view head) {
  if (!head.starts_with("#!")) {
    return std::nullopt;
  }
  head.remove_prefix(2);
  // The kernel skips blanks after "#!" and ends the interpreter at the next blank or the line's end.
  const auto start = head.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    return std::nullopt;
  }
  head.remove_prefix(start);
  const auto end = head.find_first_of(" \t\r\n");
  const auto interpreter = head.substr(0, end);
  if (interpreter.empty()) {
    return std::nullopt;
  }
  return std::string(interpreter);
}

} // namespace tfrun::core
