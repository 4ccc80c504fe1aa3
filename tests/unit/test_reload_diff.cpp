// SPDX-License-Identifier: MIT
#include <tfrun/core/reload_diff.hpp>

#include <catch2/catch.hpp>

using namespace tfrun::core;

TEST_CASE("reload diff: changed, added, removed and unchanged types", "[reload_diff]") {
  const std::vector<TypeDefinition> before{{"web", "a"}, {"worker", "b"}, {"db", "c"}};
  const std::vector<TypeDefinition> after{{"web", "a2"}, {"db", "c"}, {"clock", "d"}};
  const auto diff = diff_types(before, after);
  CHECK(diff.changed == std::vector<std::string>{"web"});
  CHECK(diff.added == std::vector<std::string>{"clock"});
  CHECK(diff.removed == std::vector<std::string>{"worker"});
  CHECK(diff.unchanged == std::vector<std::string>{"db"});
  CHECK(describe(diff) == "changed: web; added: clock; removed: worker");
  CHECK(describe(diff_types(before, before)) == "nothing changed");
  CHECK(describe(diff_types({}, before)) == "added: web, worker, db");
}
