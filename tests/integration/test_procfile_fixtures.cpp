// SPDX-License-Identifier: MIT
// `tfrun check` on Procfiles shaped like real projects' (tests/fixtures/procfiles) agrees, line by line, with
// foreman's parser: one regular expression per line, lines that do not match are skipped.
#include "../support/harness.hpp"

#include <tfrun/core/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace tfrun::test;

namespace {

const std::string k_fixtures = std::string(TFRUN_TEST_FIXTURES_DIR) + "/procfiles";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// foreman's Procfile#parse: `^([A-Za-z0-9_-]+):\s*(.+)$` on each line. The lines are cut as docs/formats.md
// cuts them (LF, CRLF or a lone CR; one leading BOM skipped), which is where tfrun means to differ.
// What `check --json` must then print as "entries".
std::string foreman_entries(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.erase(0, 3);
  }
  static const std::regex k_rule(R"(^([A-Za-z0-9_-]+):\s*(.+)$)");
  std::string out = "\"entries\":[";
  int line_number = 0;
  std::size_t start = 0;
  bool first = true;
  while (start < text.size()) {
    const auto end = std::min(text.find_first_of("\r\n", start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    ++line_number;
    std::smatch match;
    if (std::regex_match(line, match, k_rule)) {
      out += (first ? "{\"name\":" : ",{\"name\":") + tfrun::core::json_string(match[1].str()) +
             ",\"command\":" + tfrun::core::json_string(match[2].str()) + ",\"line\":" + std::to_string(line_number) +
             "}";
      first = false;
    }
  }
  return out + "]";
}

} // namespace

TEST_CASE("check agrees with foreman's one-regex rule on every fixture Procfile, line by line") {
  TempDir dir; // no .env, tfrun.toml or .foreman of the suite's own is read
  int checked = 0;
  for (const auto& file : std::filesystem::directory_iterator(k_fixtures)) {
    const auto path = file.path().string();
    INFO(path);
    RunOptions options;
    options.cwd = dir.path();
    const auto result = run_tfrun({"check", "--json", "-f", path}, options);
    REQUIRE(result.status == 0);
    const auto expected = foreman_entries(read_bytes(path));
    CHECK(result.out.find(expected) != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 20);
}

TEST_CASE("where tfrun means to differ from foreman's regex: blanks before the name, a blank command") {
  TempDir dir;
  // foreman skips an indented entry; tfrun runs it (docs/formats.md, Procfile).
  dir.write("Procfile", "  web: ./web\nworker:   \n");
  RunOptions options;
  options.cwd = dir.path();
  const auto result = run_tfrun({"check", "--json"}, options);
  CHECK(result.status == 0);
  CHECK(result.out.find("\"entries\":[{\"name\":\"web\",\"command\":\"./web\",\"line\":1}]") != std::string::npos);
  // foreman's `\s*(.+)` gives worker the command " "; tfrun ignores a line with no command (rule 5), and says so.
  CHECK(foreman_entries("worker:   \n").find("\"command\":\" \"") != std::string::npos);
  CHECK(result.err.find("Procfile:2:11: not an entry: process 'worker' has no command") != std::string::npos);
}
