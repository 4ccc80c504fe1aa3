// SPDX-License-Identifier: MIT
#include <tfrun/core/environment.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace tfrun::core;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

EnvVariable var(std::string key, std::string value, int line = 1) {
  return EnvVariable{std::move(key), std::move(value), line};
}

// "KEY=VALUE@LINE" for each variable.
std::vector<std::string> variables_of(const std::vector<EnvVariable>& variables) {
  std::vector<std::string> out;
  for (const auto& variable : variables) {
    out.push_back(variable.key + "=" + variable.value + "@" + std::to_string(variable.line));
  }
  return out;
}

} // namespace

TEST_CASE("environment: from_entries keeps order and ignores entries without a name", "[environment]") {
  const auto env = Environment::from_entries({"HOME=/root", "noequals", "EMPTY=", "=hidden", "A=b=c", "PATH=/bin"});
  CHECK(env.variables() == Pairs{{"HOME", "/root"}, {"EMPTY", ""}, {"A", "b=c"}, {"PATH", "/bin"}});
  CHECK(env.get("HOME") == "/root");
  CHECK(env.get("EMPTY") == "");
  CHECK(env.get("A") == "b=c");
  CHECK_FALSE(env.get("noequals"));
  CHECK_FALSE(env.get(""));
  CHECK_FALSE(env.get("home")); // names are case sensitive
}

TEST_CASE("environment: a name given twice in environ keeps its first place and the last value", "[environment]") {
  const auto env = Environment::from_entries({"A=1", "B=2", "A=3"});
  CHECK(env.variables() == Pairs{{"A", "3"}, {"B", "2"}});
}

TEST_CASE("environment: set replaces in place and appends new names", "[environment]") {
  Environment env;
  CHECK(env.variables().empty());
  env.set("A", "1");
  env.set("B", "2");
  env.set("C", "3");
  env.set("B", "two");
  env.set("D", "");
  CHECK(env.variables() == Pairs{{"A", "1"}, {"B", "two"}, {"C", "3"}, {"D", ""}});
  CHECK(env.to_entries() == std::vector<std::string>{"A=1", "B=two", "C=3", "D="});
}

TEST_CASE("environment: merge_env_files lets later files win, keeping first positions", "[environment]") {
  const std::vector<std::vector<EnvVariable>> files = {
      {var("A", "a1", 1), var("B", "b1", 2)},
      {},
      {var("B", "b3", 7), var("C", "c3", 8)},
      {var("A", "a4", 3)},
  };
  // The line follows the definition that won.
  CHECK(variables_of(merge_env_files(files)) == std::vector<std::string>{"A=a4@3", "B=b3@7", "C=c3@8"});
  CHECK(merge_env_files({}).empty());
}

TEST_CASE("environment: layers, later wins: inherited < env files < process env < tfrun's own", "[environment]") {
  const auto inherited =
      Environment::from_entries({"HOME=/root", "ONLY_INHERITED=i", "FROM_FILE=inherited", "FROM_PROCESS=inherited",
                                 "PORT=1", "PS=x", "TFRUN_PROCESS=y", "FOREMAN_WORKER_NAME=z"});
  const std::vector<EnvVariable> files = {var("FROM_FILE", "file"), var("FROM_PROCESS", "file"),
                                          var("NEW_FROM_FILE", "nf"), var("PORT", "2"), var("PS", "file")};
  const Pairs process_env = {
      {"FROM_PROCESS", "process"}, {"NEW_FROM_PROCESS", "np"}, {"PORT", "3"}, {"TFRUN_PROCESS", "process"}};
  const auto env = layer_environment(inherited, files, process_env, ChildIdentity{"web.2", 5101});
  // Inherited names keep their places; new names follow in the order their layer adds them.
  CHECK(env.variables() == Pairs{{"HOME", "/root"},
                                 {"ONLY_INHERITED", "i"},
                                 {"FROM_FILE", "file"},
                                 {"FROM_PROCESS", "process"},
                                 {"PORT", "5101"},
                                 {"PS", "web.2"},
                                 {"TFRUN_PROCESS", "web.2"},
                                 {"FOREMAN_WORKER_NAME", "web.2"},
                                 {"NEW_FROM_FILE", "nf"},
                                 {"NEW_FROM_PROCESS", "np"},
                                 {"HONCHO_PROCESS_NAME", "web.2"}});
  // The inputs are not changed.
  CHECK(inherited.get("PORT") == "1");
}

TEST_CASE("environment: without a port, PORT is left to the lower layers", "[environment]") {
  const auto inherited = Environment::from_entries({"PATH=/bin"});
  const auto bare = layer_environment(inherited, {}, {}, ChildIdentity{"run.1", std::nullopt});
  CHECK(bare.variables() == Pairs{{"PATH", "/bin"},
                                  {"PS", "run.1"},
                                  {"TFRUN_PROCESS", "run.1"},
                                  {"HONCHO_PROCESS_NAME", "run.1"},
                                  {"FOREMAN_WORKER_NAME", "run.1"}});

  const auto from_file = layer_environment(inherited, {var("PORT", "8080")}, {}, ChildIdentity{"run.1", std::nullopt});
  CHECK(from_file.get("PORT") == "8080");
}

TEST_CASE("choose_base_port: -p wins over everything", "[environment]") {
  const auto inherited = Environment::from_entries({"PORT=7000"});
  const auto choice = choose_base_port(6000, {var("PORT", "not a port")}, inherited);
  CHECK(choice.port == 6000);
  CHECK(choice.error.empty());
  CHECK_FALSE(choice.error_in_file);
}

TEST_CASE("choose_base_port: PORT from the env files beats the inherited PORT", "[environment]") {
  const auto inherited = Environment::from_entries({"PORT=7000"});
  const auto choice = choose_base_port(std::nullopt, {var("A", "1"), var("PORT", "8000")}, inherited);
  CHECK(choice.port == 8000);
  CHECK(choice.error.empty());
  // Of several PORT definitions the last one counts, as merging would have it.
  CHECK(choose_base_port(std::nullopt, {var("PORT", "8000"), var("PORT", "9000")}, inherited).port == 9000);
}

TEST_CASE("choose_base_port: an empty inherited PORT counts as unset", "[environment]") {
  CHECK(choose_base_port(std::nullopt, {}, Environment::from_entries({"PORT="})).port == 5000);
  CHECK(choose_base_port(std::nullopt, {var("PORT", "8000")}, Environment::from_entries({"PORT="})).port == 8000);
}

TEST_CASE("choose_base_port: the inherited PORT, then 5000", "[environment]") {
  CHECK(choose_base_port(std::nullopt, {}, Environment::from_entries({"PORT=7000"})).port == 7000);
  const auto fallback = choose_base_port(std::nullopt, {var("OTHER", "1")}, Environment{});
  CHECK(fallback.port == 5000);
  CHECK(fallback.error.empty());
  CHECK_FALSE(fallback.error_in_file);
}

TEST_CASE("choose_base_port: a bad PORT in an env file is an error in the file", "[environment]") {
  const auto inherited = Environment::from_entries({"PORT=7000"});
  const auto choice = choose_base_port(std::nullopt, {var("PORT", "web", 4)}, inherited);
  CHECK_FALSE(choice.port);
  CHECK(choice.error == "PORT='web' (line 4 of an env file) is not a port number from 1 to 65535");
  CHECK(choice.error_in_file);

  const auto too_big = choose_base_port(std::nullopt, {var("PORT", "65536", 2)}, Environment{});
  CHECK(too_big.error == "PORT='65536' (line 2 of an env file) is not a port number from 1 to 65535");
  const auto empty = choose_base_port(std::nullopt, {var("PORT", "", 9)}, Environment{});
  CHECK(empty.error == "PORT='' (line 9 of an env file) is not a port number from 1 to 65535");
}

TEST_CASE("choose_base_port: a bad inherited PORT is an error outside any file", "[environment]") {
  const auto choice = choose_base_port(std::nullopt, {}, Environment::from_entries({"PORT=0"}));
  CHECK_FALSE(choice.port);
  CHECK(choice.error == "PORT='0' in the environment is not a port number from 1 to 65535");
  CHECK_FALSE(choice.error_in_file);
  // A good PORT in an env file hides a bad inherited one.
  const auto hidden = choose_base_port(std::nullopt, {var("PORT", "5555")}, Environment::from_entries({"PORT=x"}));
  CHECK(hidden.port == 5555);
  CHECK(hidden.error.empty());
}
