// SPDX-License-Identifier: MIT
#include <tfrun/app/inherited_environment.hpp>

#include <unistd.h>

namespace tfrun::app {

core::Environment inherited_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    entries.emplace_back(*entry);
  }
  return core::Environment::from_entries(entries);
}

} // namespace tfrun::app
