// SPDX-License-Identifier: MIT
#include <tfrun/core/settings_check.hpp>

#include <algorithm>
#include <map>

namespace tfrun::core {
namespace {

// Depth-first search; returns the cycle as "a -> b -> a" when one is reachable from `type`.
bool find_cycle(const FileSettings& settings, const std::string& type, std::map<std::string, int>& state,
                std::vector<std::string>& path) {
  state[type] = 1;
  path.push_back(type);
  if (const auto* process = find_process_settings(settings, type)) {
    for (const auto& dependency : process->depends_on) {
      const int seen = state[dependency.name];
      if (seen == 1) {
        path.push_back(dependency.name);
        return true;
      }
      if (seen == 0 && find_cycle(settings, dependency.name, state, path)) {
        return true;
      }
    }
  }
  path.pop_back();
  state[type] = 2;
  return false;
}

void check_cycles(const FileSettings& settings, const std::string& file, std::string_view text,
                  Diagnostics& diagnostics) {
  std::map<std::string, int> state;
  for (const auto& process : settings.processes) {
    std::vector<std::string> path;
    if (state[process.name] == 0 && find_cycle(settings, process.name, state, path)) {
      const auto start = std::find(path.begin(), path.end(), path.back());
      std::string cycle;
      for (auto it = start; it != path.end(); ++it) {
        cycle += (cycle.empty() ? "" : " -> ") + *it;
      }
      const auto* first = find_process_settings(settings, *start);
      diagnostics.error(file, first->line, first->column, "dependency cycle: " + cycle, line_of(text, first->line));
      return;
    }
  }
}

} // namespace

const ProcessSettings* find_process_settings(const FileSettings& settings, std::string_view type) {
  for (const auto& process : settings.processes) {
    if (process.name == type) {
      return &process;
    }
  }
  return nullptr;
}

void check_settings_against_procfile(const FileSettings& settings, const Procfile& procfile, const std::string& file,
                                     std::string_view text, Diagnostics& diagnostics) {
  bool names_ok = true;
  for (const auto& process : settings.processes) {
    if (procfile.find(process.name) == nullptr) {
      names_ok = false;
      diagnostics.error(file, process.line, process.column,
                        "[process." + process.name +
                            "] names a type that is not in the Procfile (known types: " + procfile.type_list() + ")",
                        line_of(text, process.line));
    }
    for (const auto& dependency : process.depends_on) {
      if (procfile.find(dependency.name) == nullptr) {
        names_ok = false;
        diagnostics.error(file, dependency.line, dependency.column,
                          "depends_on names unknown process type '" + dependency.name +
                              "' (known types: " + procfile.type_list() + ")",
                          line_of(text, dependency.line));
      } else if (dependency.name == process.name) {
        names_ok = false;
        diagnostics.error(file, dependency.line, dependency.column,
                          "process type '" + process.name + "' depends on itself", line_of(text, dependency.line));
      }
    }
  }
  for (const auto& process : settings.processes) {
    if (process.oneshot.value_or(false) && process.ready.kind != ReadyCheck::Kind::none) {
      diagnostics.warning(file, process.line, process.column,
                          "'ready' has no effect on the oneshot '" + process.name +
                              "': its dependents start when it exits 0",
                          line_of(text, process.line));
    }
  }
  if (names_ok) {
    check_cycles(settings, file, text, diagnostics);
  }
}

std::vector<std::string> start_order(const FileSettings& settings, const Procfile& procfile) {
  std::vector<std::string> order;
  const auto visit = [&](const auto& self, const std::string& type) -> void {
    if (std::find(order.begin(), order.end(), type) != order.end()) {
      return;
    }
    if (const auto* process = find_process_settings(settings, type)) {
      for (const auto& dependency : process->depends_on) {
        self(self, dependency.name);
      }
    }
    order.push_back(type);
  };
  for (const auto& entry : procfile.entries) {
    visit(visit, entry.name);
  }
  return order;
}

} // namespace tfrun::core
