// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a Procfile. Built with clang (-DTFRUN_FUZZERS=ON).
#include <tfrun/core/procfile.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tfrun::core::Diagnostics diagnostics;
  (void)tfrun::core::parse_procfile({reinterpret_cast<const char*>(data), size}, "Procfile", diagnostics);
  return 0;
}
