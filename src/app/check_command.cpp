// SPDX-License-Identifier: MIT
// `tfrun check`: validate the inputs and show what `start` would run.
#include <tfrun/app/commands.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/app/model_json.hpp>
#include <tfrun/core/lifecycle_policy.hpp>
#include <tfrun/core/settings_check.hpp>
#include <tfrun/core/signals.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <csignal>
#include <iostream>

namespace tfrun::app {
namespace {

std::string describe_ready(const core::ReadyCheck& ready, int own_port) {
  using Kind = core::ReadyCheck::Kind;
  std::string what;
  switch (ready.kind) {
  case Kind::none: return {};
  case Kind::own_port: what = "port " + std::to_string(own_port) + " accepts"; break;
  case Kind::tcp_port: what = "port " + std::to_string(ready.port) + " accepts"; break;
  case Kind::log_regex: what = "output matches /" + ready.pattern + "/"; break;
  case Kind::command: what = "'" + ready.command + "' exits 0"; break;
  case Kind::notify: what = "READY=1 on NOTIFY_SOCKET"; break;
  }
  return "ready when " + what + " (within " +
         core::describe_duration(ready.timeout.value_or(core::k_default_ready_timeout)) + ")";
}

// The resolved policy of one type, defaults filled in, so `check` shows what `start` will do.
std::string policy_summary(const Model& model, const core::ProcessSettings& process) {
  std::string out;
  const auto add = [&](const std::string& item) { out += (out.empty() ? "" : "; ") + item; };
  const auto policy = core::lifecycle_policy(&process);
  if (policy.oneshot) {
    add("oneshot (runs to completion before its dependents start)");
  }
  if (!process.depends_on.empty()) {
    std::string deps;
    for (const auto& dependency : process.depends_on) {
      deps += (deps.empty() ? "" : ", ") + dependency.name;
    }
    add("starts after " + deps);
  }
  if (policy.restart != core::RestartPolicy::never) {
    add(fmt::format("restart {} ({} doubling to {}, reset after {} up{})", core::to_string(policy.restart),
                    core::describe_duration(policy.restart_delay), core::describe_duration(policy.max_restart_delay),
                    core::describe_duration(policy.healthy_after),
                    policy.max_restarts ? fmt::format(", give up after {} in a row", *policy.max_restarts) : ""));
  }
  if (policy.can_exit) {
    add("can exit with 0");
  }
  if (!policy.oneshot) {
    const auto port = std::find_if(model.instances.begin(), model.instances.end(),
                                   [&](const core::Instance& instance) { return instance.type == process.name; });
    const auto ready = describe_ready(process.ready, port == model.instances.end() ? 0 : port->port);
    if (!ready.empty()) {
      add(ready);
    }
  }
  if (process.stop_signal || process.timeout || process.signal_target) {
    add(fmt::format("stop: {} to the {}, {} grace", core::signal_name(process.stop_signal.value_or(SIGTERM)),
                    process.signal_target.value_or(core::SignalTarget::group) == core::SignalTarget::main
                        ? "main process"
                        : "group",
                    core::describe_duration(process.timeout.value_or(model.options.timeout))));
  }
  if (process.cwd) {
    add("cwd " + *process.cwd);
  }
  if (!process.env.empty()) {
    add(fmt::format("{} variable{} of its own", process.env.size(), process.env.size() == 1 ? "" : "s"));
  }
  return out;
}

void print_human(const Model& model) {
  // foreman's own line first, so scripts that look for it keep working.
  std::cout << fmt::format("valid procfile detected ({})\n", fmt::join(model.procfile.names(), ", "));
  std::size_t width = 0;
  for (const auto& instance : model.instances) {
    width = std::max(width, instance.name.size());
  }
  const auto types = model.procfile.types().size();
  const auto entries = model.procfile.entries.size();
  std::cout << fmt::format(
      "{}: {} process type{}{}, {} variable{} from env files, base port {}\n", model.options.procfile_path, types,
      types == 1 ? "" : "s", entries == types ? "" : fmt::format(" on {} lines", entries),
      model.env_file_variables.size(), model.env_file_variables.size() == 1 ? "" : "s", model.base_port);
  for (const auto& instance : model.instances) {
    std::cout << fmt::format("  {:<{}}  port {:<5}  {}\n", instance.name, width, instance.port, instance.command);
  }
  for (const auto& type : model.procfile.types()) {
    if (core::count_for(model.formation, type) == 0) {
      std::cout << fmt::format("  {:<{}}  (not started)\n", type, width);
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
      const auto summary = policy_summary(model, process);
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
