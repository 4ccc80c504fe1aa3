// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a command line, split into words at NUL bytes.
#include <tfrun/core/command_words.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      words.emplace_back();
    } else {
      words.back() += static_cast<char>(data[i]);
    }
  }
  (void)tfrun::core::normalize_command_words(words);
  return 0;
}
