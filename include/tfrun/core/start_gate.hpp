// SPDX-License-Identifier: MIT
// Which types may start now: a type waits until every type it depends on is satisfied (all its instances
// ready, or for a oneshot, all exited 0). Also gives the shutdown order, dependents first. Pure: the
// supervisor reports readiness and completions, and spawns what `release` hands back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

struct GatedType {
  std::string name;
  std::vector<std::string> depends_on;
  int instances = 0; // 0: not in the formation, so it never holds anything up
  bool oneshot = false;
};

class StartGate {
public:
  // Types in start-order preference (the Procfile's order); the dependencies must not form a cycle.
  explicit StartGate(std::vector<GatedType> types);

  // The types that may start now and were not released before, in the order given to the constructor.
  [[nodiscard]] std::vector<std::string> release();
  void instance_ready(std::string_view type);     // passed its readiness check (or has none)
  void instance_completed(std::string_view type); // a oneshot instance exited 0

  [[nodiscard]] bool satisfied(std::string_view type) const;
  // Every type with instances was released and is satisfied: the whole formation is up.
  [[nodiscard]] bool everything_ready() const;
  // The dependencies `type` still waits for.
  [[nodiscard]] std::vector<std::string> waiting_for(std::string_view type) const;
  // Types grouped for shutdown: each group only after every group before it is gone, so a type stops
  // before anything it depends on.
  [[nodiscard]] std::vector<std::vector<std::string>> shutdown_waves() const;

private:
  struct Entry {
    GatedType type;
    int ready = 0;
    int completed = 0;
    bool released = false;
  };
  [[nodiscard]] const Entry* find(std::string_view name) const;
  [[nodiscard]] Entry* find(std::string_view name);
  [[nodiscard]] bool entry_satisfied(const Entry& entry) const;
  [[nodiscard]] int depth(const Entry& entry, int guard) const;

  std::vector<Entry> m_entries;
};

} // namespace tfrun::core
