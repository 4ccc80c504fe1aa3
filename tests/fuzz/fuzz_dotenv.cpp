// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as a .env file, with a small fixed inherited environment.
#include <tfrun/core/dotenv.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tfrun::core::EnvLookup inherited = [](std::string_view name) -> std::optional<std::string> {
    if (name == "HOME") {
      return std::string("/home/fuzz");
    }
    return std::nullopt;
  };
  tfrun::core::Diagnostics diagnostics;
  (void)tfrun::core::parse_dotenv({reinterpret_cast<const char*>(data), size}, ".env", inherited, diagnostics);
  return 0;
}
