// SPDX-License-Identifier: MIT
#include <tfrun/core/lifecycle_policy.hpp>

#include <algorithm>

namespace tfrun::core {

LifecyclePolicy lifecycle_policy(const ProcessSettings* settings) {
  LifecyclePolicy policy;
  if (settings == nullptr) {
    return policy;
  }
  policy.restart = settings->restart.value_or(policy.restart);
  policy.restart_delay = settings->restart_delay.value_or(policy.restart_delay);
  policy.max_restart_delay = settings->max_restart_delay.value_or(policy.max_restart_delay);
  policy.healthy_after = settings->healthy_after.value_or(policy.healthy_after);
  policy.max_restarts = settings->max_restarts;
  policy.can_exit = settings->can_exit.value_or(false);
  policy.oneshot = settings->oneshot.value_or(false);
  return policy;
}

Duration backoff_delay(const LifecyclePolicy& policy, int attempt) {
  const Duration ceiling = std::max(policy.max_restart_delay, Duration{0});
  Duration delay = std::max(policy.restart_delay, Duration{0});
  // Doubling stops at the ceiling, so a long crash loop cannot overflow.
  for (int i = 1; i < attempt && delay < ceiling; ++i) {
    delay *= 2;
  }
  return std::min(delay, ceiling);
}

ExitVerdict judge_exit(const LifecyclePolicy& policy, RestartHistory& history, const ProcessExit& exit,
                       Duration uptime) {
  if (uptime >= policy.healthy_after) {
    history.consecutive = 0;
  }
  const bool succeeded = !exit.signaled && exit.code == 0;
  if (policy.oneshot && succeeded) {
    return {ExitOutcome::finished};
  }
  const bool wants_restart =
      policy.restart == RestartPolicy::always || (policy.restart == RestartPolicy::on_failure && !succeeded);
  if (wants_restart) {
    if (policy.max_restarts && history.consecutive >= *policy.max_restarts) {
      return {ExitOutcome::give_up, Duration{0}, history.consecutive};
    }
    ++history.consecutive;
    return {ExitOutcome::restart, backoff_delay(policy, history.consecutive), history.consecutive};
  }
  if (succeeded && policy.can_exit) {
    return {ExitOutcome::finished};
  }
  return {policy.oneshot ? ExitOutcome::abort_start : ExitOutcome::stop_formation};
}

} // namespace tfrun::core
