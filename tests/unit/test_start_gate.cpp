// SPDX-License-Identifier: MIT
#include <tfrun/core/start_gate.hpp>

#include <catch2/catch.hpp>

using namespace tfrun::core;
using Names = std::vector<std::string>;

namespace {

// release (oneshot) -> db -> web, worker (no dependencies), all one instance each.
StartGate release_db_web() {
  return StartGate({{"web", {"db", "release"}, 2, false},
                    {"worker", {}, 1, false},
                    {"db", {}, 1, false},
                    {"release", {"db"}, 1, true}});
}

} // namespace

TEST_CASE("start gate: without dependencies everything starts at once, in the given order", "[start_gate]") {
  StartGate gate({{"web", {}, 1, false}, {"worker", {}, 2, false}});
  CHECK(gate.release() == Names{"web", "worker"});
  CHECK(gate.release().empty()); // released once only
  CHECK_FALSE(gate.everything_ready());
  gate.instance_ready("web");
  gate.instance_ready("worker");
  CHECK_FALSE(gate.everything_ready()); // one worker is not ready yet
  gate.instance_ready("worker");
  CHECK(gate.everything_ready());
}

TEST_CASE("start gate: a type waits for every instance of its dependencies", "[start_gate]") {
  auto gate = release_db_web();
  CHECK(gate.release() == Names{"worker", "db"});
  CHECK(gate.waiting_for("web") == Names{"db", "release"});
  CHECK(gate.waiting_for("release") == Names{"db"});
  gate.instance_ready("db");
  CHECK(gate.release() == Names{"release"});
  gate.instance_ready("release"); // a oneshot is not satisfied by readiness, only by completing
  CHECK(gate.release().empty());
  CHECK(gate.waiting_for("web") == Names{"release"});
  gate.instance_completed("release");
  CHECK(gate.release() == Names{"web"});
  gate.instance_ready("worker");
  gate.instance_ready("web");
  CHECK_FALSE(gate.everything_ready());
  gate.instance_ready("web");
  CHECK(gate.everything_ready());
}

TEST_CASE("start gate: a dependency outside the formation holds nothing up", "[start_gate]") {
  StartGate gate({{"web", {"db"}, 1, false}, {"db", {}, 0, false}});
  CHECK(gate.release() == Names{"web"}); // db=0 in the formation: it is never started, never waited for
  StartGate unknown({{"web", {"cache"}, 1, false}});
  CHECK(unknown.release() == Names{"web"});
}

TEST_CASE("start gate: shutdown waves put dependents before their dependencies", "[start_gate]") {
  const auto gate = release_db_web();
  const std::vector<Names> waves = {{"web"}, {"release"}, {"worker", "db"}};
  CHECK(gate.shutdown_waves() == waves);
  const StartGate flat({{"a", {}, 1, false}, {"b", {}, 1, false}});
  CHECK(flat.shutdown_waves() == std::vector<Names>{{"a", "b"}});
}

TEST_CASE("start gate: a cycle that slipped through neither hangs nor crashes", "[start_gate]") {
  StartGate gate({{"a", {"b"}, 1, false}, {"b", {"a"}, 1, false}});
  CHECK(gate.release().empty());
  CHECK(gate.shutdown_waves().size() >= 1);
}
