// SPDX-License-Identifier: MIT
#include <tfrun/core/settings_check.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

Procfile procfile_of(const std::vector<std::string>& names) {
  Procfile procfile;
  int line = 1;
  for (const auto& name : names) {
    procfile.entries.push_back({name, "run " + name, line++});
  }
  return procfile;
}

FileSettings settings_of(std::string_view text) {
  Diagnostics diagnostics;
  auto settings = parse_settings(text, "tfrun.toml", diagnostics);
  // The texts here are all valid TOML: a parse error would make the check below meaningless.
  REQUIRE(diagnostics.empty());
  return settings;
}

// "LINE:COLUMN: message | source line" for each diagnostic (all are errors).
std::vector<std::string> check(std::string_view text, const std::vector<std::string>& types) {
  const auto settings = settings_of(text);
  Diagnostics diagnostics;
  check_settings_against_procfile(settings, procfile_of(types), "tfrun.toml", text, diagnostics);
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    CHECK(d.severity == Severity::error);
    CHECK(d.file == "tfrun.toml");
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message + " | " + d.source_line);
  }
  return out;
}

std::vector<std::string> order_of(std::string_view text, const std::vector<std::string>& types) {
  return start_order(settings_of(text), procfile_of(types));
}

} // namespace

TEST_CASE("settings check: settings that match the Procfile are fine", "[settings_check]") {
  CHECK(check("", {"web"}).empty());
  CHECK(check("[process.web]\ndepends_on = [\"db\"]\n[process.db]\noneshot = true\n", {"db", "web"}).empty());
  // A dependency needs no [process.X] table of its own.
  CHECK(check("[process.web]\ndepends_on = [\"db\", \"cache\"]\n", {"web", "db", "cache"}).empty());
}

TEST_CASE("settings check: [process.X] for a type missing from the Procfile", "[settings_check]") {
  CHECK(check("port = 4000\n\n[process.wbe]\ncan_exit = true\n", {"web", "worker"}) ==
        std::vector<std::string>{
            "3:1: [process.wbe] names a type that is not in the Procfile (known types: web, worker) | [process.wbe]"});
}

TEST_CASE("settings check: depends_on naming an unknown type", "[settings_check]") {
  CHECK(check("[process.web]\ndepends_on = [\"worker\", \"dbb\"]\n", {"web", "worker", "db"}) ==
        std::vector<std::string>{"2:25: depends_on names unknown process type 'dbb' (known types: web, worker, db) "
                                 "| depends_on = [\"worker\", \"dbb\"]"});
}

TEST_CASE("settings check: unknown table and unknown dependency are both reported", "[settings_check]") {
  CHECK(check("[process.ghost]\ndepends_on = [\"phantom\"]\n", {"web"}) ==
        std::vector<std::string>{
            "1:1: [process.ghost] names a type that is not in the Procfile (known types: web) | [process.ghost]",
            "2:15: depends_on names unknown process type 'phantom' (known types: web) | depends_on = [\"phantom\"]"});
}

TEST_CASE("settings check: a type that depends on itself", "[settings_check]") {
  CHECK(check("[process.web]\ndepends_on = [\"web\"]\n", {"web"}) ==
        std::vector<std::string>{"2:15: process type 'web' depends on itself | depends_on = [\"web\"]"});
}

TEST_CASE("settings check: a cycle a -> b -> a", "[settings_check]") {
  CHECK(check("[process.a]\ndepends_on = [\"b\"]\n\n[process.b]\ndepends_on = [\"a\"]\n", {"a", "b"}) ==
        std::vector<std::string>{"1:1: dependency cycle: a -> b -> a | [process.a]"});
}

TEST_CASE("settings check: a longer cycle is reported from where it starts", "[settings_check]") {
  // web depends on the cycle but is not part of it, so the message starts at a.
  const std::string text = "[process.web]\ndepends_on = [\"a\"]\n"
                           "[process.a]\ndepends_on = [\"b\"]\n"
                           "[process.b]\ndepends_on = [\"c\"]\n"
                           "[process.c]\ndepends_on = [\"a\"]\n";
  CHECK(check(text, {"web", "a", "b", "c"}) ==
        std::vector<std::string>{"3:1: dependency cycle: a -> b -> c -> a | [process.a]"});
}

TEST_CASE("settings check: shared dependencies are not a cycle", "[settings_check]") {
  const std::string text = "[process.web]\ndepends_on = [\"db\", \"cache\"]\n"
                           "[process.cache]\ndepends_on = [\"db\"]\n"
                           "[process.worker]\ndepends_on = [\"db\", \"cache\"]\n";
  CHECK(check(text, {"web", "worker", "cache", "db"}).empty());
}

TEST_CASE("settings check: no cycle check while names are wrong", "[settings_check]") {
  // The unknown name is the error to fix first; a cycle report on top would be noise.
  const std::string text = "[process.a]\ndepends_on = [\"b\", \"zz\"]\n[process.b]\ndepends_on = [\"a\"]\n";
  CHECK(check(text, {"a", "b"}) ==
        std::vector<std::string>{
            "2:20: depends_on names unknown process type 'zz' (known types: a, b) | depends_on = [\"b\", \"zz\"]"});
}

TEST_CASE("start_order: Procfile order when there are no dependencies", "[settings_check]") {
  CHECK(order_of("", {"web", "worker", "clock"}) == std::vector<std::string>{"web", "worker", "clock"});
  CHECK(order_of("[process.worker]\ncan_exit = true\n", {"web", "worker", "clock"}) ==
        std::vector<std::string>{"web", "worker", "clock"});
}

TEST_CASE("start_order: dependencies come first, the rest keeps Procfile order", "[settings_check]") {
  CHECK(order_of("[process.web]\ndepends_on = [\"db\"]\n", {"web", "worker", "db"}) ==
        std::vector<std::string>{"db", "web", "worker"});
  // Dependencies in the order depends_on lists them, each once.
  CHECK(order_of("[process.web]\ndepends_on = [\"cache\", \"db\"]\n[process.worker]\ndepends_on = [\"db\"]\n",
                 {"web", "worker", "db", "cache"}) == std::vector<std::string>{"cache", "db", "web", "worker"});
  // Transitive dependencies.
  CHECK(order_of("[process.web]\ndepends_on = [\"app\"]\n[process.app]\ndepends_on = [\"migrate\"]\n",
                 {"web", "app", "clock", "migrate"}) == std::vector<std::string>{"migrate", "app", "web", "clock"});
}

TEST_CASE("find_process_settings finds a type's table or nothing", "[settings_check]") {
  const auto settings = settings_of("[process.web]\ncan_exit = true\n");
  const auto* web = find_process_settings(settings, "web");
  REQUIRE(web != nullptr);
  CHECK(web->name == "web");
  CHECK(web->can_exit == true);
  CHECK(find_process_settings(settings, "worker") == nullptr);
}

TEST_CASE("settings check: 'ready' on a oneshot is a warning, since completion is its readiness", "[settings_check]") {
  const std::string text = "[process.web]\nready = \"port\"\n\n[process.release]\noneshot = true\nready = \"port\"\n";
  const auto settings = settings_of(text);
  Diagnostics diagnostics;
  check_settings_against_procfile(settings, procfile_of({"web", "release"}), "tfrun.toml", text, diagnostics);
  REQUIRE(diagnostics.items().size() == 1);
  const auto& warning = diagnostics.items().front();
  CHECK(warning.severity == Severity::warning);
  CHECK(warning.line == 4);
  CHECK(warning.message == "'ready' has no effect on the oneshot 'release': its dependents start when it exits 0");
}
