// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as formation specs (split at NUL) against a fixed Procfile.
#include <tfrun/core/formation.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> specs;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find('\0', start), text.size());
    specs.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  tfrun::core::Procfile procfile;
  procfile.entries = {{"web", "./web", 1}, {"worker", "./work", 2}};
  try {
    (void)tfrun::core::expand_formation(procfile, tfrun::core::parse_formation(specs), 5000);
  } catch (const tfrun::core::FormationError&) {
  }
  return 0;
}
