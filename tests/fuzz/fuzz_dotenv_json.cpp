// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a JSON env file.
#include <tfrun/core/dotenv_json.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tfrun::core::Diagnostics diagnostics;
  (void)tfrun::core::parse_json_env({reinterpret_cast<const char*>(data), size}, "env.json", diagnostics);
  return 0;
}
