// SPDX-License-Identifier: MIT
// What happens when an instance exits on its own: restart after a backoff, finish quietly, give up, or stop
// the formation. Pure, so every rule of the policy table is unit-tested without a process.
#pragma once

#include <tfrun/core/duration.hpp>
#include <tfrun/core/process_exit.hpp>
#include <tfrun/core/settings.hpp>

#include <optional>

namespace tfrun::core {

// The effective lifecycle of one type: tfrun.toml's values, else the defaults.
struct LifecyclePolicy {
  RestartPolicy restart = RestartPolicy::never;
  Duration restart_delay{1000};
  Duration max_restart_delay{60000};
  Duration healthy_after{60000};
  std::optional<int> max_restarts;
  bool can_exit = false;
  bool oneshot = false;
};

[[nodiscard]] LifecyclePolicy lifecycle_policy(const ProcessSettings* settings);

// Restarts of one instance in a row, without a healthy run between them.
struct RestartHistory {
  int consecutive = 0;
};

enum class ExitOutcome {
  finished,       // allowed to end (can_exit, or a oneshot that succeeded): nothing else happens
  restart,        // start it again after `delay`
  give_up,        // restarted max_restarts times in a row and failed again: the formation stops
  abort_start,    // a oneshot failed: the start is aborted
  stop_formation, // foreman's rule: an exit stops everything
};

struct ExitVerdict {
  ExitOutcome outcome = ExitOutcome::stop_formation;
  Duration delay{0}; // restart: how long to wait
  int attempt = 0;   // restart: which restart in a row this is (1, 2, ...); give_up: how many there were
};

// Judges an exit that tfrun did not ask for. `uptime` is how long the instance ran; a run of at least
// healthy_after forgives the earlier failures, so the backoff starts over.
[[nodiscard]] ExitVerdict judge_exit(const LifecyclePolicy& policy, RestartHistory& history, const ProcessExit& exit,
                                     Duration uptime);

// The delay before restart number `attempt` (1-based): restart_delay doubled each time, capped.
[[nodiscard]] Duration backoff_delay(const LifecyclePolicy& policy, int attempt);

} // namespace tfrun::core
