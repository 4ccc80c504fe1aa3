// SPDX-License-Identifier: MIT
#include <tfrun/core/dotenv_json.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

// "KEY=value@line" for each variable.
std::vector<std::string> variables_of(std::string_view text, Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& variable : parse_json_env(text, "env.json", diagnostics)) {
    out.push_back(variable.key + "=" + variable.value + "@" + std::to_string(variable.line));
  }
  return out;
}

std::vector<std::string> variables_of(std::string_view text) {
  Diagnostics diagnostics;
  auto out = variables_of(text, diagnostics);
  CHECK(diagnostics.empty());
  return out;
}

} // namespace

TEST_CASE("json env: an env file is JSON when its first non-blank character is {", "[dotenv_json]") {
  CHECK(looks_like_json_env("{}"));
  CHECK(looks_like_json_env("\xEF\xBB\xBF \n\t{\"a\":1}"));
  CHECK_FALSE(looks_like_json_env("A={x}"));
  CHECK_FALSE(looks_like_json_env("# {\n"));
  CHECK_FALSE(looks_like_json_env(""));
}

TEST_CASE("json env: nested keys flatten with _ and are upper-cased (node-foreman)", "[dotenv_json]") {
  CHECK(variables_of(R"({"top":{"middle":{"bottom":"value"}}})") ==
        std::vector<std::string>{"TOP_MIDDLE_BOTTOM=value@1"});
  CHECK(variables_of("{\n  \"port\": 3000,\n  \"db\": {\"host\": \"x\", \"ssl\": true},\n  \"hosts\": [\"a\", \"b\"],\n"
                     "  \"none\": null, \"ratio\": -1.5e3\n}\n") ==
        std::vector<std::string>{"PORT=3000@2", "DB_HOST=x@3", "DB_SSL=true@3", "HOSTS_0=a@4", "HOSTS_1=b@4", "NONE=@5",
                                 "RATIO=-1.5e3@5"});
  CHECK(variables_of("{}").empty());
  CHECK(variables_of(R"({"a":{}, "b":[]})").empty());
}

TEST_CASE("json env: string escapes, including surrogate pairs", "[dotenv_json]") {
  CHECK(variables_of(R"({"a":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00"})") ==
        std::vector<std::string>{"A=q\"b\\s/n\nt\tu\xC3\xA9\xF0\x9F\x98\x80@1"});
}

TEST_CASE("json env: a key defined again takes the later value", "[dotenv_json]") {
  CHECK(variables_of(R"({"a_b":"1","a":{"b":"2"}})") == std::vector<std::string>{"A_B=2@1"});
}

TEST_CASE("json env: a key that cannot name a variable is skipped with a warning", "[dotenv_json]") {
  Diagnostics diagnostics;
  CHECK(variables_of("{\"\": 1, \"a=b\": 2, \"ok\": 3}", diagnostics) == std::vector<std::string>{"OK=3@1"});
  REQUIRE(diagnostics.items().size() == 2);
  CHECK(diagnostics.items()[1].severity == Severity::warning);
  CHECK(diagnostics.items()[1].message == "key 'A=B' cannot name a variable (empty, or with '=' or NUL); skipped");
  CHECK(diagnostics.items()[1].column == 16); // the value of the key
}

TEST_CASE("json env: malformed JSON is an error at its line and column and gives nothing", "[dotenv_json]") {
  const auto error_of = [](std::string_view text) {
    Diagnostics diagnostics;
    CHECK(parse_json_env(text, "env.json", diagnostics).empty());
    REQUIRE(diagnostics.items().size() == 1);
    const auto& d = diagnostics.items()[0];
    CHECK(d.severity == Severity::error);
    return std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
  };
  CHECK(error_of("{\n  \"a\": 1,\n  \"b\" 2\n}") == "3:7: invalid JSON env file: ':' expected");
  CHECK(error_of("{\"a\": \"open") == "1:12: invalid JSON env file: unterminated string");
  CHECK(error_of("{\"a\": tru}") == "1:7: invalid JSON env file: a value (string, number, true, false, null, object "
                                    "or array) expected");
  CHECK(error_of("{\"a\": 1} x") == "1:10: invalid JSON env file: unexpected text after the object");
  CHECK(error_of("{\"a\": \"\\x\"}") == "1:9: invalid JSON env file: unknown escape in a string");
  CHECK(error_of("{\"a\": \"\\ud800\"}") == "1:14: invalid JSON env file: an unpaired surrogate");
  CHECK(error_of("{\"a\":" + std::string(100, '[')).find("nested too deeply") != std::string::npos);
}

TEST_CASE("json env: seeded random input never crashes and gives the same answer twice", "[dotenv_json][random]") {
  // Biased towards JSON's structure, so most inputs get past the first byte.
  const std::string alphabet = "{}[]\"\"::,,  \n\\u0aD8-1e.tfnrul\xC3\xA9";
  std::mt19937 random(20260412U);
  std::uniform_int_distribution<std::size_t> length_of(0, 80);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int round = 0; round < 4000; ++round) {
    std::string text = "{\"";
    const auto length = length_of(random);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[pick(random)];
    }
    INFO("round " << round);
    Diagnostics first_diagnostics;
    Diagnostics second_diagnostics;
    const auto first = variables_of(text, first_diagnostics);
    CHECK(first == variables_of(text, second_diagnostics));
    CHECK(first_diagnostics.items().size() == second_diagnostics.items().size());
    // Either variables, or an error and none.
    if (first_diagnostics.has_errors()) {
      REQUIRE(first.empty());
    }
    for (const auto& variable : first) {
      REQUIRE(variable.find('=') > 0);
    }
  }
}
