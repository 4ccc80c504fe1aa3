// SPDX-License-Identifier: MIT
// `tfrun scale` (docs/control.md): core/scale_plan decides; this carries the steps out. Surplus instances
// are stopped through the state table like any user stop; new ones are made from the type's first
// instance, with the next port of the type's block, and queued for a spawn.
#include "supervisor_impl.hpp"

#include <tfrun/core/scale_plan.hpp>

#include <algorithm>

namespace tfrun::engine {
namespace {

int number_of(const PlannedInstance& plan) { return std::stoi(plan.name.substr(plan.name.rfind('.') + 1)); }

bool counts_toward_scale(const SupervisedChild& child) {
  return !child.state.finished() && child.state.request != core::InstanceRequest::stop;
}

} // namespace

void Supervisor::Impl::answer_scale(const std::shared_ptr<ControlSession>& session,
                                    const core::ControlRequest& request) {
  std::vector<core::ScaleType> types;
  for (const auto& first : m_plan.type_templates) {
    const auto known = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == first.type; });
    if (known != types.end()) {
      ++known->entries; // a name written twice: plan_scale refuses to choose a command
      continue;
    }
    auto& type = types.emplace_back(core::ScaleType{first.type, first.policy().oneshot, first.port, {}});
    for (const auto& child : m_children) {
      if (child->plan.type == first.type) {
        type.instances.push_back({number_of(child->plan), counts_toward_scale(*child)});
      }
    }
  }
  auto plan = core::plan_scale(request.scale, types);
  if (auto* error = std::get_if<core::ControlError>(&plan)) {
    send(session, *error);
    return;
  }
  std::string specs;
  for (const auto& [type, count] : request.scale) {
    specs += (specs.empty() ? "" : " ") + type + "=" + std::to_string(count);
  }
  m_out.system_line("scale " + specs + " (asked by uid " + std::to_string(session->peer.uid) + ", pid " +
                    std::to_string(session->peer.pid) + ")");
  for (const auto& step : std::get<std::vector<core::ScaleStep>>(plan)) {
    const auto name = step.type + "." + std::to_string(step.number);
    if (step.kind == core::ScaleStep::Kind::add) {
      const auto first = std::find_if(m_plan.type_templates.begin(), m_plan.type_templates.end(),
                                      [&](const auto& candidate) { return candidate.type == step.type; });
      PlannedInstance added = *first;
      added.name = name;
      added.port = step.port;
      add_instance(std::move(added));
      send(session, core::ControlAction{name, "add (port " + std::to_string(step.port) + ")"});
      continue;
    }
    const auto found =
        std::find_if(m_children.begin(), m_children.end(), [&](const auto& child) { return child->plan.name == name; });
    if (found != m_children.end()) {
      const bool restart = step.kind == core::ScaleStep::Kind::restart;
      user_request(**found, restart ? InstanceEvent::user_restart : InstanceEvent::user_stop);
      send(session, core::ControlAction{name, restart ? "restart" : "stop"});
    }
  }
  send(session, core::ControlDone{});
}

void Supervisor::Impl::add_instance(PlannedInstance plan) {
  // A name tfrun already has (a type removed by one reload and added back by the next): that instance
  // takes the new definition and is started again, so no two instances ever share a name.
  const auto known = std::find_if(m_children.begin(), m_children.end(),
                                  [&](const auto& child) { return child->plan.name == plan.name; });
  if (known != m_children.end()) {
    (*known)->plan = std::move(plan);
    user_request(**known, InstanceEvent::user_restart);
    return;
  }
  const std::string type = plan.type;
  auto child = std::make_unique<SupervisedChild>(m_io, plan);
  child->source = m_out.make_source(plan.name, plan.type, core::palette_color(plan.type_index));
  auto* added = child.get();
  // After the last instance of its type (or of an earlier type), so `ps` lists a type's instances together.
  auto at = m_children.begin();
  for (auto it = m_children.begin(); it != m_children.end(); ++it) {
    if ((*it)->plan.type_index <= plan.type_index) {
      at = it + 1;
    }
  }
  m_children.insert(at, std::move(child));
  // A type added by `reload` has no place in the dependency order: it stops in the last wave. Registered, so
  // the wave's count of unfinished instances and the wave of its leftovers agree with that.
  const auto wave = m_wave_of_type.try_emplace(type, m_stop_waves.size() - 1).first->second;
  m_stop_waves[wave].push_back(added);
  note_finished(*added, false); // a new instance the formation's stop must wait for
  prepare_notify_socket(*added);
  queue_spawn(*added);
}

} // namespace tfrun::engine
