// SPDX-License-Identifier: MIT
// `tfrun reload` (docs/control.md): the Procfile, env files and tfrun.toml read again; the instances of
// every type whose command, environment or policy changed are restarted with the new definition, added
// types are started, removed ones stopped. Files that no longer parse change nothing and say why.
#include "supervisor_impl.hpp"

#include <tfrun/core/reload_diff.hpp>

#include <tfrun/core/formation.hpp>

#include <algorithm>
#include <map>

namespace tfrun::engine {
namespace {

// Everything of a type that its processes see or that decides how tfrun treats them.
std::string fingerprint(const PlannedInstance& plan) {
  std::string out;
  if (plan.argv) {
    for (const auto& word : *plan.argv) {
      out += word + '\x1f';
    }
  }
  out += '\0' + plan.directory() + '\0' + std::to_string(plan.stop_signal) + '\0' +
         std::to_string(plan.timeout.count()) + '\0' + std::to_string(static_cast<int>(plan.signal_target));
  const auto& policy = plan.policy();
  out += '\0' + std::to_string(static_cast<int>(policy.restart)) + ',' + std::to_string(policy.restart_delay.count()) +
         ',' + std::to_string(policy.max_restart_delay.count()) + ',' + std::to_string(policy.healthy_after.count()) +
         ',' + std::to_string(policy.max_restarts.value_or(-1)) + ',' + std::to_string(policy.can_exit) + ',' +
         std::to_string(policy.oneshot);
  out += '\0' + std::to_string(static_cast<int>(plan.ready().kind)) + ',' + plan.ready().pattern + ',' +
         plan.ready().command + ',' + std::to_string(plan.ready().port) + ',' +
         std::to_string(plan.ready().timeout ? plan.ready().timeout->count() : -1);
  if (plan.type_env) {
    for (const auto& variable : *plan.type_env) {
      out += '\0' + variable;
    }
  }
  return out;
}

// One per type: a name written on several Procfile entries changes when any of its entries does.
std::vector<core::TypeDefinition> definitions(const std::vector<PlannedInstance>& templates) {
  std::vector<core::TypeDefinition> out;
  for (const auto& plan : templates) {
    const auto known = std::find_if(out.begin(), out.end(), [&](const auto& type) { return type.name == plan.type; });
    if (known != out.end()) {
      known->fingerprint += '\x1e' + fingerprint(plan);
    } else {
      out.push_back({plan.type, fingerprint(plan)});
    }
  }
  return out;
}

// Rewrites `fresh` (the files' templates) so that a type already in `current` keeps its first port and
// colour, entry by entry, and an added type's block moves up past every block in use when it overlaps one.
// Returns, for each added type, how far its ports moved.
std::map<std::string, int> keep_port_blocks(const std::vector<PlannedInstance>& current,
                                            std::vector<PlannedInstance>& fresh,
                                            const std::vector<std::string>& added) {
  std::map<std::string, int> seen; // entries of each name met so far in `fresh`
  std::vector<int> blocks;         // first ports of the blocks in use
  int top = 0;                     // the end of the highest block in use
  for (const auto& plan : current) {
    blocks.push_back(plan.port);
    top = std::max(top, plan.port + core::k_port_block);
  }
  std::map<std::string, int> shift;
  for (auto& plan : fresh) {
    const int occurrence = seen[plan.type]++;
    const bool is_added = std::find(added.begin(), added.end(), plan.type) != added.end();
    if (!is_added) {
      int index = 0;
      for (const auto& old : current) {
        if (old.type == plan.type && index++ == occurrence) {
          plan.port = old.port;
          plan.type_index = old.type_index;
          break;
        }
      }
      continue;
    }
    const bool overlaps = std::any_of(blocks.begin(), blocks.end(), [&](int first) {
      return plan.port < first + core::k_port_block && first < plan.port + core::k_port_block;
    });
    const int moved = overlaps ? top - plan.port : 0;
    if (occurrence == 0) {
      shift[plan.type] = moved;
    }
    plan.port += moved;
    blocks.push_back(plan.port);
    top = std::max(top, plan.port + core::k_port_block);
  }
  return shift;
}

} // namespace

void Supervisor::Impl::answer_reload(const std::shared_ptr<ControlSession>& session) {
  if (!m_plan.reload) {
    send(session, core::ControlError{core::ControlErrorCode::unknown_command, "reload is not available here"});
    return;
  }
  auto reloaded = m_plan.reload();
  if (!reloaded.error.empty()) {
    m_out.system_line("reload refused, nothing changed (asked by uid " + std::to_string(session->peer.uid) + ", pid " +
                      std::to_string(session->peer.pid) + ")");
    send(session, core::ControlError{core::ControlErrorCode::bad_input,
                                     "the files no longer parse; nothing changed:\n" + reloaded.error});
    return;
  }
  const auto diff = core::diff_types(definitions(m_plan.type_templates), definitions(reloaded.type_templates));
  m_out.system_line("reload: " + core::describe(diff) + " (asked by uid " + std::to_string(session->peer.uid) +
                    ", pid " + std::to_string(session->peer.pid) + ")");
  // The new definition of an instance: the files' own plan for that name (with a name written on two
  // entries, each instance keeps the entry it runs), else the type's first entry (an instance `scale` added).
  const auto fresh_plan_of = [&](const PlannedInstance& current) {
    const auto same = std::find_if(reloaded.instances.begin(), reloaded.instances.end(),
                                   [&](const auto& plan) { return plan.name == current.name; });
    if (same != reloaded.instances.end()) {
      return *same;
    }
    return *std::find_if(reloaded.type_templates.begin(), reloaded.type_templates.end(),
                         [&](const auto& plan) { return plan.type == current.type; });
  };
  for (const auto& type : diff.changed) {
    for (auto& child : m_children) {
      if (child->plan.type != type) {
        continue;
      }
      // Under the instance's own name, port and colour.
      PlannedInstance plan = fresh_plan_of(child->plan);
      plan.name = child->plan.name;
      plan.port = child->plan.port;
      plan.type_index = child->plan.type_index;
      child->plan = std::move(plan);
      if (!child->readiness.notify_socket) {
        prepare_notify_socket(*child); // it now reports readiness with sd_notify
      }
      if (!child->state.finished() || child->state.request != core::InstanceRequest::stop) {
        user_request(*child, InstanceEvent::user_restart);
      }
      send(session, core::ControlAction{child->plan.name, "restart (changed)"});
    }
  }
  for (const auto& type : diff.removed) {
    for (auto& child : m_children) {
      if (child->plan.type == type) {
        user_request(*child, InstanceEvent::user_stop);
        send(session, core::ControlAction{child->plan.name, "stop (removed)"});
      }
    }
  }
  // The templates are now the files' (scale follows them), with the ports already in use kept: a type
  // that was here keeps its block and colour wherever it moved in the file, and an added type whose block
  // is taken gets the next free one. Added types get their formation's instances.
  const auto block_shift = keep_port_blocks(m_plan.type_templates, reloaded.type_templates, diff.added);
  m_plan.type_templates = reloaded.type_templates;
  for (const auto& type : diff.added) {
    for (auto instance : reloaded.instances) {
      if (instance.type == type) {
        instance.port += block_shift.at(type);
        const auto name = instance.name;
        add_instance(std::move(instance));
        send(session, core::ControlAction{name, "start (added)"});
      }
    }
  }
  send(session, core::ControlDone{});
}

} // namespace tfrun::engine
