// SPDX-License-Identifier: MIT
#include <tfrun/core/scale_plan.hpp>

#include <catch2/catch.hpp>

using namespace tfrun::core;

namespace {

using Kind = ScaleStep::Kind;

std::vector<ScaleType> formation() {
  return {{"web", false, 5000, {{1, true}, {2, true}}},
          {"worker", false, 5100, {{1, true}}},
          {"clock", true, 5200, {{1, true}}},
          {"cache", false, 5300, {}}};
}

std::string describe(const std::vector<ScaleStep>& steps) {
  std::string out;
  for (const auto& step : steps) {
    out += std::string(step.kind == Kind::add       ? "add "
                       : step.kind == Kind::restart ? "restart "
                                                    : "stop ") +
           step.type + "." + std::to_string(step.number) +
           (step.kind == Kind::add ? ":" + std::to_string(step.port) : "") + " ";
  }
  return out;
}

std::string planned(const std::vector<std::pair<std::string, std::int64_t>>& wanted,
                    const std::vector<ScaleType>& types = formation()) {
  const auto plan = plan_scale(wanted, types);
  REQUIRE(std::holds_alternative<std::vector<ScaleStep>>(plan));
  return describe(std::get<std::vector<ScaleStep>>(plan));
}

ControlError refused(const std::vector<std::pair<std::string, std::int64_t>>& wanted) {
  const auto plan = plan_scale(wanted, formation());
  REQUIRE(std::holds_alternative<ControlError>(plan));
  return std::get<ControlError>(plan);
}

} // namespace

TEST_CASE("scale: up takes the next ports of the type's block, down stops the highest numbers", "[scale_plan]") {
  CHECK(planned({{"web", 4}, {"worker", 0}}) == "add web.3:5002 add web.4:5003 stop worker.1 ");
  CHECK(planned({{"web", 1}}) == "stop web.2 ");
  CHECK(planned({{"web", 0}}) == "stop web.2 stop web.1 ");
  CHECK(planned({{"web", 2}}).empty());
  CHECK(planned({{"cache", 2}}) == "add cache.1:5300 add cache.2:5301 ");
  CHECK(planned({{"web", 100}}).size() > 0);
}

TEST_CASE("scale: stopped instances are started again before new ones are added", "[scale_plan]") {
  const std::vector<ScaleType> types{{"web", false, 5000, {{1, true}, {2, false}, {3, false}}}};
  CHECK(planned({{"web", 2}}, types) == "restart web.2 ");
  CHECK(planned({{"web", 4}}, types) == "restart web.2 restart web.3 add web.4:5003 ");
  const std::vector<ScaleType> gap{{"web", false, 5000, {{1, false}, {2, true}}}};
  CHECK(planned({{"web", 1}}, gap).empty());
  CHECK(planned({{"web", 0}}, gap) == "stop web.2 ");
}

TEST_CASE("scale: every refusal is named", "[scale_plan]") {
  CHECK(refused({{"web", -1}}).message == "web=-1: a count cannot be below 0");
  CHECK(refused({{"web", -1}}).code == ControlErrorCode::bad_scale);
  CHECK(refused({{"web", 101}}).message == "web=101: a type has 100 ports (5000-5099), so at most 100 instances");
  CHECK(refused({{"clock", 2}}).message == "clock is a oneshot: it runs once and cannot be scaled");
  CHECK(refused({{"db", 1}}).message == "no type 'db' in the Procfile");
  CHECK(refused({{"db", 1}}).code == ControlErrorCode::unknown_name);
  CHECK(refused({}).message == "scale needs at least one TYPE=COUNT");
  const auto high = plan_scale({{"web", 60}}, {{"web", false, 65500, {}}});
  REQUIRE(std::holds_alternative<ControlError>(high));
  CHECK(std::get<ControlError>(high).message == "web=60: port 65559 would be above 65535");
}

TEST_CASE("scale: a refusal anywhere means no step at all", "[scale_plan]") {
  CHECK(std::holds_alternative<ControlError>(plan_scale({{"web", 3}, {"worker", -2}}, formation())));
}

TEST_CASE("scale: a name written on two Procfile lines is refused, naming why", "[scale_plan]") {
  const std::vector<ScaleType> types{{"css", false, 5000, {{1, true}, {2, true}}, 2}};
  const auto plan = plan_scale({{"css", 3}}, types);
  REQUIRE(std::holds_alternative<ControlError>(plan));
  CHECK(std::get<ControlError>(plan).code == ControlErrorCode::bad_scale);
  CHECK(std::get<ControlError>(plan).message ==
        "css is written on 2 Procfile lines, each with its own command: a new instance would have no one command "
        "to run (give the lines distinct names to scale them)");
}
