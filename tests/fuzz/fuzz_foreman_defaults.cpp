// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a .foreman file.
#include <tfrun/core/foreman_defaults.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tfrun::core::Diagnostics diagnostics;
  (void)tfrun::core::parse_foreman_defaults({reinterpret_cast<const char*>(data), size}, ".foreman", diagnostics);
  return 0;
}
