// SPDX-License-Identifier: MIT
#include <tfrun/app/model_json.hpp>

#include <tfrun/core/json.hpp>
#include <tfrun/core/lifecycle_policy.hpp>
#include <tfrun/core/settings_check.hpp>
#include <tfrun/core/signals.hpp>
#include <tfrun/core/terminal_hints.hpp>

#include <fmt/format.h>

namespace tfrun::app {
namespace {

using core::append_json_string;

template <typename Range, typename Each> void append_array(std::string& out, const Range& range, Each each) {
  out += '[';
  bool first = true;
  for (const auto& item : range) {
    if (!first) {
      out += ',';
    }
    first = false;
    each(item);
  }
  out += ']';
}

void append_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

void append_ready(std::string& out, const core::ReadyCheck& ready) {
  using Kind = core::ReadyCheck::Kind;
  static constexpr const char* k_kinds[] = {"none", "own_port", "tcp_port", "log_regex", "command", "notify"};
  out += "{\"kind\":";
  append_json_string(out, k_kinds[static_cast<int>(ready.kind)]);
  if (ready.kind == Kind::tcp_port) {
    out += fmt::format(",\"port\":{}", ready.port);
  } else if (ready.kind == Kind::log_regex) {
    out += ",\"pattern\":";
    append_json_string(out, ready.pattern);
  } else if (ready.kind == Kind::command) {
    out += ",\"command\":";
    append_json_string(out, ready.command);
  }
  if (ready.kind != Kind::none) {
    out += fmt::format(",\"timeout_ms\":{}", ready.timeout.value_or(core::k_default_ready_timeout).count());
  }
  out += '}';
}

// The effective policy of one type: what tfrun.toml says, else the defaults.
void append_policy(std::string& out, const Model& model, const std::string& type) {
  const auto* process = core::find_process_settings(model.settings, type);
  const core::ProcessSettings defaults;
  const auto& p = process != nullptr ? *process : defaults;
  out += '{';
  append_key(out, "type");
  append_json_string(out, type);
  out += ",\"stop_signal\":";
  append_json_string(out, core::signal_name(p.stop_signal.value_or(15)));
  out += fmt::format(",\"timeout_ms\":{}", p.timeout.value_or(model.options.timeout).count());
  out += ",\"signal_target\":";
  append_json_string(out, core::to_string(p.signal_target.value_or(core::SignalTarget::group)));
  out += ",\"restart\":";
  append_json_string(out, core::to_string(p.restart.value_or(core::RestartPolicy::never)));
  const auto lifecycle = core::lifecycle_policy(&p);
  out += fmt::format(",\"restart_delay_ms\":{},\"max_restart_delay_ms\":{},\"healthy_after_ms\":{}",
                     lifecycle.restart_delay.count(), lifecycle.max_restart_delay.count(),
                     lifecycle.healthy_after.count());
  out += lifecycle.max_restarts ? fmt::format(",\"max_restarts\":{}", *lifecycle.max_restarts)
                                : std::string(",\"max_restarts\":null");
  out += fmt::format(",\"can_exit\":{},\"oneshot\":{}", p.can_exit.value_or(false), p.oneshot.value_or(false));
  out += ",\"depends_on\":";
  append_array(out, p.depends_on, [&](const auto& dependency) { append_json_string(out, dependency.name); });
  out += ",\"ready\":";
  append_ready(out, p.ready);
  // Whether `start` may give this type the terminal hints; it does only when it colours its output.
  out += fmt::format(",\"terminal_hints\":{}",
                     model.options.terminal_hints && core::terminal_hints_for(model.settings, type));
  // What tfrun.toml asks; `start` applies it at a terminal only, and --pty/--no-pty win (docs/terminal.md).
  out += fmt::format(",\"pty\":{}", p.pty.value_or(model.settings.pty.value_or(false)));
  out += '}';
}

void append_instances(std::string& out, const Model& model) {
  append_array(out, model.instances, [&](const core::Instance& instance) {
    out += "{\"name\":";
    append_json_string(out, instance.name);
    out += ",\"type\":";
    append_json_string(out, instance.type);
    out += fmt::format(",\"number\":{},\"port\":{},\"command\":", instance.number, instance.port);
    append_json_string(out, instance.command);
    out += '}';
  });
}

void append_warnings(std::string& out, const Model& model) {
  append_array(out, model.warnings, [&](const core::Diagnostic& warning) {
    out += "{\"file\":";
    append_json_string(out, warning.file);
    out += fmt::format(",\"line\":{},\"column\":{},\"message\":", warning.line, warning.column);
    append_json_string(out, warning.message);
    out += '}';
  });
}

} // namespace

std::string model_to_json(const Model& model) {
  std::string out = "{\"procfile\":";
  append_json_string(out, model.options.procfile_path);
  out += ",\"root\":";
  append_json_string(out, model.options.root_dir);
  out += ",\"settings\":";
  out += model.has_settings_file ? core::json_string(model.options.settings_path) : "null";
  out += ",\"entries\":";
  append_array(out, model.procfile.entries, [&](const core::ProcfileEntry& entry) {
    out += "{\"name\":";
    append_json_string(out, entry.name);
    out += ",\"command\":";
    append_json_string(out, entry.command);
    out += fmt::format(",\"line\":{}}}", entry.line);
  });
  out += ",\"env_files\":";
  append_array(out, model.options.env_files, [&](const std::string& file) { append_json_string(out, file); });
  out += ",\"env\":{";
  for (std::size_t i = 0; i < model.env_file_variables.size(); ++i) {
    out += i == 0 ? "" : ",";
    append_key(out, model.env_file_variables[i].key);
    append_json_string(out, model.env_file_variables[i].value);
  }
  out += fmt::format("}},\"base_port\":{},\"instances\":", model.base_port);
  append_instances(out, model);
  out += ",\"processes\":";
  append_array(out, model.procfile.types(), [&](const std::string& type) { append_policy(out, model, type); });
  out += ",\"start_order\":";
  append_array(out, core::start_order(model.settings, model.procfile),
               [&](const std::string& type) { append_json_string(out, type); });
  out += ",\"warnings\":";
  append_warnings(out, model);
  out += '}';
  return out;
}

std::string environment_to_json(const core::Environment& environment) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : environment.variables()) {
    out += first ? "" : ",";
    first = false;
    append_key(out, name);
    append_json_string(out, value);
  }
  out += '}';
  return out;
}

} // namespace tfrun::app
