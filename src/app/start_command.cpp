// SPDX-License-Identifier: MIT
// `tfrun start`: resolve the formation, then hand it to the supervisor.
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/files.hpp>
#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/core/settings_check.hpp>
#include <tfrun/core/shell_command.hpp>
#include <tfrun/core/terminal_hints.hpp>
#include <tfrun/engine/supervisor.hpp>
#include <tfrun/os/control_socket.hpp>
#include <tfrun/os/process_control.hpp>
#include <tfrun/os/spawn.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace tfrun::app {
using engine::PlannedInstance;
using engine::Supervisor;
using engine::SupervisorPlan;
namespace {

bool color_enabled(ColorMode mode, const core::Environment& environment) {
  if (mode != ColorMode::auto_detect) {
    return mode == ColorMode::always;
  }
  const auto set_and_not = [&](const char* name, const char* off) {
    const auto value = environment.get(name);
    return value && !value->empty() && *value != off;
  };
  if (environment.get("NO_COLOR").value_or("").size() > 0) {
    return false; // no-color.org: present and not empty
  }
  if (set_and_not("FORCE_COLOR", "0") || set_and_not("CLICOLOR_FORCE", "0")) {
    return true;
  }
  return ::isatty(STDOUT_FILENO) == 1 && environment.get("TERM").value_or("") != "dumb";
}

// Descriptors tfrun opens besides one pipe per instance (docs/benchmarks.md, "Descriptors"), counted with
// strace: the event loop's 3 (epoll, its eventfd, its timerfd), the signal pipe's 2, /dev/null twice (for
// readiness commands and for every instance's stdin), and, while an instance is launched, its pipe's write
// end and the launch's own event loop (3), the control socket (docs/control.md) and the clients it serves
// at once (1 + engine::k_max_control_sessions; more wait in its backlog), and the two a launch places a
// child's stdin and output in (os::reserve_launch_descriptors). Whatever tfrun already has open when it
// starts is added.
constexpr std::size_t k_descriptors_of_tfrun = 3 + 2 + 2 + 1 + 3 + 1 + engine::k_max_control_sessions + 2;

using TypeEnvironments = std::map<std::string, std::shared_ptr<const std::vector<std::string>>>;

// By Procfile entry, not by type: a name written twice is two entries with two commands.
using EntryArgvs = std::map<std::size_t, std::shared_ptr<const std::vector<std::string>>>;
using TypeDirectories = std::map<std::string, std::shared_ptr<const std::string>>;

using ReadyChecks = std::map<std::string, std::shared_ptr<const core::ReadyCheck>>;
using Lifecycles = std::map<std::string, std::shared_ptr<const core::LifecyclePolicy>>;

// What a type's (or an entry's) instances share instead of holding a copy each.
struct SharedParts {
  TypeEnvironments type_envs;
  EntryArgvs entry_argvs;
  TypeDirectories type_dirs;
  ReadyChecks ready_checks;
  Lifecycles lifecycles;
  bool tfrun_colours = false; // then the types that allow it get the terminal hints (core/terminal_hints.hpp)
};

// --pty or --no-pty when given; else tfrun.toml's `pty` (the type's, then the top-level one), which is for
// a developer at a terminal: with JSON logs, with no terminal on stdout or as a container's PID 1 it is
// not applied (docs/terminal.md).
bool pty_for(const Model& model, const core::ProcessSettings* settings) {
  if (model.options.pty) {
    return *model.options.pty;
  }
  const bool wanted = settings != nullptr && settings->pty ? *settings->pty : model.settings.pty.value_or(false);
  return wanted && model.options.log_format == LogFormat::text && ::isatty(STDOUT_FILENO) == 1 && !os::is_pid1();
}

PlannedInstance plan_instance(const Model& model, const core::Instance& instance, SharedParts& shared_parts) {
  auto& [type_envs, entry_argvs, type_dirs, ready_checks, lifecycles, tfrun_colours] = shared_parts;
  PlannedInstance planned;
  planned.name = instance.name;
  planned.type = instance.type;
  planned.type_index = instance.entry_index;
  planned.port = instance.port;
  auto& argv = entry_argvs[instance.entry_index];
  if (!argv) {
    argv = std::make_shared<const std::vector<std::string>>(core::plan_command(instance.command).argv);
  }
  planned.argv = argv;
  const auto* settings = core::find_process_settings(model.settings, instance.type);
  planned.pty = pty_for(model, settings);
  auto& type_env = type_envs[instance.type];
  if (!type_env) {
    auto environment = child_environment(model, &instance);
    // An instance on a terminal sees the terminal and decides for itself (docs/terminal.md).
    if (tfrun_colours && !planned.pty && model.options.terminal_hints &&
        core::terminal_hints_for(model.settings, instance.type)) {
      core::add_terminal_hints(environment);
    }
    auto variables = environment.to_entries();
    // The identity is per instance; tfrun's own NOTIFY_SOCKET is for tfrun to answer (an instance that
    // speaks sd_notify gets a socket of its own).
    std::erase_if(variables, [](const std::string& entry) {
      const auto name = std::string_view(entry).substr(0, entry.find('='));
      return name == "PORT" || name == "NOTIFY_SOCKET" ||
             std::find(std::begin(core::k_identity_names), std::end(core::k_identity_names), name) !=
                 std::end(core::k_identity_names);
    });
    type_env = std::make_shared<const std::vector<std::string>>(std::move(variables));
  }
  planned.type_env = type_env;
  auto& cwd = type_dirs[instance.type];
  if (!cwd) {
    cwd = std::make_shared<const std::string>(working_directory_of(model, instance.type));
  }
  planned.cwd = cwd;
  const auto& quiet = model.options.quiet;
  planned.quiet = std::find(quiet.begin(), quiet.end(), instance.type) != quiet.end();
  planned.timeout = model.options.timeout;
  if (settings != nullptr) {
    auto& shared = lifecycles[instance.type];
    if (!shared) {
      shared = std::make_shared<const core::LifecyclePolicy>(core::lifecycle_policy(settings));
    }
    planned.lifecycle = shared;
  }
  if (settings != nullptr) {
    if (settings->ready.kind != core::ReadyCheck::Kind::none) {
      auto& shared = ready_checks[instance.type];
      if (!shared) {
        shared = std::make_shared<const core::ReadyCheck>(settings->ready);
      }
      planned.ready_check = shared;
    }
    planned.stop_signal = settings->stop_signal.value_or(planned.stop_signal);
    planned.timeout = settings->timeout.value_or(planned.timeout);
    planned.signal_target = settings->signal_target.value_or(planned.signal_target);
  }
  return planned;
}

// One gate entry per type: a name written on two Procfile entries is one type with the instances of both.
std::vector<core::GatedType> gated_types(const Model& model) {
  std::vector<core::GatedType> types;
  for (const auto& name : model.procfile.types()) {
    const auto count = std::count_if(model.instances.begin(), model.instances.end(),
                                     [&](const core::Instance& instance) { return instance.type == name; });
    core::GatedType type{name, {}, static_cast<int>(count), false};
    if (const auto* settings = core::find_process_settings(model.settings, name)) {
      for (const auto& dependency : settings->depends_on) {
        type.depends_on.push_back(dependency.name);
      }
      type.oneshot = settings->oneshot.value_or(false);
    }
    types.push_back(std::move(type));
  }
  return types;
}

std::size_t name_width(const std::vector<PlannedInstance>& instances) {
  std::size_t width = std::string_view("system").size();
  for (const auto& instance : instances) {
    width = std::max(width, instance.name.size());
  }
  return width;
}

// Whether tfrun colours its own output: text, and colour on (--color, NO_COLOR, a terminal).
bool colours_output(const Model& model) {
  return model.options.log_format == LogFormat::text && color_enabled(model.options.color, model.inherited);
}

// Every instance of the formation, and instance 1 of every Procfile entry (what `tfrun scale` and
// `tfrun reload` add from; a name written on two entries has two, and `scale` refuses to choose).
// `tfrun_colours`: as decided when the formation started, for `reload` too.
void plan_formation(const Model& model, bool tfrun_colours, std::vector<PlannedInstance>& instances,
                    std::vector<PlannedInstance>& type_templates) {
  SharedParts shared;
  shared.tfrun_colours = tfrun_colours;
  for (const auto& instance : model.instances) {
    instances.push_back(plan_instance(model, instance, shared));
  }
  for (std::size_t index = 0; index < model.procfile.entries.size(); ++index) {
    const auto& entry = model.procfile.entries[index];
    const core::Instance first{entry.name,    1,    entry.name + ".1", core::port_for(model.base_port, index, 1),
                               entry.command, index};
    type_templates.push_back(plan_instance(model, first, shared));
  }
}

// `tfrun reload`: the files read as `start` read them; every diagnostic becomes the answer's message.
engine::ReloadedPlan read_again(const Invocation& invocation, bool tfrun_colours) {
  engine::ReloadedPlan out;
  std::ostringstream diagnostics;
  try {
    const auto model = load_model(invocation.options, inherited_environment(), LoadRequest{}, diagnostics);
    plan_formation(model, tfrun_colours, out.instances, out.type_templates);
  } catch (const Error& error) {
    out.error =
        diagnostics.str() + (std::string(error.what()).empty() ? "" : "tfrun: error: " + std::string(error.what()));
  } catch (const std::exception& error) {
    out.error = diagnostics.str() + "tfrun: error: " + error.what();
  }
  while (!out.error.empty() && out.error.back() == '\n') {
    out.error.pop_back();
  }
  if (out.error.empty() && out.type_templates.empty()) {
    out.error = "the files could not be read";
  }
  return out;
}

// The control socket (docs/control.md), bound before any child starts so a second `start` in the project
// is refused before it runs anything. A project folder that cannot hold it (read-only, a path too long for
// a socket address) falls back to the user's runtime directory; if that fails too the formation runs
// without live control, saying so.
os::ControlListener listen_for_control(const Invocation& invocation) {
  const auto path = control_socket_for(invocation);
  const bool chosen = invocation.socket || std::getenv("TFRUN_SOCKET") != nullptr;
  std::vector<std::string> tried{path};
  if (!chosen) {
    tried.push_back(control_socket_for(invocation, true));
  }
  std::string why;
  for (const auto& candidate : tried) {
    try {
      auto listener = os::listen_control_socket(candidate, !chosen);
      if (listener.replaced_stale()) {
        std::cerr << "tfrun: warning: replaced the control socket " << candidate
                  << ", left by a tfrun that did not exit cleanly\n";
      }
      return listener;
    } catch (const os::ControlSocketBusy& busy) {
      throw Error(core::exit_code::temporary, busy.what());
    } catch (const std::system_error& error) {
      why = error.what();
    }
  }
  if (chosen) {
    throw SystemError("cannot listen on the control socket: " + why);
  }
  std::cerr << "tfrun: warning: no live control (tfrun ps, restart, stop): " << why << '\n';
  return {};
}

} // namespace

int start_command(const Invocation& invocation) {
  const auto model = load_model(invocation.options, inherited_environment(), LoadRequest{}, std::cerr);
  for (const auto& type : model.options.quiet) {
    if (model.procfile.find(type) == nullptr) {
      throw UsageError("--quiet: unknown process type '" + type + "' (known types: " + model.procfile.type_list() +
                       ")");
    }
  }
  SupervisorPlan plan;
  plan.style.color = colours_output(model);
  plan_formation(model, plan.style.color, plan.instances, plan.type_templates);
  plan.types = gated_types(model);
  plan.reload = [invocation, colours = plan.style.color] { return read_again(invocation, colours); };
  if (const auto notify = model.inherited.get("NOTIFY_SOCKET"); notify && !notify->empty()) {
    plan.notify_socket = std::string(*notify);
  }
  plan.quiet_period = model.options.quiet_period;
  plan.log_format = model.options.log_format;
  plan.style.timestamp = model.options.timestamp;
  plan.style.prefix = model.options.prefix;
  plan.style.name_width = name_width(plan.instances);
  if (::access("/dev/null", R_OK | W_OK) != 0) {
    throw SystemError(std::string("cannot open /dev/null: ") + std::strerror(errno) +
                      " (every instance gets it as its stdin)");
  }
  os::reserve_launch_descriptors();
  const auto file_limit = os::raise_open_file_limit();
  // One pipe end per instance, one more per instance told to notify, tfrun's own and what it was given:
  // refuse a formation that cannot fit before anything starts, rather than stop it half-started.
  const auto notifying = std::count_if(plan.instances.begin(), plan.instances.end(), [](const PlannedInstance& i) {
    return i.ready().kind == core::ReadyCheck::Kind::notify;
  });
  const std::size_t needed = os::open_descriptor_count(file_limit) + plan.instances.size() +
                             static_cast<std::size_t>(notifying) + k_descriptors_of_tfrun;
  if (file_limit != 0 && file_limit < needed) {
    throw SystemError("the open-file limit (" + std::to_string(file_limit) + ") is too low for " +
                      std::to_string(plan.instances.size()) + " instances, which need " + std::to_string(needed) +
                      ": raise it with `ulimit -n` (or the engine's LimitNOFILE)");
  }
  if (!os::is_pid1() && !os::become_child_subreaper()) {
    std::cerr << "tfrun: warning: cannot become a child subreaper: processes that detach from their parent "
                 "will not be stopped by tfrun\n";
  }
  auto control = listen_for_control(invocation);
  plan.control_fd = control.release_fd();
  Supervisor supervisor(std::move(plan));
  return supervisor.run(); // `control` unlinks the socket file after the last child is gone
}

} // namespace tfrun::app
