// SPDX-License-Identifier: MIT
#include <tfrun/core/settings.hpp>
#include <tfrun/core/signals.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <random>
#include <string>
#include <vector>

using namespace tfrun::core;
using namespace std::chrono_literals;

namespace {

struct Parsed {
  FileSettings settings;
  Diagnostics diagnostics;
};

Parsed parse(std::string_view text) {
  Parsed parsed;
  parsed.settings = parse_settings(text, "tfrun.toml", parsed.diagnostics);
  return parsed;
}

// "LINE:COLUMN: message" for each diagnostic: compact enough to pin whole reports.
std::vector<std::string> report(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

std::vector<std::string> errors_of(std::string_view text) { return report(parse(text).diagnostics); }

const ProcessSettings& only_process(const Parsed& parsed) {
  REQUIRE(parsed.settings.processes.size() == 1);
  return parsed.settings.processes.front();
}

struct ErrorCase {
  const char* text;
  const char* expected;
};

void check_errors(const std::vector<ErrorCase>& cases) {
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(errors_of(text) == std::vector<std::string>{expected});
  }
}

} // namespace

TEST_CASE("an empty tfrun.toml sets nothing", "[settings]") {
  const auto parsed = parse("# only a comment\n");
  CHECK(parsed.diagnostics.empty());
  CHECK_FALSE(parsed.settings.procfile);
  CHECK_FALSE(parsed.settings.has_env_files);
  CHECK(parsed.settings.processes.empty());
}

TEST_CASE("every top-level key is read", "[settings]") {
  const auto parsed = parse(R"(procfile = "Procfile.dev"
env = [".env", ".env.local"]
port = 3000
timeout = 10
formation = ["web=2", "worker=1"]
color = "never"
timestamp = false
prefix = true
log_format = "json"
quiet_period = "250ms"
terminal_hints = false
)");
  CHECK(report(parsed.diagnostics).empty());
  const auto& s = parsed.settings;
  CHECK(s.procfile == "Procfile.dev");
  CHECK(s.env_files == std::vector<std::string>{".env", ".env.local"});
  CHECK(s.has_env_files);
  CHECK(s.port == 3000);
  CHECK(s.timeout == 10s);
  CHECK(s.formation == std::vector<std::string>{"web=2", "worker=1"});
  CHECK(s.color == "never");
  CHECK(s.timestamp == false);
  CHECK(s.prefix == true);
  CHECK(s.log_format == "json");
  CHECK(s.quiet_period == 250ms);
  CHECK(s.terminal_hints == false);
}

TEST_CASE("env and formation also take one string, and an empty env list still counts", "[settings]") {
  auto parsed = parse("env = \".env.test\"\nformation = \"all=2\"\ntimeout = 1.5\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.settings.env_files == std::vector<std::string>{".env.test"});
  CHECK(parsed.settings.formation == std::vector<std::string>{"all=2"});
  CHECK(parsed.settings.timeout == 1500ms);

  parsed = parse("env = []\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.settings.has_env_files);
  CHECK(parsed.settings.env_files.empty());
}

TEST_CASE("every [process.NAME] key is read", "[settings]") {
  const auto parsed = parse(R"([process.web]
stop_signal = "QUIT"
timeout = "30s"
signal_target = "main"
restart = "on-failure"
max_restarts = 5
restart_delay = 0.5
max_restart_delay = "2m"
healthy_after = 120
can_exit = true
oneshot = false
depends_on = ["db", "cache"]
ready = { log = "listening on \\d+", timeout = "1m30s" }
env = { RAILS_ENV = "production", WORKERS = 4, RATIO = 0.5, DEBUG = false, BIG = 3.0 }
cwd = "frontend"
terminal_hints = true
pty = true
)");
  CHECK(report(parsed.diagnostics).empty());
  const auto& web = only_process(parsed);
  CHECK(web.name == "web");
  CHECK(web.line == 1);
  CHECK(web.column == 1);
  CHECK(web.stop_signal == SIGQUIT);
  CHECK(web.timeout == 30s);
  CHECK(web.signal_target == SignalTarget::main);
  CHECK(web.restart == RestartPolicy::on_failure);
  CHECK(web.max_restarts == 5);
  CHECK(web.restart_delay == 500ms);
  CHECK(web.max_restart_delay == 2min);
  CHECK(web.healthy_after == 120s);
  CHECK(web.can_exit == true);
  CHECK(web.oneshot == false);
  CHECK(web.pty == true);
  REQUIRE(web.depends_on.size() == 2);
  CHECK(web.depends_on[0].name == "db");
  CHECK(web.depends_on[0].line == 12);
  CHECK(web.depends_on[0].column == 15);
  CHECK(web.depends_on[1].name == "cache");
  CHECK(web.depends_on[1].column == 21);
  CHECK(web.ready.kind == ReadyCheck::Kind::log_regex);
  CHECK(web.ready.pattern == "listening on \\d+");
  CHECK(web.ready.timeout == 90s);
  // File order, and numbers and booleans as TOML writes them.
  const std::vector<std::pair<std::string, std::string>> env = {
      {"RAILS_ENV", "production"}, {"WORKERS", "4"}, {"RATIO", "0.5"}, {"DEBUG", "false"}, {"BIG", "3.0"}};
  CHECK(web.env == env);
  CHECK(web.cwd == "frontend");
  CHECK(web.terminal_hints == true);
}

TEST_CASE("every form of ready is read", "[settings]") {
  using Kind = ReadyCheck::Kind;
  auto ready_of = [](const std::string& value) {
    const auto parsed = parse("[process.web]\nready = " + value + "\n");
    INFO(value);
    CHECK(report(parsed.diagnostics).empty());
    return only_process(parsed).ready;
  };
  CHECK(ready_of(R"("port")").kind == Kind::own_port);
  CHECK(ready_of(R"("notify")").kind == Kind::notify);
  CHECK(ready_of("8080").kind == Kind::tcp_port);
  CHECK(ready_of("8080").port == 8080);
  CHECK(ready_of("{ port = 5432 }").port == 5432);
  CHECK(ready_of(R"({ port = "self" })").kind == Kind::own_port);
  CHECK(ready_of(R"({ command = "pg_isready -q" })").command == "pg_isready -q");
  CHECK(ready_of(R"({ command = "pg_isready -q" })").kind == Kind::command);
  CHECK(ready_of("{ notify = true }").kind == Kind::notify);
  CHECK(ready_of("{ notify = true, timeout = 2 }").timeout == 2s);
  CHECK_FALSE(ready_of("{ notify = true }").timeout);
  CHECK(parse("[process.web]\n").settings.processes.front().ready.kind == Kind::none);

  const auto table = parse("[process.web.ready]\nlog = \"^ready$\"\n");
  CHECK(table.diagnostics.empty());
  CHECK(only_process(table).ready.kind == Kind::log_regex);
}

TEST_CASE("stop_signal takes names, numbers and real-time signals", "[settings]") {
  CHECK(only_process(parse("[process.a]\nstop_signal = 3\n")).stop_signal == SIGQUIT);
  CHECK(only_process(parse("[process.a]\nstop_signal = \"sigint\"\n")).stop_signal == SIGINT);
  CHECK(only_process(parse("[process.a]\nstop_signal = \"RTMIN+1\"\n")).stop_signal == SIGRTMIN + 1);
}

TEST_CASE("processes keep file order and where they were written", "[settings]") {
  const auto parsed = parse(R"(process.zeta.restart = "always"
process.alpha = { oneshot = true }

[process.mid]
can_exit = true

[process."with-dash_1"]
)");
  CHECK(report(parsed.diagnostics).empty());
  const auto& processes = parsed.settings.processes;
  REQUIRE(processes.size() == 4);
  CHECK(processes[0].name == "zeta");
  CHECK(processes[0].line == 1);
  CHECK(processes[0].column == 9);
  CHECK(processes[1].name == "alpha");
  CHECK(processes[1].line == 2);
  CHECK(processes[1].column == 9);
  CHECK(processes[2].name == "mid");
  CHECK(processes[2].line == 4);
  CHECK(processes[2].column == 1);
  CHECK(processes[3].name == "with-dash_1");
  CHECK(processes[3].line == 7);
}

TEST_CASE("top-level errors name the key and show the value", "[settings]") {
  check_errors({
      {"colour = \"auto\"", "1:1: unknown key 'colour' (known keys: procfile, env, port, timeout, formation, color, "
                            "timestamp, prefix, log_format, quiet_period, terminal_hints, pty, process)"},
      {"procfile = 5", "1:12: 'procfile' must be a string, not '5'"},
      {"procfile = \"\"", "1:12: 'procfile' must not be empty"},
      {"env = 5", "1:7: 'env' must be a string or an array of strings, not '5'"},
      {"env = [\"a\", 5]", "1:13: each element of 'env' must be a string, not '5'"},
      {"env = [\"\"]", "1:8: 'env' must not contain an empty string"},
      {"port = \"abc\"", "1:8: 'port' must be an integer from 1 to 65535, not 'abc'"},
      {"port = 70000", "1:8: 'port' must be an integer from 1 to 65535, not '70000'"},
      {"port = 0", "1:8: 'port' must be an integer from 1 to 65535, not '0'"},
      {"port = 5000.0", "1:8: 'port' must be an integer from 1 to 65535, not '5000.0'"},
      {"timeout = \"5 parsecs\"",
       "1:11: 'timeout' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not '5 parsecs'"},
      {"timeout = -1",
       "1:11: 'timeout' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not '-1'"},
      {"timeout = nan",
       "1:11: 'timeout' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not 'nan'"},
      {"formation = {}", "1:13: 'formation' must be a string or an array of strings, not a table"},
      {"color = \"blue\"", "1:9: 'color' must be one of \"auto\", \"always\", \"never\", not 'blue'"},
      {"timestamp = \"yes\"", "1:13: 'timestamp' must be true or false, not 'yes'"},
      {"prefix = 1", "1:10: 'prefix' must be true or false, not '1'"},
      {"terminal_hints = \"off\"", "1:18: 'terminal_hints' must be true or false, not 'off'"},
      {"pty = \"on\"", "1:7: 'pty' must be true or false, not 'on'"},
      {"log_format = \"xml\"", "1:14: 'log_format' must be one of \"text\", \"json\", not 'xml'"},
      {"quiet_period = true",
       "1:16: 'quiet_period' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not 'true'"},
      {"quiet_period = 1979-05-27",
       "1:16: 'quiet_period' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not "
       "'1979-05-27'"},
      {"process = 5", "1:11: 'process' must be a table of [process.NAME] tables, not '5'"},
      {"[process.\"we b\"]", "1:10: invalid process name 'we b' (use letters, digits, '_' and '-')"},
      {"process.web = 5", "1:15: 'process.web' must be a table, not '5'"},
  });
}

TEST_CASE("[process.NAME] errors name the key and show the value", "[settings]") {
  std::vector<ErrorCase> cases = {
      {"restrat = \"always\"",
       "2:1: unknown key 'restrat' in [process.web] (known keys: stop_signal, timeout, signal_target, restart, "
       "max_restarts, restart_delay, max_restart_delay, healthy_after, can_exit, oneshot, depends_on, ready, env, "
       "cwd, terminal_hints, pty)"},
      {"stop_signal = \"SIGFOO\"", "2:15: unknown signal 'SIGFOO'"},
      {"stop_signal = 99", "2:15: unknown signal '99'"},
      {"stop_signal = -1", "2:15: unknown signal '-1'"},
      {"stop_signal = 1.5", "2:15: 'stop_signal' must be a signal name or number, not '1.5'"},
      {"signal_target = \"child\"", "2:17: 'signal_target' must be one of \"group\", \"main\", not 'child'"},
      {"restart = \"sometimes\"",
       "2:11: 'restart' must be one of \"never\", \"on-failure\", \"always\", not 'sometimes'"},
      {"max_restarts = -1", "2:16: 'max_restarts' must be a non-negative integer, not '-1'"},
      {"max_restarts = 99999999999", "2:16: 'max_restarts' must be a non-negative integer, not '99999999999'"},
      {"restart_delay = \"soon\"",
       "2:17: 'restart_delay' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not 'soon'"},
      {"max_restart_delay = -5",
       "2:21: 'max_restart_delay' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not '-5'"},
      {"healthy_after = [1]",
       "2:17: 'healthy_after' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not an array"},
      {"can_exit = \"no\"", "2:12: 'can_exit' must be true or false, not 'no'"},
      {"pty = 1", "2:7: 'pty' must be true or false, not '1'"},
      {"oneshot = 0", "2:11: 'oneshot' must be true or false, not '0'"},
      {"depends_on = \"db\"", "2:14: 'depends_on' must be an array of process names, not 'db'"},
      {"depends_on = [1]", "2:15: each element of 'depends_on' must be a process name, not '1'"},
      {"depends_on = [\"a b\"]", "2:15: invalid process name 'a b' in 'depends_on'"},
      {"ready = \"soon\"", "2:9: 'ready' must be \"port\", \"notify\", a port number, or a table with one of port, "
                           "log, command or notify, not 'soon'"},
      {"ready = 0", "2:9: 'ready' must be an integer from 1 to 65535, not '0'"},
      {"ready = { port = \"other\" }", "2:18: 'port' must be an integer from 1 to 65535 or \"self\", not 'other'"},
      {"ready = { log = \"a(\" }", "2:17: invalid regular expression 'a(' in 'log': unbalanced parentheses"},
      {"ready = { log = \"[a\" }", "2:17: invalid regular expression '[a' in 'log': unbalanced brackets"},
      {"ready = { log = \"*a\" }", "2:17: invalid regular expression '*a' in 'log': nothing to repeat"},
      {"ready = { log = \"\" }", "2:17: 'log' must not be empty"},
      {"ready = { command = \"\" }", "2:21: 'command' must not be empty"},
      {"ready = { command = [\"a\"] }", "2:21: 'command' must be a string, not an array"},
      {"ready = { notify = false }", "2:20: 'notify' must be true, not 'false'"},
      {"ready = { notify = \"yes\" }", "2:20: 'notify' must be true or false, not 'yes'"},
      {"ready = { timeout = \"5s\" }", "2:9: 'ready' needs one of port, log, command or notify"},
      {"ready = { port = 80, log = \"x\" }", "2:22: 'ready' takes only one of port, log, command or notify"},
      {"ready = { port = 80, wait = 1 }",
       "2:22: unknown key 'wait' in 'ready' (known keys: port, log, command, notify, timeout)"},
      {"env = [\"A=1\"]", "2:7: 'env' must be a table of NAME = \"value\" pairs, not an array"},
      {"env = { \"A=B\" = \"1\" }", "2:9: invalid environment variable name 'A=B'"},
      {"env = { \"\" = \"1\" }", "2:9: invalid environment variable name ''"},
      {"env = { A = [1] }", "2:13: 'A' in 'env' must be a string, number or boolean, not an array"},
      {"env = { A = 1979-05-27 }", "2:13: 'A' in 'env' must be a string, number or boolean, not '1979-05-27'"},
      {"cwd = \"\"", "2:7: 'cwd' must not be empty"},
      {"cwd = 1", "2:7: 'cwd' must be a string, not '1'"},
      {"terminal_hints = 0", "2:18: 'terminal_hints' must be true or false, not '0'"},
  };
  for (auto& c : cases) {
    const std::string text = std::string("[process.web]\n") + c.text + "\n";
    INFO(text);
    CHECK(errors_of(text) == std::vector<std::string>{c.expected});
  }
}

TEST_CASE("values in messages are escaped and shortened", "[settings]") {
  check_errors({
      {"color = \"a\\tb\\u0001\"", "1:9: 'color' must be one of \"auto\", \"always\", \"never\", not 'a\\tb\\x01'"},
      {"color = \"line\\nbreak\"", "1:9: 'color' must be one of \"auto\", \"always\", \"never\", not 'line\\nbreak'"},
      {"color = \"0123456789012345678901234567890123456789012345678901234567890123456789\"",
       "1:9: 'color' must be one of \"auto\", \"always\", \"never\", not "
       "'012345678901234567890123456789012345678901234567890123456789...'"},
  });
}

TEST_CASE("every problem in the file is reported, top to bottom", "[settings]") {
  const auto parsed = parse(R"(colour = "auto"
port = "abc"
timeout = "forever"

[process.web]
restart = "sometimes"
stop_signal = "SIGFOO"
depends_on = ["db", 7]
ready = { port = 80, log = "(" }

[process.worker]
can_exit = "yes"
cwd = ""
)");
  const std::vector<std::string> expected = {
      "1:1: unknown key 'colour' (known keys: procfile, env, port, timeout, formation, color, timestamp, prefix, "
      "log_format, quiet_period, terminal_hints, pty, process)",
      "2:8: 'port' must be an integer from 1 to 65535, not 'abc'",
      "3:11: 'timeout' must be a duration (seconds, or a string like \"500ms\", \"5s\", \"1m\"), not 'forever'",
      "6:11: 'restart' must be one of \"never\", \"on-failure\", \"always\", not 'sometimes'",
      "7:15: unknown signal 'SIGFOO'",
      "8:21: each element of 'depends_on' must be a process name, not '7'",
      "9:22: 'ready' takes only one of port, log, command or notify",
      "9:28: invalid regular expression '(' in 'log': unbalanced parentheses",
      "12:12: 'can_exit' must be true or false, not 'yes'",
      "13:7: 'cwd' must not be empty",
  };
  CHECK(report(parsed.diagnostics) == expected);
  CHECK(parsed.diagnostics.has_errors());
  for (const auto& d : parsed.diagnostics.items()) {
    CHECK(d.file == "tfrun.toml");
    CHECK(d.severity == Severity::error);
  }
  CHECK(parsed.diagnostics.items()[4].source_line == "stop_signal = \"SIGFOO\"");
  // Settings that were fine are still read.
  REQUIRE(parsed.settings.processes.size() == 2);
  CHECK(parsed.settings.processes[0].depends_on.size() == 1);
}

TEST_CASE("a process with an invalid name is still checked inside", "[settings]") {
  const auto errors = errors_of("[process.\"a.b\"]\nrestart = 1\n");
  const std::vector<std::string> expected = {
      "1:10: invalid process name 'a.b' (use letters, digits, '_' and '-')",
      "2:11: 'restart' must be one of \"never\", \"on-failure\", \"always\", not '1'",
  };
  CHECK(errors == expected);
  CHECK(parse("[process.\"a.b\"]\n").settings.processes.empty());
}

TEST_CASE("columns count bytes, as the caret under the line needs", "[settings]") {
  const auto parsed = parse("[process.web]\nenv = { \"É\" = 1, X = [1] }\n");
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{"2:23: 'X' in 'env' must be a string, number or boolean, not an array"});
  CHECK(parsed.diagnostics.items()[0].source_line == "env = { \"É\" = 1, X = [1] }");

  const auto with_bom = parse("\xEF\xBB\xBFport = 0\n");
  CHECK(report(with_bom.diagnostics) ==
        std::vector<std::string>{"1:11: 'port' must be an integer from 1 to 65535, not '0'"});
}

TEST_CASE("a TOML syntax error is one diagnostic with toml++'s description", "[settings]") {
  auto parsed = parse("port = 5000\ntimeout = \n");
  REQUIRE(parsed.diagnostics.items().size() == 1);
  const auto& d = parsed.diagnostics.items()[0];
  CHECK(d.line == 2);
  CHECK(d.column == 11);
  CHECK(d.message == "error while parsing key-value pair: expected value, saw '\\n'");
  CHECK(d.source_line == "timeout = ");
  CHECK(d.file == "tfrun.toml");

  CHECK(
      errors_of("[process.web]\nrestart = \"never\"\nrestart = \"always\"\n") ==
      std::vector<std::string>{"3:11: error while parsing key-value pair: cannot redefine existing string 'restart'"});
}

TEST_CASE("non-ASCII text is refused outside strings and comments before toml++ sees it", "[settings]") {
  // Strings and comments may hold any UTF-8.
  const auto fine = parse(R"(# café
procfile = 'Pröcfile' # ü
formation = """
wéb=1"""
env = "a\"é"
)");
  CHECK(report(fine.diagnostics).empty());
  CHECK(fine.settings.procfile == "Pröcfile");
  CHECK(fine.settings.formation == std::vector<std::string>{"wéb=1"});
  CHECK(fine.settings.env_files == std::vector<std::string>{"a\"é"});

  check_errors({
      {"port = 5000\nnamé = 1", "2:4: non-ASCII character outside a string or comment"},
      {R"(procfile = "a\"b" é)", "1:19: non-ASCII character outside a string or comment"},
      {R"(procfile = """a"""" é)", "1:21: non-ASCII character outside a string or comment"},
      {"procfile = '''a''' \xFF", "1:20: non-ASCII character outside a string or comment"},
      // A quote stuck to a bare value does not start a string for toml++, so it does not here either.
      {"t = 7'\xC3\xA9'", "1:7: non-ASCII character outside a string or comment"},
      {"procfile = \"\"\"\\\n  \xC2\xA7x\"\"\"",
       "2:3: non-ASCII character after a backslash in a multi-line string (toml++ 3.3 cannot read it; write it as "
       "\\uXXXX)"},
      {"procfile = \"\"\"\\ \xC3\xA9\"\"\"",
       "1:17: non-ASCII character after a backslash in a multi-line string (toml++ 3.3 cannot read it; write it as "
       "\\uXXXX)"},
  });
  // Not right after the backslash: an ordinary multi-line string.
  CHECK(parse("procfile = \"\"\"\\\n  x\xC2\xA7\"\"\"").settings.procfile == "x\xC2\xA7");
}

TEST_CASE("to_string names restart policies and signal targets as the file spells them", "[settings]") {
  CHECK(to_string(RestartPolicy::never) == "never");
  CHECK(to_string(RestartPolicy::on_failure) == "on-failure");
  CHECK(to_string(RestartPolicy::always) == "always");
  CHECK(to_string(SignalTarget::group) == "group");
  CHECK(to_string(SignalTarget::main) == "main");
}

TEST_CASE("parse_settings survives random input", "[settings][random]") {
  // TOML-ish tokens, weighted towards the ones that make documents valid enough to reach the key checks.
  const std::vector<std::string> alphabet = {
      "\n",
      "\n",
      " ",
      " = ",
      " = ",
      "[process.web]\n",
      "[process.",
      "]",
      "[",
      "{",
      "}",
      ", ",
      "\"",
      "'",
      "port",
      "timeout",
      "env",
      "ready",
      "log",
      "command",
      "notify",
      "restart",
      "stop_signal",
      "depends_on",
      "process",
      "web",
      "colour",
      ".",
      "1",
      "0",
      "-1",
      "70000",
      "1.5",
      "true",
      "\"5s\"",
      "\"abc\"",
      "\"(\"",
      "\"port\"",
      "\"self\"",
      "[\"db\", 7]",
      "{ port = 80 }",
      "{ log = \"x\" }",
      "#",
      "\\",
      "\t",
      "\r\n",
      "é",
      "\xEF\xBB\xBF",
      "\xFF",
      std::string("\0", 1),
      "1979-05-27",
      "inf",
      "nan",
      "\"\"\"",
      "[[a]]\n",
  };
  std::mt19937 random(4242);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  int clean = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int n = length(random); n > 0; --n) {
      text += alphabet[pick(random)];
    }
    Diagnostics diagnostics;
    REQUIRE_NOTHROW((void)parse_settings(text, "fuzz.toml", diagnostics));
    clean += diagnostics.empty() ? 1 : 0;
    for (const auto& d : diagnostics.items()) {
      INFO(text);
      CHECK(d.line >= 1);
      CHECK(d.column >= 0);
      CHECK_FALSE(d.message.empty());
    }
  }
  CHECK(clean > 0);
}
