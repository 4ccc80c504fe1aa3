// SPDX-License-Identifier: MIT
// The runtime of `tfrun start`: one single-threaded io_context that owns the children, feeds their pipes
// through line splitters to the one writer, learns of exits from the reaper and carries out the shutdown.
#pragma once

#include <tfrun/core/duration.hpp>
#include <tfrun/core/environment.hpp>
#include <tfrun/core/lifecycle_policy.hpp>
#include <tfrun/core/log_format.hpp>
#include <tfrun/core/settings.hpp>
#include <tfrun/core/start_gate.hpp>
#include <tfrun/engine/log_output.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tfrun::engine {

// Control clients served at once (docs/control.md): each holds a descriptor, so `start` budgets for them.
constexpr std::size_t k_max_control_sessions = 32;

// One instance as the runtime needs it: everything resolved.
struct PlannedInstance {
  std::string name;
  std::string type;
  std::size_t type_index = 0;
  int port = 0;
  // The program and its arguments, as core::plan_command runs the Procfile command (directly, or
  // {"/bin/sh", "-c", ...}); shared by the type's instances.
  std::shared_ptr<const std::vector<std::string>> argv;
  // NAME=VALUE: the type's environment, shared by its instances (a copy of the inherited environment per
  // instance made tfrun's memory grow by kilobytes per child). environment() adds this instance's PORT,
  // PS and the other name variables, made from `port` and `name` when it is launched rather than held.
  std::shared_ptr<const std::vector<std::string>> type_env;
  // Where it runs (empty: tfrun's own directory), shared by the type's instances: an absolute path is
  // longer than a string holds inline, so a copy per instance was a heap block per instance.
  std::shared_ptr<const std::string> cwd;
  int stop_signal = 15;
  core::Duration timeout{5000};
  core::SignalTarget signal_target = core::SignalTarget::group;
  // The type's lifecycle keys, shared by its instances (null: the defaults).
  std::shared_ptr<const core::LifecyclePolicy> lifecycle;
  // The type's readiness check, shared by its instances (none when null: most types have none, and 88
  // bytes per instance added up at 10,000). Ignored for a oneshot, which is ready when it has exited 0.
  std::shared_ptr<const core::ReadyCheck> ready_check;
  bool quiet = false; // `start -q TYPE`: its lines are read (and matched for readiness) but not shown
  // A pseudo-terminal for stdin, stdout and stderr instead of /dev/null and a pipe (`--pty`,
  // docs/terminal.md): what `tfrun attach` connects to.
  bool pty = false;

  [[nodiscard]] const core::LifecyclePolicy& policy() const {
    static const core::LifecyclePolicy defaults;
    return lifecycle ? *lifecycle : defaults;
  }

  [[nodiscard]] const core::ReadyCheck& ready() const {
    static const core::ReadyCheck none;
    return ready_check ? *ready_check : none;
  }

  [[nodiscard]] const std::string& directory() const {
    static const std::string inherit;
    return cwd ? *cwd : inherit;
  }

  [[nodiscard]] std::vector<std::string> environment() const {
    std::vector<std::string> out;
    out.reserve((type_env ? type_env->size() : 0) + 6);
    if (type_env) {
      out.insert(out.end(), type_env->begin(), type_env->end());
    }
    for (const auto& [variable, value] : core::identity_variables({name, port})) {
      out.push_back(variable + "=" + value);
    }
    return out;
  }
};

// The files read again for `tfrun reload`: the instances and type templates they give now, or why not.
struct ReloadedPlan {
  std::string error; // empty when the files were read; else what is wrong with them (nothing changes)
  std::vector<PlannedInstance> instances;
  std::vector<PlannedInstance> type_templates;
};

struct SupervisorPlan {
  std::vector<PlannedInstance> instances;
  core::Duration quiet_period{1000};
  core::LogFormat log_format = core::LogFormat::text;
  core::TextStyle style;
  std::vector<core::GatedType> types;          // every Procfile type, with its dependencies, in Procfile order
  std::optional<std::string> notify_socket;    // tfrun's own NOTIFY_SOCKET: told READY=1 and STOPPING=1
  int control_fd = -1;                         // a listening control socket (docs/control.md), or none
  std::vector<PlannedInstance> type_templates; // TYPE.1 of every Procfile type: what `tfrun scale` adds from
  std::function<ReloadedPlan()> reload;        // reads the files again (`tfrun reload`)
};

class Supervisor {
public:
  explicit Supervisor(SupervisorPlan plan);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs until every child is gone; returns the exit status of docs/exit-status.md.
  int run();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace tfrun::engine
