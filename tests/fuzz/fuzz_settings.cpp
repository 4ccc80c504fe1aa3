// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as tfrun.toml.
#include <tfrun/core/settings.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tfrun::core::Diagnostics diagnostics;
  (void)tfrun::core::parse_settings({reinterpret_cast<const char*>(data), size}, "tfrun.toml", diagnostics);
  return 0;
}
