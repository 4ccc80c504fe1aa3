// SPDX-License-Identifier: MIT
// `tfrun run`: resolve what to run, in the app's environment, then hand it to the one-off runtime.
#include <tfrun/app/commands.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/settings_check.hpp>
#include <tfrun/core/shell_command.hpp>
#include <tfrun/engine/one_off.hpp>
#include <tfrun/os/spawn.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace tfrun::app {
using engine::OneOffPlan;
using engine::run_one_off;
namespace {

core::SignalTarget resolve_signal_target(const std::optional<std::string>& text) {
  if (!text || *text == "group") {
    return core::SignalTarget::group;
  }
  if (*text == "main") {
    return core::SignalTarget::main;
  }
  throw UsageError("--signal-target: '" + *text + "' is not one of group, main");
}

// 127 for a command that is nowhere, 126 for one that exists but cannot be executed (shell convention).
int check_executable(const std::string& path, const std::string& typed) {
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) != 0) {
    std::cerr << "tfrun: error: " << typed << ": command not found\n";
    return core::exit_code::not_found;
  }
  if (S_ISDIR(info.st_mode)) {
    std::cerr << "tfrun: error: " << typed << ": is a directory\n";
    return core::exit_code::cannot_execute;
  }
  if (::access(path.c_str(), X_OK) != 0) {
    std::cerr << "tfrun: error: " << typed << ": permission denied (not executable)\n";
    return core::exit_code::cannot_execute;
  }
  return core::exit_code::success;
}

// Socket activation (systemd, or tini's users): descriptors 3 .. 3+LISTEN_FDS-1 are meant for the
// process LISTEN_PID names. When that is tfrun (or unnamed), they go to the command, as tini passes them.
int socket_activation_fds(const core::Environment& inherited) {
  const auto count = inherited.get("LISTEN_FDS");
  if (!count || count->empty()) {
    return 0;
  }
  const auto listen_pid = inherited.get("LISTEN_PID");
  if (listen_pid && !listen_pid->empty() && *listen_pid != std::to_string(::getpid())) {
    return 0;
  }
  int fds = 0;
  const auto [end, error] = std::from_chars(count->data(), count->data() + count->size(), fds);
  if (error != std::errc() || end != count->data() + count->size() || fds < 0 || fds > 4096) {
    return 0;
  }
  return fds;
}

} // namespace

int run_command(const Invocation& invocation) {
  if (invocation.argv.empty()) {
    throw UsageError("run: no command given (tfrun run [OPTIONS] [--] NAME|COMMAND [ARGS...])");
  }
  LoadRequest request;
  request.allow_empty_formation = true;
  request.procfile_optional = true;
  const auto model = load_model(invocation.options, inherited_environment(), request, std::cerr);
  const auto* entry = invocation.argv.size() == 1 ? model.procfile.find(invocation.argv.front()) : nullptr;
  // A one-off named after a type gets that type's environment and directory, as `start` gives them.
  const auto environment = child_environment(model, nullptr, entry != nullptr ? entry->name : std::string());
  OneOffPlan plan;
  plan.env = environment.to_entries();
  plan.timeout = model.options.timeout;
  plan.signal_target = resolve_signal_target(invocation.signal_target);
  if (entry != nullptr) {
    // A Procfile entry runs as `start` runs it (docs/formats.md, "How a command is run"): directly when the
    // shell would have nothing to do, else through the shell. A bare program name is looked up on the
    // child's PATH when it is launched, and one that is nowhere is reported as the shell would (127).
    const auto command = core::plan_command(entry->command).argv;
    plan.program = command.front();
    plan.args.assign(command.begin() + 1, command.end());
    plan.cwd = working_directory_of(model, entry->name);
    if (const auto* settings = core::find_process_settings(model.settings, entry->name)) {
      plan.timeout = settings->timeout.value_or(plan.timeout);
      if (!invocation.signal_target) {
        plan.signal_target = settings->signal_target.value_or(plan.signal_target);
      }
    }
  } else {
    plan.program = os::find_on_path(invocation.argv.front(), environment.get("PATH").value_or("/usr/bin:/bin"));
    plan.args.assign(invocation.argv.begin() + 1, invocation.argv.end());
    if (const int status = check_executable(plan.program, invocation.argv.front()); status != 0) {
      return status;
    }
  }
  plan.listen_fds = socket_activation_fds(model.inherited);
  const int status = run_one_off(plan);
  // Everything the command was given is done with, and freeing the model, the environment and the
  // libraries' static state one object at a time is work the kernel does at once: as an init, tfrun's
  // exit is on the path from SIGTERM to the container's stop (docs/benchmarks.md, "Init").
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

} // namespace tfrun::app
