// SPDX-License-Identifier: MIT
#include <tfrun/core/foreman_defaults.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

// "S LINE:COLUMN: message" with S = E(rror) or W(arning).
std::vector<std::string> report(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    out.push_back(std::string(d.severity == Severity::error ? "E " : "W ") + std::to_string(d.line) + ":" +
                  std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

} // namespace

TEST_CASE(".foreman: every key tfrun reads", "[foreman_defaults]") {
  Diagnostics diagnostics;
  const auto defaults = parse_foreman_defaults("---\n# the app's defaults\nprocfile: Procfile.dev\nroot: app\n"
                                               "env: .env, .env.local\nport: 3000\ntimeout: 10\n"
                                               "formation: web=1,worker=2\ncolor: false\ntimestamp: no\n",
                                               ".foreman", diagnostics);
  CHECK(diagnostics.empty());
  CHECK(defaults.procfile == "Procfile.dev");
  CHECK(defaults.root == "app");
  CHECK(defaults.env_files == std::vector<std::string>{".env", ".env.local"});
  CHECK(defaults.port == "3000");
  CHECK(defaults.timeout == "10");
  CHECK(defaults.formation == std::vector<std::string>{"web=1,worker=2"});
  CHECK(defaults.color == "never");
  CHECK(defaults.timestamp == false);
}

TEST_CASE(".foreman: the older concurrency key, quoted values, comments and CRLF", "[foreman_defaults]") {
  Diagnostics diagnostics;
  const auto defaults =
      parse_foreman_defaults("\xEF\xBB\xBF"
                             "concurrency: \"web=2\"  # two\r\nprocfile: 'It''s a Procfile'\r\ncolor: true # on\r\n",
                             ".foreman", diagnostics);
  CHECK(diagnostics.empty());
  CHECK(defaults.formation == std::vector<std::string>{"web=2"});
  CHECK(defaults.procfile == "It's a Procfile");
  CHECK(defaults.color == "always");
}

TEST_CASE(".foreman: unknown keys and lines that are not 'key: value' are warnings", "[foreman_defaults]") {
  Diagnostics diagnostics;
  const auto defaults = parse_foreman_defaults("app: shop\nuser: deploy\nport: 4000\nenv:\n  - .env\njust words\n",
                                               ".foreman", diagnostics);
  CHECK(defaults.port == "4000");
  CHECK(defaults.env_files.empty());
  const std::string known = "(procfile, root, env, port, timeout, formation, concurrency, color, timestamp)";
  CHECK(report(diagnostics) == std::vector<std::string>{
                                   "W 1:1: key 'app' is not one tfrun reads " + known + "; line ignored",
                                   "W 2:1: key 'user' is not one tfrun reads " + known + "; line ignored",
                                   "W 4:1: 'env' has no single value on its line; line ignored",
                                   "W 5:1: not a 'key: value' line; ignored",
                                   "W 6:1: not a 'key: value' line; ignored",
                               });
}

TEST_CASE(".foreman: a bad port, timeout or colour is an error at its value", "[foreman_defaults]") {
  Diagnostics diagnostics;
  (void)parse_foreman_defaults("port: 70000\ntimeout:  soon\ncolor: purple\ntimestamp: maybe\n", ".foreman",
                               diagnostics);
  CHECK(report(diagnostics) ==
        std::vector<std::string>{"E 1:7: port: '70000' is not a port number from 1 to 65535",
                                 "E 2:11: timeout: 'soon' is not a number of seconds",
                                 "E 3:8: color: 'purple' is not true, false, auto, always or never",
                                 "E 4:12: timestamp: 'maybe' is not true or false"});
}

TEST_CASE(".foreman: seeded random input never crashes and gives the same answer twice", "[foreman_defaults][random]") {
  const std::string alphabet = "portenvcolr:: \t\n\n#'\"-=,.0159truefalse\r\xEF\xBB\xBF";
  std::mt19937 random(20260413U);
  std::uniform_int_distribution<std::size_t> length_of(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const auto length = length_of(random);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[pick(random)];
    }
    INFO("round " << round);
    Diagnostics first;
    Diagnostics second;
    const auto a = parse_foreman_defaults(text, ".foreman", first);
    const auto b = parse_foreman_defaults(text, ".foreman", second);
    CHECK(report(first) == report(second));
    CHECK(a.port == b.port);
    CHECK(a.env_files == b.env_files);
    for (const auto& d : first.items()) {
      REQUIRE(d.line >= 1);
      REQUIRE(d.source_line.find('\n') == std::string::npos);
    }
  }
}
