// SPDX-License-Identifier: MIT
#include <tfrun/core/start_gate.hpp>

#include <algorithm>
#include <utility>

namespace tfrun::core {

StartGate::StartGate(std::vector<GatedType> types) {
  m_entries.reserve(types.size());
  for (auto& type : types) {
    m_entries.push_back(Entry{std::move(type)});
  }
}

const StartGate::Entry* StartGate::find(std::string_view name) const {
  const auto found =
      std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry& entry) { return entry.type.name == name; });
  return found == m_entries.end() ? nullptr : &*found;
}

StartGate::Entry* StartGate::find(std::string_view name) { return const_cast<Entry*>(std::as_const(*this).find(name)); }

bool StartGate::entry_satisfied(const Entry& entry) const {
  if (entry.type.instances <= 0) {
    return true;
  }
  if (!entry.released) {
    return false;
  }
  return entry.type.oneshot ? entry.completed >= entry.type.instances : entry.ready >= entry.type.instances;
}

bool StartGate::satisfied(std::string_view type) const {
  const auto* entry = find(type);
  return entry == nullptr || entry_satisfied(*entry); // an unknown name holds nothing up
}

std::vector<std::string> StartGate::waiting_for(std::string_view type) const {
  std::vector<std::string> out;
  if (const auto* entry = find(type)) {
    for (const auto& dependency : entry->type.depends_on) {
      if (!satisfied(dependency)) {
        out.push_back(dependency);
      }
    }
  }
  return out;
}

std::vector<std::string> StartGate::release() {
  std::vector<std::string> out;
  for (auto& entry : m_entries) {
    if (entry.released || entry.type.instances <= 0 || !waiting_for(entry.type.name).empty()) {
      continue;
    }
    entry.released = true;
    out.push_back(entry.type.name);
  }
  return out;
}

void StartGate::instance_ready(std::string_view type) {
  if (auto* entry = find(type)) {
    ++entry->ready;
  }
}

void StartGate::instance_completed(std::string_view type) {
  if (auto* entry = find(type)) {
    ++entry->completed;
  }
}

bool StartGate::everything_ready() const {
  return std::all_of(m_entries.begin(), m_entries.end(), [&](const Entry& entry) { return entry_satisfied(entry); });
}

int StartGate::depth(const Entry& entry, int guard) const {
  int deepest = 0;
  if (guard <= 0) {
    return deepest; // a cycle slipped through validation: give up on ordering rather than recurse forever
  }
  for (const auto& dependency : entry.type.depends_on) {
    if (const auto* found = find(dependency)) {
      deepest = std::max(deepest, 1 + depth(*found, guard - 1));
    }
  }
  return deepest;
}

std::vector<std::vector<std::string>> StartGate::shutdown_waves() const {
  const int guard = static_cast<int>(m_entries.size());
  std::vector<std::vector<std::string>> by_depth;
  for (const auto& entry : m_entries) {
    const auto level = static_cast<std::size_t>(depth(entry, guard));
    if (by_depth.size() <= level) {
      by_depth.resize(level + 1);
    }
    by_depth[level].push_back(entry.type.name);
  }
  std::reverse(by_depth.begin(), by_depth.end());
  return by_depth;
}

} // namespace tfrun::core
