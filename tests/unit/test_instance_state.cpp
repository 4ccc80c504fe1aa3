// SPDX-License-Identifier: MIT
#include <tfrun/core/instance_state.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

using Phase = InstancePhase;
using Event = InstanceEvent;
using Action = InstanceAction;
using Actions = std::vector<Action>;

std::string name_of(Event event) {
  switch (event) {
  case Event::spawned: return "spawned";
  case Event::spawn_failed: return "spawn_failed";
  case Event::stop_requested: return "stop_requested";
  case Event::grace_expired: return "grace_expired";
  case Event::kill_now: return "kill_now";
  case Event::reaped: return "reaped";
  case Event::pipe_closed: return "pipe_closed";
  case Event::restart_scheduled: return "restart_scheduled";
  case Event::restart_due: return "restart_due";
  }
  return "?";
}

std::string name_of(Action action) {
  switch (action) {
  case Action::send_stop_signal: return "send_stop_signal";
  case Action::send_kill: return "send_kill";
  case Action::report_exit: return "report_exit";
  case Action::close_pipe_later: return "close_pipe_later";
  }
  return "?";
}

std::string describe(const Actions& actions) {
  std::string out = "[";
  for (const auto action : actions) {
    out += (out.size() > 1 ? " " : "") + name_of(action);
  }
  return out + "]";
}

// A fresh instance driven through `events`; what they ask for is checked by the tests that walk each path.
InstanceState after(const std::vector<Event>& events) {
  InstanceState state;
  for (const auto event : events) {
    (void)state.on(event);
  }
  return state;
}

// The events that bring a fresh instance to each phase the runtime can see.
std::vector<Event> path_to(Phase phase) {
  switch (phase) {
  case Phase::pending: return {};
  case Phase::running: return {Event::spawned};
  case Phase::stopping: return {Event::spawned, Event::stop_requested};
  case Phase::killed: return {Event::spawned, Event::stop_requested, Event::grace_expired};
  case Phase::exited: return {Event::spawned, Event::reaped};
  case Phase::finished: return {Event::spawned, Event::pipe_closed, Event::reaped};
  case Phase::backoff: return {Event::spawned, Event::pipe_closed, Event::reaped, Event::restart_scheduled};
  }
  return {};
}

struct Transition {
  Phase from;
  Event event;
  Phase to;
  Actions actions;
};

} // namespace

TEST_CASE("instance state: the paths used below reach their phases", "[instance_state]") {
  for (const auto phase : {Phase::pending, Phase::running, Phase::stopping, Phase::killed, Phase::exited,
                           Phase::finished, Phase::backoff}) {
    CHECK(after(path_to(phase)).phase == phase);
  }
}

TEST_CASE("instance state: a fresh instance is pending, not alive, not finished", "[instance_state]") {
  const InstanceState state;
  CHECK(state.phase == Phase::pending);
  CHECK_FALSE(state.reaped);
  CHECK_FALSE(state.drained);
  CHECK_FALSE(state.needed_kill);
  CHECK_FALSE(state.alive());
  CHECK_FALSE(state.finished());
}

TEST_CASE("instance state: the transition table", "[instance_state]") {
  const std::vector<Transition> table = {
      // pending: nothing runs yet, so stopping it just ends it.
      {Phase::pending, Event::spawned, Phase::running, {}},
      {Phase::pending, Event::spawn_failed, Phase::finished, {Action::report_exit}},
      {Phase::pending, Event::stop_requested, Phase::finished, {}},
      {Phase::pending, Event::grace_expired, Phase::finished, {}},
      {Phase::pending, Event::kill_now, Phase::finished, {}},
      // running
      {Phase::running, Event::spawned, Phase::running, {}},
      {Phase::running, Event::stop_requested, Phase::stopping, {Action::send_stop_signal}},
      {Phase::running, Event::grace_expired, Phase::killed, {Action::send_kill}},
      {Phase::running, Event::kill_now, Phase::killed, {Action::send_kill}},
      {Phase::running, Event::reaped, Phase::exited, {Action::close_pipe_later}},
      {Phase::running, Event::pipe_closed, Phase::running, {}},
      // stopping: a second stop request does not signal again; the deadline or a second Ctrl-C kills.
      {Phase::stopping, Event::stop_requested, Phase::stopping, {}},
      {Phase::stopping, Event::grace_expired, Phase::killed, {Action::send_kill}},
      {Phase::stopping, Event::kill_now, Phase::killed, {Action::send_kill}},
      {Phase::stopping, Event::reaped, Phase::exited, {Action::close_pipe_later}},
      {Phase::stopping, Event::pipe_closed, Phase::stopping, {}},
      // killed: SIGKILL went out once; only the reaper and the pipe move it on.
      {Phase::killed, Event::stop_requested, Phase::killed, {}},
      {Phase::killed, Event::grace_expired, Phase::killed, {}},
      {Phase::killed, Event::kill_now, Phase::killed, {}},
      {Phase::killed, Event::reaped, Phase::exited, {Action::close_pipe_later}},
      {Phase::killed, Event::pipe_closed, Phase::killed, {}},
      // exited: reaped, but a grandchild in its group still holds the pipe, so the group is signalled.
      {Phase::exited, Event::stop_requested, Phase::exited, {Action::send_stop_signal}},
      {Phase::exited, Event::grace_expired, Phase::exited, {Action::send_kill}},
      {Phase::exited, Event::kill_now, Phase::exited, {Action::send_kill}},
      {Phase::exited, Event::pipe_closed, Phase::finished, {Action::report_exit}},
      // finished: nothing more happens, unless the restart policy schedules a new life.
      {Phase::finished, Event::spawned, Phase::finished, {}},
      {Phase::finished, Event::stop_requested, Phase::finished, {}},
      {Phase::finished, Event::grace_expired, Phase::finished, {}},
      {Phase::finished, Event::kill_now, Phase::finished, {}},
      {Phase::finished, Event::restart_scheduled, Phase::backoff, {}},
      {Phase::finished, Event::restart_due, Phase::finished, {}},
      // backoff: waiting out the delay; a stop cancels the restart, the delay's end makes it pending again.
      {Phase::backoff, Event::restart_due, Phase::pending, {}},
      {Phase::backoff, Event::stop_requested, Phase::finished, {}},
      {Phase::backoff, Event::kill_now, Phase::finished, {}},
      {Phase::backoff, Event::grace_expired, Phase::finished, {}},
      {Phase::backoff, Event::spawned, Phase::backoff, {}},
      // only a finished instance can be scheduled for a restart
      {Phase::running, Event::restart_scheduled, Phase::running, {}},
      {Phase::running, Event::restart_due, Phase::running, {}},
  };
  for (const auto& [from, event, to, actions] : table) {
    INFO(to_string(from) << " + " << name_of(event));
    auto state = after(path_to(from));
    const auto done = state.on(event);
    CHECK(to_string(state.phase) == to_string(to));
    CHECK(describe(done) == describe(actions));
  }
}

TEST_CASE("instance state: running, stop requested, then the grace period ends", "[instance_state]") {
  InstanceState state;
  CHECK(state.on(Event::spawned).empty());
  CHECK(state.alive());
  CHECK(state.on(Event::stop_requested) == Actions{Action::send_stop_signal});
  CHECK(state.phase == Phase::stopping);
  CHECK(state.alive());
  CHECK_FALSE(state.needed_kill);
  CHECK(state.on(Event::grace_expired) == Actions{Action::send_kill});
  CHECK(state.phase == Phase::killed);
  CHECK(state.needed_kill);
  CHECK(state.alive());
  CHECK(state.on(Event::reaped) == Actions{Action::close_pipe_later});
  CHECK(state.on(Event::pipe_closed) == Actions{Action::report_exit});
  CHECK(state.finished());
  CHECK_FALSE(state.alive());
  CHECK(state.needed_kill); // kept for the "killed by SIGKILL after the grace" line
}

TEST_CASE("instance state: reaped before drained finishes only at EOF", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  CHECK(state.on(Event::reaped) == Actions{Action::close_pipe_later});
  CHECK(state.phase == Phase::exited);
  CHECK(state.reaped);
  CHECK_FALSE(state.drained);
  CHECK_FALSE(state.alive());
  CHECK_FALSE(state.finished());
  CHECK(state.on(Event::pipe_closed) == Actions{Action::report_exit});
  CHECK(state.phase == Phase::finished);
  CHECK(state.drained);
  CHECK(state.finished());
}

TEST_CASE("instance state: drained before reaped finishes at the reap", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  CHECK(state.on(Event::pipe_closed).empty());
  CHECK(state.phase == Phase::running);
  CHECK(state.drained);
  CHECK(state.alive()); // the pipe closing alone does not mean the process is gone
  CHECK(state.on(Event::reaped) == Actions{Action::report_exit});
  CHECK(state.phase == Phase::finished);
  CHECK(state.reaped);
  CHECK(state.finished());
}

TEST_CASE("instance state: drained, then stopped, then reaped", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  (void)state.on(Event::pipe_closed);
  CHECK(state.on(Event::stop_requested) == Actions{Action::send_stop_signal});
  CHECK(state.on(Event::reaped) == Actions{Action::report_exit});
  CHECK(state.finished());
  CHECK_FALSE(state.needed_kill);
}

TEST_CASE("instance state: a process that exits during its grace period was not killed", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  (void)state.on(Event::stop_requested);
  CHECK(state.on(Event::reaped) == Actions{Action::close_pipe_later});
  // The deadline still reaches the group holding the pipe, but the process itself needed no SIGKILL.
  CHECK(state.on(Event::grace_expired) == Actions{Action::send_kill});
  CHECK_FALSE(state.needed_kill);
  CHECK(state.phase == Phase::exited);
  CHECK(state.on(Event::pipe_closed) == Actions{Action::report_exit});
  CHECK(state.finished());
}

TEST_CASE("instance state: a second Ctrl-C kills at once", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  (void)state.on(Event::stop_requested);
  CHECK(state.on(Event::kill_now) == Actions{Action::send_kill});
  CHECK(state.needed_kill);
  // The grace timer firing later sends nothing more.
  CHECK(state.on(Event::grace_expired).empty());
}

TEST_CASE("instance state: a failed spawn is finished and reported at once", "[instance_state]") {
  InstanceState state;
  CHECK(state.on(Event::spawn_failed) == Actions{Action::report_exit});
  CHECK(state.phase == Phase::finished);
  CHECK(state.reaped);
  CHECK(state.drained);
  CHECK(state.finished());
  CHECK_FALSE(state.alive());
  CHECK(state.on(Event::stop_requested).empty());
}

TEST_CASE("instance state: a pending instance asked to stop never starts", "[instance_state]") {
  InstanceState state;
  CHECK(state.on(Event::stop_requested).empty());
  CHECK(state.finished());
  CHECK_FALSE(state.needed_kill);
  // A late spawn notice does not bring it back to life.
  CHECK(state.on(Event::spawned).empty());
  CHECK(state.finished());
}

TEST_CASE("instance state: alive() covers exactly running, stopping and killed", "[instance_state]") {
  CHECK_FALSE(after(path_to(Phase::pending)).alive());
  CHECK(after(path_to(Phase::running)).alive());
  CHECK(after(path_to(Phase::stopping)).alive());
  CHECK(after(path_to(Phase::killed)).alive());
  CHECK_FALSE(after(path_to(Phase::exited)).alive());
  CHECK_FALSE(after(path_to(Phase::finished)).alive());
}

TEST_CASE("instance state: phase names", "[instance_state]") {
  CHECK(to_string(Phase::pending) == "pending");
  CHECK(to_string(Phase::running) == "running");
  CHECK(to_string(Phase::stopping) == "stopping");
  CHECK(to_string(Phase::killed) == "killed");
  CHECK(to_string(Phase::exited) == "exited");
  CHECK(to_string(Phase::finished) == "finished");
}

TEST_CASE("instance state: a restart starts a new life with nothing carried over", "[instance_state]") {
  InstanceState state;
  (void)state.on(Event::spawned);
  (void)state.on(Event::stop_requested);
  (void)state.on(Event::grace_expired);
  (void)state.on(Event::reaped);
  (void)state.on(Event::pipe_closed);
  REQUIRE(state.finished());
  REQUIRE(state.needed_kill);
  (void)state.on(Event::restart_scheduled);
  CHECK_FALSE(state.alive());
  CHECK_FALSE(state.finished()); // waiting to restart is not the end
  (void)state.on(Event::restart_due);
  CHECK(state.pending());
  CHECK_FALSE(state.reaped);
  CHECK_FALSE(state.drained);
  CHECK_FALSE(state.needed_kill);
  CHECK(state.on(Event::spawned).empty());
  CHECK(state.alive());
}
