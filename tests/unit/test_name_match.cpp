// SPDX-License-Identifier: MIT
#include <tfrun/core/name_match.hpp>

#include <catch2/catch.hpp>

using namespace tfrun::core;

TEST_CASE("glob: literals, stars, question marks, classes, quotes", "[name_match]") {
  CHECK(glob_match("web.1", "web.1"));
  CHECK_FALSE(glob_match("web.1", "web.10"));
  CHECK(glob_match("web*", "web"));
  CHECK(glob_match("web*", "web.12"));
  CHECK(glob_match("*.1", "worker.1"));
  CHECK_FALSE(glob_match("*.1", "worker.2"));
  CHECK(glob_match("w*r*.?", "worker.3"));
  CHECK(glob_match("web.[12]", "web.2"));
  CHECK_FALSE(glob_match("web.[!12]", "web.2"));
  CHECK(glob_match("web.[^12]", "web.3"));
  CHECK(glob_match("web.[0-9]", "web.7"));
  CHECK(glob_match("a\\*", "a*"));
  CHECK_FALSE(glob_match("a\\*", "ab"));
  CHECK(glob_match("a[", "a[")); // an unclosed class is a literal
  CHECK(glob_match("*", ""));
  CHECK_FALSE(glob_match("?", ""));
  CHECK(glob_match("**a**", "bab"));
}

TEST_CASE("glob: a long text with many stars stays quick", "[name_match]") {
  const std::string text(4000, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*b", text));
}

TEST_CASE("select: by name, by type, by wildcard, everything, and what matched nothing", "[name_match]") {
  const std::vector<NamedInstance> instances{{"web.1", "web"}, {"web.2", "web"}, {"worker.1", "worker"}};
  CHECK(select_instances({}, instances).chosen == std::vector<std::size_t>{0, 1, 2});
  CHECK(select_instances({"web"}, instances).chosen == std::vector<std::size_t>{0, 1});
  CHECK(select_instances({"web.2"}, instances).chosen == std::vector<std::size_t>{1});
  CHECK(select_instances({"w*.1"}, instances).chosen == std::vector<std::size_t>{0, 2});
  const auto both = select_instances({"worker", "web.1", "web*"}, instances);
  CHECK(both.chosen == std::vector<std::size_t>{0, 1, 2}); // each once, in the formation's order
  const auto unknown = select_instances({"web.1", "clock", "db*"}, instances);
  CHECK(unknown.chosen == std::vector<std::size_t>{0});
  CHECK(unknown.unmatched == std::vector<std::string>{"clock", "db*"});
}
