// SPDX-License-Identifier: MIT
#include <tfrun/core/instance_state.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

using Phase = InstancePhase;
using Event = InstanceEvent;
using Action = InstanceAction;

std::vector<Phase> all_phases() {
  std::vector<Phase> phases;
  for (std::size_t i = 0; i < k_instance_phase_count; ++i) {
    phases.push_back(static_cast<Phase>(i));
  }
  return phases;
}

std::vector<Event> all_events() {
  std::vector<Event> events;
  for (std::size_t i = 0; i < k_instance_event_count; ++i) {
    events.push_back(static_cast<Event>(i));
  }
  return events;
}

bool output_open(Phase phase) {
  return phase == Phase::running || phase == Phase::stopping || phase == Phase::killed || phase == Phase::exited;
}

struct Step {
  Event event;
  Phase to;
  Action action;
};

// Drives a fresh instance through `steps`, checking each phase and action on the way.
void walk(const std::vector<Step>& steps) {
  InstanceState state;
  for (const auto& step : steps) {
    INFO("from " << to_string(state.phase) << " on " << to_string(step.event));
    const auto action = state.on(step.event);
    CHECK(to_string(state.phase) == to_string(step.to));
    CHECK(to_string(action) == to_string(step.action));
  }
}

} // namespace

TEST_CASE("instance state: the names of every phase, event and action", "[instance_state]") {
  std::set<std::string_view> names;
  for (const auto phase : all_phases()) {
    names.insert(to_string(phase));
  }
  CHECK(names.size() == k_instance_phase_count);
  CHECK(names.count("unknown") == 0);
  names.clear();
  for (const auto event : all_events()) {
    names.insert(to_string(event));
  }
  CHECK(names.size() == k_instance_event_count);
  CHECK(names.count("unknown") == 0);
  CHECK(to_string(Action::stop_leftovers) == "stop_leftovers");
}

TEST_CASE("instance state: no signal for a process that was reaped or never started", "[instance_state]") {
  // A reaped pid may already belong to another process: signalling it (or a group of that id) is the
  // one thing the table must never ask for.
  for (const auto phase : all_phases()) {
    for (const auto event : all_events()) {
      const auto transition = instance_transition(phase, event);
      if (!transition) {
        continue;
      }
      INFO(to_string(phase) << " on " << to_string(event) << " -> " << to_string(transition->action));
      InstanceState state{phase};
      const bool signals_process =
          transition->action == Action::send_stop_signal || transition->action == Action::send_kill;
      CHECK((!signals_process || state.alive()));
      const bool signals_leftovers =
          transition->action == Action::stop_leftovers || transition->action == Action::kill_leftovers;
      CHECK((!signals_leftovers || phase == Phase::exited));
    }
  }
}

TEST_CASE("instance state: every exit and every EOF is taken where it can happen", "[instance_state]") {
  for (const auto phase : all_phases()) {
    INFO(to_string(phase));
    InstanceState state{phase};
    CHECK(instance_transition(phase, Event::reaped).has_value() == state.alive());
    CHECK(instance_transition(phase, Event::pipe_closed).has_value() == output_open(phase));
  }
}

TEST_CASE("instance state: finished is reached only through a report, or without ever running", "[instance_state]") {
  for (const auto phase : all_phases()) {
    for (const auto event : all_events()) {
      const auto transition = instance_transition(phase, event);
      if (!transition || transition->next != Phase::finished || phase == Phase::finished) {
        continue;
      }
      INFO(to_string(phase) << " on " << to_string(event));
      const bool never_ran = phase == Phase::pending || phase == Phase::backoff;
      const bool killed = phase == Phase::killed || phase == Phase::killed_closed;
      CHECK((transition->action == Action::report_exit || (never_ran && transition->action == Action::none) ||
             (killed && transition->action == Action::abandon)));
    }
  }
}

TEST_CASE("instance state: every phase can be reached from pending", "[instance_state]") {
  std::set<Phase> reached{Phase::pending};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto phase : std::set<Phase>(reached)) {
      for (const auto event : all_events()) {
        if (const auto transition = instance_transition(phase, event)) {
          grew = reached.insert(transition->next).second || grew;
        }
      }
    }
  }
  CHECK(reached.size() == k_instance_phase_count);
}

TEST_CASE("instance state: a stop from any phase ends in finished with no signal after the reap", "[instance_state]") {
  for (const auto phase : all_phases()) {
    INFO(to_string(phase));
    InstanceState state{phase};
    (void)state.on(Event::stop_requested);
    (void)state.on(Event::grace_expired);
    if (state.alive()) {
      (void)state.on(Event::reaped);
    }
    if (output_open(state.phase)) {
      (void)state.on(Event::pipe_closed);
    }
    CHECK(to_string(state.phase) == "finished");
  }
}

TEST_CASE("instance state: running, stop requested, grace period over, killed, reaped, drained", "[instance_state]") {
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::stop_requested, Phase::stopping, Action::send_stop_signal},
        {Event::stop_requested, Phase::stopping, Action::none}, // asked twice: one signal
        {Event::grace_expired, Phase::killed, Action::send_kill},
        {Event::kill_now, Phase::killed, Action::none},
        {Event::reaped, Phase::exited, Action::drain_output},
        {Event::pipe_closed, Phase::finished, Action::report_exit}});
}

TEST_CASE("instance state: drained before reaped finishes at the reap", "[instance_state]") {
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::pipe_closed, Phase::running_closed, Action::none},
        {Event::stop_requested, Phase::stopping_closed, Action::send_stop_signal},
        {Event::grace_expired, Phase::killed_closed, Action::send_kill},
        {Event::reaped, Phase::finished, Action::report_exit}});
}

TEST_CASE("instance state: reaped while a descendant holds the output: only the leftovers are signalled",
          "[instance_state]") {
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::reaped, Phase::exited, Action::drain_output},
        {Event::stop_requested, Phase::exited, Action::stop_leftovers},
        {Event::grace_expired, Phase::exited, Action::kill_leftovers},
        {Event::kill_now, Phase::exited, Action::kill_leftovers},
        {Event::reaped, Phase::exited, Action::none}, // refused: one life, one status
        {Event::pipe_closed, Phase::finished, Action::report_exit}});
}

TEST_CASE("instance state: a second Ctrl-C kills at once, a process that exits in its grace was not killed",
          "[instance_state]") {
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::kill_now, Phase::killed, Action::send_kill},
        {Event::reaped, Phase::exited, Action::drain_output}});
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::stop_requested, Phase::stopping, Action::send_stop_signal},
        {Event::reaped, Phase::exited, Action::drain_output},
        {Event::grace_expired, Phase::exited, Action::kill_leftovers}});
}

TEST_CASE("instance state: a failed spawn is finished and reported at once, then may restart", "[instance_state]") {
  walk({{Event::spawn_failed, Phase::finished, Action::report_exit},
        {Event::restart_scheduled, Phase::backoff, Action::none},
        {Event::restart_due, Phase::pending, Action::none},
        {Event::spawned, Phase::running, Action::none}});
}

TEST_CASE("instance state: a pending or waiting instance asked to stop never starts", "[instance_state]") {
  walk({{Event::stop_requested, Phase::finished, Action::none}, {Event::spawned, Phase::finished, Action::none}});
  walk({{Event::spawn_failed, Phase::finished, Action::report_exit},
        {Event::restart_scheduled, Phase::backoff, Action::none},
        {Event::kill_now, Phase::finished, Action::none},
        {Event::restart_due, Phase::finished, Action::none}});
}

TEST_CASE("instance state: only a process SIGKILL did not end is abandoned, and only after the kill",
          "[instance_state]") {
  for (const auto phase : all_phases()) {
    const auto transition = instance_transition(phase, Event::kill_failed);
    INFO(to_string(phase));
    CHECK(transition.has_value() == (phase == Phase::killed || phase == Phase::killed_closed));
  }
  walk({{Event::spawned, Phase::running, Action::none},
        {Event::stop_requested, Phase::stopping, Action::send_stop_signal},
        {Event::kill_failed, Phase::stopping, Action::none},
        {Event::grace_expired, Phase::killed, Action::send_kill},
        {Event::kill_failed, Phase::finished, Action::abandon},
        {Event::reaped, Phase::finished, Action::none}}); // a late reap changes nothing
}

TEST_CASE("instance state: alive() is exactly the phases with an unreaped process", "[instance_state]") {
  std::set<std::string_view> alive;
  for (const auto phase : all_phases()) {
    if (InstanceState{phase}.alive()) {
      alive.insert(to_string(phase));
    }
  }
  CHECK(alive == std::set<std::string_view>{"running", "stopping", "killed", "running_closed", "stopping_closed",
                                            "killed_closed"});
}

TEST_CASE("instance state: a user request is taken in every phase, and signals only what is alive",
          "[instance_state]") {
  for (const auto phase : all_phases()) {
    for (const auto event : {Event::user_stop, Event::user_restart}) {
      INFO(to_string(phase) << " on " << to_string(event));
      const auto transition = instance_transition(phase, event);
      REQUIRE(transition.has_value());
      InstanceState state{phase};
      const auto action = state.on(event);
      CHECK((action != Action::send_stop_signal || InstanceState{phase}.alive()));
      CHECK((action != Action::queue_spawn || state.phase == Phase::pending));
      CHECK(state.request == (event == Event::user_stop ? InstanceRequest::stop : InstanceRequest::restart));
    }
  }
}

TEST_CASE("instance state: queue_spawn only starts what has no process", "[instance_state]") {
  for (const auto phase : all_phases()) {
    for (const auto event : all_events()) {
      const auto transition = instance_transition(phase, event);
      if (transition && transition->action == Action::queue_spawn) {
        INFO(to_string(phase) << " on " << to_string(event));
        CHECK((phase == Phase::finished || phase == Phase::backoff));
        CHECK(transition->next == Phase::pending);
      }
    }
  }
}

TEST_CASE("instance state: a user restart from any phase leads to a new life, no signal after the reap",
          "[instance_state]") {
  for (const auto phase : all_phases()) {
    INFO(to_string(phase));
    InstanceState state{phase};
    (void)state.on(Event::user_restart);
    (void)state.on(Event::grace_expired);
    if (state.alive()) {
      (void)state.on(Event::reaped);
    }
    if (output_open(state.phase)) {
      CHECK(to_string(state.on(Event::pipe_closed)) == "report_exit");
    }
    if (state.finished()) {
      CHECK(state.request == InstanceRequest::restart);
      CHECK(to_string(state.on(Event::user_restart)) == "queue_spawn"); // what the supervisor does after the report
    }
    CHECK(to_string(state.phase) == "pending");
    CHECK(to_string(state.on(Event::spawned)) == "none");
    CHECK(state.request == InstanceRequest::none);
  }
}

TEST_CASE("instance state: stopped by the user, started again by a restart", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  CHECK(to_string(state.on(Event::user_stop)) == "send_stop_signal");
  CHECK(to_string(state.on(Event::user_stop)) == "none"); // asked twice: one signal
  CHECK(to_string(state.on(Event::reaped)) == "drain_output");
  CHECK(to_string(state.on(Event::pipe_closed)) == "report_exit");
  CHECK(describe_state(state) == "stopped");
  CHECK(to_string(state.on(Event::user_restart)) == "queue_spawn");
  CHECK(describe_state(state) == "pending");
  (void)state.on(Event::spawned);
  CHECK(describe_state(state) == "running");
  CHECK(state.request == InstanceRequest::none);
}

TEST_CASE("instance state: a restart asked for that cannot spawn stays down", "[instance_state]") {
  walk({{Event::user_stop, Phase::finished, Action::none},
        {Event::user_restart, Phase::pending, Action::queue_spawn},
        {Event::spawn_failed, Phase::finished, Action::report_exit}});
  InstanceState state{Phase::pending, InstanceRequest::restart};
  (void)state.on(Event::spawn_failed);
  CHECK(state.request == InstanceRequest::stop);
  CHECK(describe_state(state) == "stopped");
}
