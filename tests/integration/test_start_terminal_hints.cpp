// SPDX-License-Identifier: MIT
// The terminal hints of `tfrun start` (docs/formats.md, "Colour and buffering"): when tfrun colours its own
// output, its children get PYTHONUNBUFFERED, FORCE_COLOR and CLICOLOR_FORCE, unless the user set them,
// asked for no colour, or switched the hints off.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace tfrun::test;

namespace {

// Prints what the process received of the three variables, after its name.
constexpr const char* k_report =
    "echo \"hints $PS P=${PYTHONUNBUFFERED-unset} F=${FORCE_COLOR-unset} C=${CLICOLOR_FORCE-unset}\"";

// A Procfile entry that reports, then stays.
std::string reporter(const std::string& name) { return name + ": " + k_report + "; exec " + test_child() + " print\n"; }

// tfrun in `dir` with `env` and without any other variable that decides colour or the hints: the suite's own
// environment (a developer's shell, CI) may well export PYTHONUNBUFFERED or FORCE_COLOR.
RunOptions clean_in(const TempDir& dir, const std::map<std::string, std::string>& env = {}) {
  RunOptions options;
  options.cwd = dir.path();
  options.env = env;
  options.wrapper = {"env"};
  for (const char* name : {"PYTHONUNBUFFERED", "FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "TFRUN_COLOR",
                           "TFRUN_LOG_FORMAT", "TFRUN_NO_TERMINAL_HINTS"}) {
    if (env.count(name) == 0) {
      options.wrapper.insert(options.wrapper.end(), {"-u", name});
    }
  }
  return options;
}

// What each instance in `names` reported ("P=1 F=1 C=1"), once all of them have; then stops tfrun.
std::map<std::string, std::string> reports(const std::vector<std::string>& args, const RunOptions& options,
                                           const std::vector<std::string>& names) {
  Tfrun tfrun(args, options);
  std::map<std::string, std::string> out;
  for (const auto& name : names) {
    const auto line = tfrun.wait_for_line("hints " + name + " (P=\\S* F=\\S* C=[^\\s\"]*)");
    REQUIRE(line);
    out[name] = line->at(1);
  }
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
  return out;
}

std::string report_of(const std::vector<std::string>& args, const RunOptions& options) {
  return reports(args, options, {"a.1"}).at("a.1");
}

constexpr const char* k_all = "P=1 F=1 C=1";
constexpr const char* k_none = "P=unset F=unset C=unset";

} // namespace

TEST_CASE("terminal hints: start's children get them exactly when tfrun colours its output") {
  TempDir dir;
  dir.write("Procfile", reporter("a"));
  CHECK(report_of({"start", "--color", "always"}, clean_in(dir)) == k_all);
  CHECK(report_of({"start"}, clean_in(dir, {{"TFRUN_COLOR", "always"}})) == k_all);
  // tfrun's own FORCE_COLOR makes it colour on a pipe; the child keeps that value and gets the others.
  CHECK(report_of({"start"}, clean_in(dir, {{"FORCE_COLOR", "2"}})) == "P=1 F=2 C=1");
  CHECK(report_of({"start"}, clean_in(dir)) == k_none); // auto, on a pipe
  CHECK(report_of({"start", "--color", "never"}, clean_in(dir)) == k_none);
  CHECK(report_of({"start", "--color", "always", "--log-format", "json"}, clean_in(dir)) == k_none);
}

TEST_CASE("terminal hints: NO_COLOR forces no colour, and run and env never get them") {
  TempDir dir;
  dir.write("Procfile", reporter("a"));
  // --color always colours tfrun's prefixes despite NO_COLOR, but the children are not forced.
  CHECK(report_of({"start", "--color", "always"}, clean_in(dir, {{"NO_COLOR", "1"}})) == "P=1 F=unset C=unset");
  // `run` connects the command to tfrun's own stdout, and `env` lists the environment without them.
  const auto run = run_tfrun({"run", "--color", "always", "--", "sh", "-c", k_report}, clean_in(dir));
  CHECK(run.out.find("hints run.1 P=unset F=unset C=unset\n") != std::string::npos);
  const auto env = run_tfrun({"env", "a.1"}, clean_in(dir, {{"TFRUN_COLOR", "always"}}));
  CHECK(env.status == 0);
  CHECK(env.out.find("FORCE_COLOR") == std::string::npos);
  CHECK(env.out.find("PYTHONUNBUFFERED") == std::string::npos);
}

TEST_CASE("terminal hints: what the child's environment already says stands") {
  TempDir dir;
  dir.write("Procfile", reporter("a") + reporter("b") + reporter("c"));
  dir.write(".env", "FORCE_COLOR=0\n");
  dir.write("tfrun.toml", "[process.b]\nenv = { FORCE_COLOR = \"1\", NO_COLOR = \"yes\" }\n"
                          "[process.c]\nenv = { PYTHONUNBUFFERED = \"\", CLICOLOR_FORCE = 1 }\n");
  // .env's FORCE_COLOR=0 is a wish for no colour: no CLICOLOR_FORCE either. NO_COLOR in the child's
  // environment counts, not only in tfrun's.
  auto got = reports({"start", "--color", "always"}, clean_in(dir), {"a.1", "b.1", "c.1"});
  CHECK(got["a.1"] == "P=1 F=0 C=unset");
  CHECK(got["b.1"] == "P=1 F=1 C=unset");
  CHECK(got["c.1"] == "P= F=0 C=1");
}

TEST_CASE("terminal hints: switched off everywhere, per type, and back on for one type") {
  TempDir dir;
  dir.write("Procfile", reporter("a") + reporter("b"));
  const std::vector<std::string> both = {"a.1", "b.1"};
  const std::vector<std::string> coloured = {"start", "--color", "always"};
  using Reports = std::map<std::string, std::string>;
  CHECK(reports({"start", "--color", "always", "--no-terminal-hints"}, clean_in(dir), both) ==
        Reports{{"a.1", k_none}, {"b.1", k_none}});
  CHECK(reports(coloured, clean_in(dir, {{"TFRUN_NO_TERMINAL_HINTS", "1"}}), both) ==
        Reports{{"a.1", k_none}, {"b.1", k_none}});
  dir.write("tfrun.toml", "[process.b]\nterminal_hints = false\n");
  CHECK(reports(coloured, clean_in(dir), both) == Reports{{"a.1", k_all}, {"b.1", k_none}});
  dir.write("tfrun.toml", "terminal_hints = false\n[process.b]\nterminal_hints = true\n");
  CHECK(reports(coloured, clean_in(dir), both) == Reports{{"a.1", k_none}, {"b.1", k_all}});
  // The command line switches them off whatever tfrun.toml says.
  CHECK(reports({"start", "--color", "always", "--no-terminal-hints"}, clean_in(dir), both) ==
        Reports{{"a.1", k_none}, {"b.1", k_none}});
}

TEST_CASE("terminal hints: instances added by scale and reload get them too") {
  TempDir dir;
  dir.write("Procfile", reporter("a"));
  const auto options = clean_in(dir);
  Tfrun tfrun({"start", "--color", "always"}, options);
  REQUIRE(tfrun.wait_for_line("hints a\\.1 P=1 F=1 C=1$"));
  CHECK(run_tfrun({"scale", "a=2"}, options).status == 0);
  CHECK(tfrun.wait_for_line("hints a\\.2 P=1 F=1 C=1$"));
  // A reload decides as the start did: tfrun still colours, so the restarted instances get them again...
  dir.write("Procfile", "a: true; " + reporter("a").substr(3));
  CHECK(run_tfrun({"reload"}, options).out == "a.1: restart (changed)\na.2: restart (changed)\n");
  CHECK(tfrun.wait_for_text_count("hints a.1 P=1 F=1 C=1\n", 2));
  CHECK(tfrun.wait_for_text_count("hints a.2 P=1 F=1 C=1\n", 2));
  // ...and reads tfrun.toml's switch again.
  dir.write("tfrun.toml", "[process.a]\nterminal_hints = false\n");
  CHECK(run_tfrun({"reload"}, options).out == "a.1: restart (changed)\na.2: restart (changed)\n");
  CHECK(tfrun.wait_for_text_count("hints a.1 P=unset F=unset C=unset\n", 1));
  CHECK(tfrun.wait_for_text_count("hints a.2 P=unset F=unset C=unset\n", 1));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("terminal hints: a Python child's print() shows while it still runs") {
  TempDir dir;
  // print() on a pipe stays in Python's buffer until it fills or the program exits: without the hint this
  // line would appear only when the child is stopped.
  dir.write("Procfile", "py: exec python3 -c 'import time; print(\"python says hi\"); time.sleep(60)'\n");
  Tfrun tfrun({"start", "--color", "always"}, clean_in(dir));
  CHECK(tfrun.wait_for_line("python says hi$", 10s));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("terminal hints: check --json shows each type's switch, and a value that is not a boolean is an error") {
  TempDir dir;
  dir.write("Procfile", reporter("a") + reporter("b"));
  dir.write("tfrun.toml", "terminal_hints = false\n[process.b]\nterminal_hints = true\n");
  const auto json = run_tfrun({"check", "--json"}, clean_in(dir));
  REQUIRE(json.status == 0);
  CHECK(json.out.find(R"("type":"a",)") < json.out.find(R"("terminal_hints":false)"));
  CHECK(json.out.find(R"("type":"b",)") < json.out.find(R"("terminal_hints":true)"));
  dir.write("tfrun.toml", "[process.a]\nterminal_hints = \"no\"\n");
  const auto bad = run_tfrun({"start", "--color", "always"}, clean_in(dir));
  CHECK(bad.status == 65);
  CHECK(bad.err.find("tfrun: error: tfrun.toml:2:18: 'terminal_hints' must be true or false, not 'no'\n") !=
        std::string::npos);
}
