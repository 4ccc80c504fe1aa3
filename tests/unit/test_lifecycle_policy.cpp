// SPDX-License-Identifier: MIT
#include <tfrun/core/lifecycle_policy.hpp>

#include <catch2/catch.hpp>

using namespace tfrun::core;

namespace {

const ProcessExit k_success{false, 0, 0};
const ProcessExit k_failure{false, 3, 0};
const ProcessExit k_killed{true, 0, 9};
constexpr Duration k_short{100};

LifecyclePolicy with_restart(RestartPolicy restart) {
  LifecyclePolicy policy;
  policy.restart = restart;
  return policy;
}

ExitOutcome outcome_of(const LifecyclePolicy& policy, const ProcessExit& exit) {
  RestartHistory history;
  return judge_exit(policy, history, exit, k_short).outcome;
}

} // namespace

TEST_CASE("lifecycle: defaults are foreman's (no restart, any exit stops everything)", "[lifecycle]") {
  const auto policy = lifecycle_policy(nullptr);
  CHECK(policy.restart == RestartPolicy::never);
  CHECK(policy.restart_delay == Duration{1000});
  CHECK(policy.max_restart_delay == Duration{60000});
  CHECK(policy.healthy_after == Duration{60000});
  CHECK_FALSE(policy.max_restarts);
  CHECK(outcome_of(policy, k_success) == ExitOutcome::stop_formation);
  CHECK(outcome_of(policy, k_failure) == ExitOutcome::stop_formation);
  CHECK(outcome_of(policy, k_killed) == ExitOutcome::stop_formation);
}

TEST_CASE("lifecycle: tfrun.toml values override the defaults", "[lifecycle]") {
  ProcessSettings settings;
  settings.restart = RestartPolicy::on_failure;
  settings.restart_delay = Duration{250};
  settings.max_restart_delay = Duration{4000};
  settings.healthy_after = Duration{10000};
  settings.max_restarts = 3;
  settings.can_exit = true;
  const auto policy = lifecycle_policy(&settings);
  CHECK(policy.restart == RestartPolicy::on_failure);
  CHECK(policy.restart_delay == Duration{250});
  CHECK(policy.max_restart_delay == Duration{4000});
  CHECK(policy.healthy_after == Duration{10000});
  CHECK(policy.max_restarts == 3);
  CHECK(policy.can_exit);
  CHECK_FALSE(policy.oneshot);
}

TEST_CASE("lifecycle: which exits restart under each policy", "[lifecycle]") {
  CHECK(outcome_of(with_restart(RestartPolicy::on_failure), k_failure) == ExitOutcome::restart);
  CHECK(outcome_of(with_restart(RestartPolicy::on_failure), k_killed) == ExitOutcome::restart);
  CHECK(outcome_of(with_restart(RestartPolicy::on_failure), k_success) == ExitOutcome::stop_formation);
  CHECK(outcome_of(with_restart(RestartPolicy::always), k_success) == ExitOutcome::restart);
  CHECK(outcome_of(with_restart(RestartPolicy::always), k_failure) == ExitOutcome::restart);
}

TEST_CASE("lifecycle: can_exit lets a clean exit end quietly, not a failure", "[lifecycle]") {
  LifecyclePolicy policy;
  policy.can_exit = true;
  CHECK(outcome_of(policy, k_success) == ExitOutcome::finished);
  CHECK(outcome_of(policy, k_failure) == ExitOutcome::stop_formation);
  CHECK(outcome_of(policy, k_killed) == ExitOutcome::stop_formation);
  policy.restart = RestartPolicy::on_failure;
  CHECK(outcome_of(policy, k_success) == ExitOutcome::finished);
  CHECK(outcome_of(policy, k_failure) == ExitOutcome::restart);
}

TEST_CASE("lifecycle: a oneshot finishes on success and aborts the start on failure", "[lifecycle]") {
  LifecyclePolicy policy;
  policy.oneshot = true;
  CHECK(outcome_of(policy, k_success) == ExitOutcome::finished);
  CHECK(outcome_of(policy, k_failure) == ExitOutcome::abort_start);
  CHECK(outcome_of(policy, k_killed) == ExitOutcome::abort_start);
  // A retried oneshot: failures restart, success is still the end (never restarted, even with "always").
  policy.restart = RestartPolicy::always;
  CHECK(outcome_of(policy, k_success) == ExitOutcome::finished);
  CHECK(outcome_of(policy, k_failure) == ExitOutcome::restart);
}

TEST_CASE("lifecycle: the backoff doubles from restart_delay up to the ceiling", "[lifecycle]") {
  auto policy = with_restart(RestartPolicy::always);
  RestartHistory history;
  const std::vector<long> expected = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto verdict = judge_exit(policy, history, k_failure, k_short);
    INFO("restart " << i + 1);
    CHECK(verdict.outcome == ExitOutcome::restart);
    CHECK(verdict.attempt == static_cast<int>(i + 1));
    CHECK(verdict.delay.count() == expected[i]);
  }
  CHECK(backoff_delay(policy, 1000000) == Duration{60000}); // no overflow in a very long loop
  policy.restart_delay = Duration{300};
  policy.max_restart_delay = Duration{1000};
  CHECK(backoff_delay(policy, 1) == Duration{300});
  CHECK(backoff_delay(policy, 2) == Duration{600});
  CHECK(backoff_delay(policy, 3) == Duration{1000});
  policy.restart_delay = Duration{0};
  CHECK(backoff_delay(policy, 5) == Duration{0});
}

TEST_CASE("lifecycle: a healthy run resets the backoff", "[lifecycle]") {
  auto policy = with_restart(RestartPolicy::on_failure);
  policy.healthy_after = Duration{5000};
  RestartHistory history;
  CHECK(judge_exit(policy, history, k_failure, k_short).delay == Duration{1000});
  CHECK(judge_exit(policy, history, k_failure, Duration{4999}).delay == Duration{2000});
  const auto after_healthy = judge_exit(policy, history, k_failure, Duration{5000});
  CHECK(after_healthy.attempt == 1);
  CHECK(after_healthy.delay == Duration{1000});
}

TEST_CASE("lifecycle: max_restarts in a row, then give up", "[lifecycle]") {
  auto policy = with_restart(RestartPolicy::on_failure);
  policy.max_restarts = 2;
  RestartHistory history;
  CHECK(judge_exit(policy, history, k_failure, k_short).outcome == ExitOutcome::restart);
  CHECK(judge_exit(policy, history, k_failure, k_short).outcome == ExitOutcome::restart);
  const auto verdict = judge_exit(policy, history, k_failure, k_short);
  CHECK(verdict.outcome == ExitOutcome::give_up);
  CHECK(verdict.attempt == 2);
  // A healthy run in between forgives the earlier failures.
  RestartHistory forgiven;
  policy.healthy_after = Duration{1000};
  CHECK(judge_exit(policy, forgiven, k_failure, k_short).outcome == ExitOutcome::restart);
  CHECK(judge_exit(policy, forgiven, k_failure, k_short).outcome == ExitOutcome::restart);
  CHECK(judge_exit(policy, forgiven, k_failure, Duration{1000}).outcome == ExitOutcome::restart);
  policy.max_restarts = 0;
  RestartHistory never;
  CHECK(judge_exit(policy, never, k_failure, k_short).outcome == ExitOutcome::give_up);
}
