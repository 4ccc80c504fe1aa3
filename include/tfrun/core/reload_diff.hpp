// SPDX-License-Identifier: MIT
// What `tfrun reload` changes (docs/control.md): the types of the formation before and after the files were
// read again, each with a fingerprint of everything that affects its processes (command, environment,
// directory, stop and lifecycle policy, readiness). Pure: the runtime computes the fingerprints.
#pragma once

#include <string>
#include <vector>

namespace tfrun::core {

struct TypeDefinition {
  std::string name;
  std::string fingerprint;
};

struct ReloadDiff {
  std::vector<std::string> changed; // restart its instances
  std::vector<std::string> added;   // start its instances
  std::vector<std::string> removed; // stop its instances
  std::vector<std::string> unchanged;
};

[[nodiscard]] ReloadDiff diff_types(const std::vector<TypeDefinition>& before,
                                    const std::vector<TypeDefinition>& after);
// "changed: web; added: clock; removed: worker", or "nothing changed".
[[nodiscard]] std::string describe(const ReloadDiff& diff);

} // namespace tfrun::core
