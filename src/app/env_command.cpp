// SPDX-License-Identifier: MIT
// `tfrun env [NAME.N]`: the exact environment a child would receive.
#include <tfrun/app/commands.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/app/model_json.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>

namespace tfrun::app {
namespace {

// The instance NAME.N of any known type, started or not: its port follows the formula either way. A name
// written on two entries numbers its instances across both, so only the formation says which entry css.2 is.
core::Instance find_instance(const Model& model, const std::string& text) {
  for (const auto& instance : model.instances) {
    if (instance.name == text) {
      return instance;
    }
  }
  const auto dot = text.rfind('.');
  const std::string type = text.substr(0, dot);
  int number = 1;
  if (dot != std::string::npos) {
    const auto digits = std::string_view(text).substr(dot + 1);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size() || number < 1) {
      throw UsageError("'" + text + "' is not an instance name like web.1");
    }
  }
  const auto& entries = model.procfile.entries;
  const auto entry = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == type; });
  if (entry == entries.end()) {
    throw UsageError("unknown process type '" + type + "' (known types: " + model.procfile.type_list() + ")");
  }
  if (std::count_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == type; }) > 1) {
    throw UsageError("'" + text + "' is not in the formation, and '" + type +
                     "' is written on several Procfile lines, so its number names no entry (name a running instance)");
  }
  const auto index = static_cast<std::size_t>(entry - entries.begin());
  return {type,           number, type + "." + std::to_string(number), core::port_for(model.base_port, index, number),
          entry->command, index};
}

} // namespace

int env_command(const Invocation& invocation) {
  LoadRequest request;
  request.allow_empty_formation = true;
  const auto model = load_model(invocation.options, inherited_environment(), request, std::cerr);
  core::Environment environment;
  if (invocation.instance) {
    const auto instance = find_instance(model, *invocation.instance);
    environment = child_environment(model, &instance);
  } else {
    environment = child_environment(model, nullptr);
  }
  if (invocation.json) {
    std::cout << environment_to_json(environment) << '\n';
    return core::exit_code::success;
  }
  for (const auto& [name, value] : environment.variables()) {
    std::cout << name << '=' << value << '\n';
  }
  return core::exit_code::success;
}

} // namespace tfrun::app
