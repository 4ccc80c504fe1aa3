// SPDX-License-Identifier: MIT
// `tfrun scale web=3 worker=0` as steps (docs/control.md): instances that are needed are started again or
// added with the next ports of their type's block; surplus ones are stopped, highest numbers first. Pure,
// so every rule and error text is unit-tested.
#pragma once

#include <tfrun/core/control_protocol.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tfrun::core {

struct ScaleInstance {
  int number = 1;     // N of TYPE.N
  bool active = true; // counts toward the type's scale: not stopped by the user, not finished
};

struct ScaleType {
  std::string name;
  bool oneshot = false;
  int first_port = 0;                   // the port of TYPE.1: the start of the type's block
  std::vector<ScaleInstance> instances; // those tfrun has, by number
  int entries = 1;                      // Procfile entries with this name (docs/formats.md, Procfile rule 7)
};

struct ScaleStep {
  enum class Kind { restart, add, stop } kind = Kind::add;
  std::string type;
  int number = 1;
  int port = 0; // add: its port
};

[[nodiscard]] std::variant<std::vector<ScaleStep>, ControlError>
plan_scale(const std::vector<std::pair<std::string, std::int64_t>>& wanted, const std::vector<ScaleType>& types);

} // namespace tfrun::core
