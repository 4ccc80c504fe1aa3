// SPDX-License-Identifier: MIT
// `tfrun check`: validate the inputs and show what `start` would run.
#include <tfrun/app/commands.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/app/model_json.hpp>
#include <tfrun/core/settings_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace tfrun::app {
namespace {

std::string policy_summary(const core::ProcessSettings& process) {
  std::string out;
  const auto add = [&](const std::string& item) { out += (out.empty() ? "" : ", ") + item; };
  if (process.restart) {
    add("restart=" + std::string(core::to_string(*process.restart)));
  }
  if (process.can_exit.value_or(false)) {
    add("can_exit");
  }
  if (process.oneshot.value_or(false)) {
    add("oneshot");
  }
  if (!process.depends_on.empty()) {
    std::string deps;
    for (const auto& dependency : process.depends_on) {
      deps += (deps.empty() ? "" : ",") + dependency.name;
    }
    add("depends_on=" + deps);
  }
  return out;
}

void print_human(const Model& model) {
  std::size_t width = 0;
  for (const auto& instance : model.instances) {
    width = std::max(width, instance.name.size());
  }
  std::cout << fmt::format("{}: {} process type{}, {} variable{} from env files, base port {}\n",
                           model.options.procfile_path, model.procfile.entries.size(),
                           model.procfile.entries.size() == 1 ? "" : "s", model.env_file_variables.size(),
                           model.env_file_variables.size() == 1 ? "" : "s", model.base_port);
  for (const auto& instance : model.instances) {
    std::cout << fmt::format("  {:<{}}  port {:<5}  {}\n", instance.name, width, instance.port, instance.command);
  }
  for (const auto& entry : model.procfile.entries) {
    if (core::count_for(model.formation, entry.name) == 0) {
      std::cout << fmt::format("  {:<{}}  (not started)\n", entry.name, width);
    }
  }
  if (!model.settings.processes.empty()) {
    std::cout << "start order: ";
    const auto order = core::start_order(model.settings, model.procfile);
    for (std::size_t i = 0; i < order.size(); ++i) {
      std::cout << (i == 0 ? "" : " -> ") << order[i];
    }
    std::cout << '\n';
    for (const auto& process : model.settings.processes) {
      const auto summary = policy_summary(process);
      if (!summary.empty()) {
        std::cout << fmt::format("  {}: {}\n", process.name, summary);
      }
    }
  }
}

} // namespace

int check_command(const Invocation& invocation) {
  LoadRequest request;
  request.strict = invocation.strict;
  request.allow_empty_formation = true;
  const auto model = load_model(invocation.options, inherited_environment(), request, std::cerr);
  if (invocation.json) {
    std::cout << model_to_json(model) << '\n';
  } else {
    print_human(model);
  }
  return core::exit_code::success;
}

} // namespace tfrun::app
