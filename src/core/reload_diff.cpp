// SPDX-License-Identifier: MIT
#include <tfrun/core/reload_diff.hpp>

#include <algorithm>

namespace tfrun::core {
namespace {

const TypeDefinition* find(const std::vector<TypeDefinition>& types, const std::string& name) {
  const auto found = std::find_if(types.begin(), types.end(), [&](const auto& type) { return type.name == name; });
  return found == types.end() ? nullptr : &*found;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

} // namespace

ReloadDiff diff_types(const std::vector<TypeDefinition>& before, const std::vector<TypeDefinition>& after) {
  ReloadDiff diff;
  for (const auto& type : after) {
    const auto* old = find(before, type.name);
    if (old == nullptr) {
      diff.added.push_back(type.name);
    } else if (old->fingerprint != type.fingerprint) {
      diff.changed.push_back(type.name);
    } else {
      diff.unchanged.push_back(type.name);
    }
  }
  for (const auto& type : before) {
    if (find(after, type.name) == nullptr) {
      diff.removed.push_back(type.name);
    }
  }
  return diff;
}

std::string describe(const ReloadDiff& diff) {
  std::string out;
  const auto part = [&](const char* what, const std::vector<std::string>& names) {
    if (!names.empty()) {
      out += (out.empty() ? "" : "; ") + std::string(what) + ": " + join(names);
    }
  };
  part("changed", diff.changed);
  part("added", diff.added);
  part("removed", diff.removed);
  return out.empty() ? "nothing changed" : out;
}

} // namespace tfrun::core
