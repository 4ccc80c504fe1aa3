// SPDX-License-Identifier: MIT
#include <tfrun/core/scale_plan.hpp>

#include <tfrun/core/formation.hpp>

#include <algorithm>

namespace tfrun::core {
namespace {

ControlError bad_scale(std::string message) { return ControlError{ControlErrorCode::bad_scale, std::move(message)}; }

std::string spec(const std::string& type, std::int64_t count) { return type + "=" + std::to_string(count); }

void plan_type(const ScaleType& type, int wanted, std::vector<ScaleStep>& steps) {
  int active = static_cast<int>(
      std::count_if(type.instances.begin(), type.instances.end(), [](const auto& i) { return i.active; }));
  // Up: the lowest numbers first, reusing an instance tfrun already has (its port is its own).
  for (int number = 1; active < wanted; ++number) {
    const auto found = std::find_if(type.instances.begin(), type.instances.end(),
                                    [&](const auto& instance) { return instance.number == number; });
    if (found == type.instances.end()) {
      steps.push_back({ScaleStep::Kind::add, type.name, number, type.first_port + number - 1});
      ++active;
    } else if (!found->active) {
      steps.push_back({ScaleStep::Kind::restart, type.name, number, 0});
      ++active;
    }
  }
  // Down: the highest numbers stop first, so the instances left keep the lowest ports.
  auto by_number = type.instances;
  std::sort(by_number.begin(), by_number.end(), [](const auto& a, const auto& b) { return a.number > b.number; });
  for (const auto& instance : by_number) {
    if (active <= wanted) {
      break;
    }
    if (instance.active) {
      steps.push_back({ScaleStep::Kind::stop, type.name, instance.number, 0});
      --active;
    }
  }
}

} // namespace

std::variant<std::vector<ScaleStep>, ControlError>
plan_scale(const std::vector<std::pair<std::string, std::int64_t>>& wanted, const std::vector<ScaleType>& types) {
  if (wanted.empty()) {
    return bad_scale("scale needs at least one TYPE=COUNT");
  }
  std::vector<ScaleStep> steps;
  for (const auto& item : wanted) {
    const std::string& name = item.first; // not a structured binding: the lambda below captures it
    const std::int64_t count = item.second;
    const auto type = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == name; });
    if (type == types.end()) {
      return ControlError{ControlErrorCode::unknown_name, "no type '" + name + "' in the Procfile"};
    }
    if (count < 0) {
      return bad_scale(spec(name, count) + ": a count cannot be below 0");
    }
    if (count > k_port_block) {
      return bad_scale(spec(name, count) + ": a type has " + std::to_string(k_port_block) + " ports (" +
                       std::to_string(type->first_port) + "-" + std::to_string(type->first_port + k_port_block - 1) +
                       "), so at most " + std::to_string(k_port_block) + " instances");
    }
    if (type->first_port + count - 1 > 65535) {
      return bad_scale(spec(name, count) + ": port " + std::to_string(type->first_port + count - 1) +
                       " would be above 65535");
    }
    if (type->entries > 1) {
      return bad_scale(name + " is written on " + std::to_string(type->entries) +
                       " Procfile lines, each with its own command: a new instance would have no one command to "
                       "run (give the lines distinct names to scale them)");
    }
    if (type->oneshot) {
      return bad_scale(name + " is a oneshot: it runs once and cannot be scaled");
    }
    plan_type(*type, static_cast<int>(count), steps);
  }
  return steps;
}

} // namespace tfrun::core
