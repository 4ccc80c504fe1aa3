// SPDX-License-Identifier: MIT
#include <tfrun/core/terminal_hints.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

std::vector<std::string> with_hints(const std::vector<std::string>& entries) {
  auto environment = Environment::from_entries(entries);
  add_terminal_hints(environment);
  return environment.to_entries();
}

FileSettings settings_of(std::string_view text) {
  Diagnostics diagnostics;
  auto settings = parse_settings(text, "tfrun.toml", diagnostics);
  REQUIRE(diagnostics.empty());
  return settings;
}

} // namespace

TEST_CASE("the hints are added after what the child already has", "[terminal_hints]") {
  CHECK(with_hints({"PATH=/bin"}) ==
        std::vector<std::string>{"PATH=/bin", "PYTHONUNBUFFERED=1", "FORCE_COLOR=1", "CLICOLOR_FORCE=1"});
}

TEST_CASE("a variable the user set is never changed, even empty", "[terminal_hints]") {
  CHECK(with_hints({"PYTHONUNBUFFERED=", "FORCE_COLOR=3"}) ==
        std::vector<std::string>{"PYTHONUNBUFFERED=", "FORCE_COLOR=3", "CLICOLOR_FORCE=1"});
  CHECK(with_hints({"CLICOLOR_FORCE=1"}) ==
        std::vector<std::string>{"CLICOLOR_FORCE=1", "PYTHONUNBUFFERED=1", "FORCE_COLOR=1"});
}

TEST_CASE("NO_COLOR, or FORCE_COLOR or CLICOLOR_FORCE turned off, forces no colour", "[terminal_hints]") {
  CHECK(with_hints({"NO_COLOR=1"}) == std::vector<std::string>{"NO_COLOR=1", "PYTHONUNBUFFERED=1"});
  CHECK(with_hints({"FORCE_COLOR=0"}) == std::vector<std::string>{"FORCE_COLOR=0", "PYTHONUNBUFFERED=1"});
  CHECK(with_hints({"FORCE_COLOR=false"}) == std::vector<std::string>{"FORCE_COLOR=false", "PYTHONUNBUFFERED=1"});
  CHECK(with_hints({"CLICOLOR_FORCE=0"}) == std::vector<std::string>{"CLICOLOR_FORCE=0", "PYTHONUNBUFFERED=1"});
  // no-color.org: an empty NO_COLOR is as if unset.
  CHECK(with_hints({"NO_COLOR="}) ==
        std::vector<std::string>{"NO_COLOR=", "PYTHONUNBUFFERED=1", "FORCE_COLOR=1", "CLICOLOR_FORCE=1"});
}

TEST_CASE("terminal_hints: a type's own key, else the top-level one, else on", "[terminal_hints]") {
  CHECK(terminal_hints_for(settings_of(""), "web"));
  CHECK_FALSE(terminal_hints_for(settings_of("terminal_hints = false\n"), "web"));
  const auto mixed = settings_of("terminal_hints = false\n[process.web]\nterminal_hints = true\n"
                                 "[process.worker]\ntimeout = 3\n");
  CHECK(terminal_hints_for(mixed, "web"));
  CHECK_FALSE(terminal_hints_for(mixed, "worker"));
  CHECK_FALSE(terminal_hints_for(settings_of("[process.web]\nterminal_hints = false\n"), "web"));
  CHECK(terminal_hints_for(settings_of("[process.web]\nterminal_hints = false\n"), "worker"));
}
