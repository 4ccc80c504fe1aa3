// SPDX-License-Identifier: MIT
#include <tfrun/core/procfile.hpp>

#include <tfrun/core/json.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

struct Parsed {
  Procfile procfile;
  Diagnostics diagnostics;
};

Parsed parse(std::string_view text) {
  Parsed parsed;
  parsed.procfile = parse_procfile(text, "Procfile", parsed.diagnostics);
  return parsed;
}

// "name=command@line" for each entry: compact enough to pin a whole file's result in one comparison.
std::vector<std::string> entries_of(const Procfile& procfile) {
  std::vector<std::string> out;
  for (const auto& entry : procfile.entries) {
    out.push_back(entry.name + "=" + entry.command + "@" + std::to_string(entry.line));
  }
  return out;
}

// "S LINE:COLUMN: message" with S = E(rror) or W(arning).
std::vector<std::string> report(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.items()) {
    out.push_back(std::string(d.severity == Severity::error ? "E " : "W ") + std::to_string(d.line) + ":" +
                  std::to_string(d.column) + ": " + d.message);
  }
  return out;
}

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

} // namespace

TEST_CASE("procfile: a simple file gives its entries in file order", "[procfile]") {
  const auto parsed = parse("web: bundle exec puma\nworker: sidekiq\nclock: clockwork clock.rb\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) ==
        std::vector<std::string>{"web=bundle exec puma@1", "worker=sidekiq@2", "clock=clockwork clock.rb@3"});
  CHECK(parsed.procfile.names() == std::vector<std::string>{"web", "worker", "clock"});
  REQUIRE(parsed.procfile.find("worker") != nullptr);
  CHECK(parsed.procfile.find("worker")->command == "sidekiq");
  CHECK(parsed.procfile.find("Worker") == nullptr); // names are case sensitive
  CHECK(parsed.procfile.find("nope") == nullptr);
}

TEST_CASE("procfile: file order is kept even when it is not alphabetical", "[procfile]") {
  const auto parsed = parse("zeta: z\nalpha: a\nmid: m\n");
  CHECK(parsed.procfile.names() == std::vector<std::string>{"zeta", "alpha", "mid"});
}

TEST_CASE("procfile: one leading BOM is skipped, a second one is not", "[procfile]") {
  const auto parsed = parse("\xEF\xBB\xBFweb: run\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=run@1"});

  // The second BOM is content: not a name character, so the line is not an entry.
  const auto twice = parse("\xEF\xBB\xBF\xEF\xBB\xBFweb: run\nok: x\n");
  CHECK(entries_of(twice.procfile) == std::vector<std::string>{"ok=x@2"});
  CHECK(report(twice.diagnostics) ==
        std::vector<std::string>{"W 1:1: not an entry: a process name ([A-Za-z0-9_-]) was expected; line ignored"});
}

TEST_CASE("procfile: a BOM that is not at the start is not skipped", "[procfile]") {
  const auto parsed = parse("web: a\n\xEF\xBB\xBFworker: b\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=a@1"});
  REQUIRE(parsed.diagnostics.items().size() == 1);
  CHECK(parsed.diagnostics.items()[0].line == 2);
}

TEST_CASE("procfile: LF, CRLF and a lone CR all end a line and no CR reaches a command", "[procfile]") {
  const auto parsed = parse("web: run it\r\nworker: go\r\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=run it@1", "worker=go@2"});

  // CR CR LF is two line ends: the second line is blank.
  const auto two_crs = parse("web: run\r\r\nworker: go\n");
  CHECK(entries_of(two_crs.procfile) == std::vector<std::string>{"web=run@1", "worker=go@3"});

  // Old Mac line ends, also on the last line.
  const auto lone = parse("web: a\rworker: b\r");
  CHECK(lone.diagnostics.empty());
  CHECK(entries_of(lone.procfile) == std::vector<std::string>{"web=a@1", "worker=b@2"});
  CHECK(entries_of(parse("web: a\r").procfile) == std::vector<std::string>{"web=a@1"});
  CHECK(entries_of(parse("web: a\n\rworker: b").procfile) == std::vector<std::string>{"web=a@1", "worker=b@3"});
}

TEST_CASE("procfile: the last line needs no newline", "[procfile]") {
  const auto parsed = parse("web: a\nworker: b");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=a@1", "worker=b@2"});
}

TEST_CASE("procfile: blank lines and comments are skipped without a warning", "[procfile]") {
  const auto parsed = parse("# the app\n\n   \n\t\n  # indented comment\n\t#tab comment\nweb: run\n#web: other\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=run@7"});
}

TEST_CASE("procfile: blanks before the name are ignored", "[procfile]") {
  const auto parsed = parse("  web: a\n\tworker: b\n \t clock: c\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=a@1", "worker=b@2", "clock=c@3"});
}

TEST_CASE("procfile: every name character is accepted and names are case sensitive", "[procfile]") {
  const auto parsed = parse("ABCXYZ: 1\nabcxyz: 2\n0129: 3\nweb_worker-2: 4\n_: 5\n-: 6\nWeb: 7\nweb: 8\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.procfile.names() ==
        std::vector<std::string>{"ABCXYZ", "abcxyz", "0129", "web_worker-2", "_", "-", "Web", "web"});
}

TEST_CASE("procfile: blanks after the colon are optional and skipped", "[procfile]") {
  const auto parsed = parse("a:run\nb: run\nc:\t \trun\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"a=run@1", "b=run@2", "c=run@3"});
}

TEST_CASE("procfile: the first colon ends the name, later colons belong to the command", "[procfile]") {
  const auto parsed = parse("worker: bundle exec rake jobs:work\nurl: curl http://x:80/a::b\nc::x\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) ==
        std::vector<std::string>{"worker=bundle exec rake jobs:work@1", "url=curl http://x:80/a::b@2", "c=:x@3"});
}

TEST_CASE("procfile: the command is kept verbatim", "[procfile]") {
  const auto parsed = parse("trail: run  \t\n"
                            "hash: run # not a comment\n"
                            "quotes: sh -c 'echo \"$PORT\"'\n"
                            "var: exec $HOME/bin/app ${PORT:-5000} \\\n"
                            "inner: a  \t  b\n");
  CHECK(parsed.diagnostics.empty());
  REQUIRE(parsed.procfile.entries.size() == 5);
  CHECK(parsed.procfile.entries[0].command == "run  \t");
  CHECK(parsed.procfile.entries[1].command == "run # not a comment");
  CHECK(parsed.procfile.entries[2].command == "sh -c 'echo \"$PORT\"'");
  CHECK(parsed.procfile.entries[3].command == "exec $HOME/bin/app ${PORT:-5000} \\");
  CHECK(parsed.procfile.entries[4].command == "a  \t  b");
}

TEST_CASE("procfile: a command that starts with '#' is still a command", "[procfile]") {
  const auto parsed = parse("web: #looks like a comment\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=#looks like a comment@1"});
}

TEST_CASE("procfile: an empty command makes the line not an entry, with a warning", "[procfile]") {
  const auto parsed = parse("web:\nworker:   \t\nclock: run\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"clock=run@3"});
  // The column points just past the blanks, where the command was expected.
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{"W 1:5: not an entry: process 'web' has no command; line ignored",
                                 "W 2:12: not an entry: process 'worker' has no command; line ignored"});
  CHECK(parsed.diagnostics.items()[0].source_line == "web:");
  CHECK(parsed.diagnostics.items()[1].source_line == "worker:   \t");
}

TEST_CASE("procfile: an empty command with CRLF is still empty", "[procfile]") {
  const auto parsed = parse("web: \r\nok: x\r\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"ok=x@2"});
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{"W 1:6: not an entry: process 'web' has no command; line ignored"});
  CHECK(parsed.diagnostics.items()[0].source_line == "web: ");
}

TEST_CASE("procfile: other lines are ignored with a warning naming line and column", "[procfile]") {
  const auto parsed = parse("web: run\n"      // 1
                            "just text\n"     // 2: a blank inside the name
                            "worker\n"        // 3: no colon at all
                            ":orphan\n"       // 4: empty name
                            "!bang: x\n"      // 5: no name character at all
                            "  we.b: x\n"     // 6: '.' is not a name character
                            "web :x\n"        // 7: a blank before the colon
                            "web@1: x\n"      // 8: '@' is not a name character
                            "clock: tick\n"); // 9
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=run@1", "clock=tick@9"});
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{
            "W 2:5: not an entry: invalid character ' ' in process name; line ignored",
            "W 3:7: not an entry: ':' was expected after the process name; line ignored",
            "W 4:1: not an entry: the process name is empty; line ignored",
            "W 5:1: not an entry: a process name ([A-Za-z0-9_-]) was expected; line ignored",
            "W 6:5: not an entry: invalid character '.' in process name; line ignored",
            "W 7:4: not an entry: invalid character ' ' in process name; line ignored",
            "W 8:4: not an entry: invalid character '@' in process name; line ignored",
        });
  CHECK_FALSE(parsed.diagnostics.has_errors());
  for (const auto& d : parsed.diagnostics.items()) {
    CHECK(d.file == "Procfile");
  }
  CHECK(parsed.diagnostics.items()[4].source_line == "  we.b: x");
}

TEST_CASE("procfile: a non-ASCII character in a name is reported where it is", "[procfile]") {
  const auto parsed = parse("w\xC3\xA9\x62: x\nok: y\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"ok=y@2"});
  REQUIRE(parsed.diagnostics.items().size() == 1);
  const auto& d = parsed.diagnostics.items()[0];
  CHECK(d.severity == Severity::warning);
  CHECK(d.line == 1);
  CHECK(d.column == 2);
  CHECK(d.source_line == "w\xC3\xA9\x62: x");
}

TEST_CASE("procfile: a non-ASCII character in a name is quoted whole", "[procfile]") {
  // Regression: the message quotes only the first byte of the character ('\xC3' of 'é'), so the text printed
  // to the terminal, and the message in `check --json`, is not valid UTF-8 (the JSON shows '\ufffd').
  const auto parsed = parse("w\xC3\xA9\x62: x\nok: y\n");
  REQUIRE(parsed.diagnostics.items().size() == 1);
  const auto& message = parsed.diagnostics.items()[0].message;
  CHECK(json_string(message).find("\\ufffd") == std::string::npos);
  CHECK(message == "not an entry: invalid character '\xC3\xA9' in process name; line ignored");
}

TEST_CASE("procfile: a duplicate name is kept, with a warning naming both lines", "[procfile]") {
  const auto parsed = parse("web: one\nworker: w\n  web: two\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=one@1", "worker=w@2", "web=two@3"});
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{"W 3:3: duplicate process name 'web' (also on line 1): both entries run, "
                                 "instances numbered across both in file order"});
  CHECK(parsed.diagnostics.items()[0].source_line == "  web: two");
  CHECK(parsed.procfile.names() == std::vector<std::string>{"web", "worker", "web"});
  CHECK(parsed.procfile.types() == std::vector<std::string>{"web", "worker"});
  CHECK(parsed.procfile.find("web")->command == "one");
}

TEST_CASE("procfile: a name written three times warns on each repeat against the first", "[procfile]") {
  const auto parsed = parse("web: 1\nweb: 2\nweb: 3\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=1@1", "web=2@2", "web=3@3"});
  CHECK(report(parsed.diagnostics) ==
        std::vector<std::string>{
            "W 2:1: duplicate process name 'web' (also on line 1): both entries run, instances numbered across "
            "both in file order",
            "W 3:1: duplicate process name 'web' (also on line 1): both entries run, instances numbered across "
            "both in file order"});
}

TEST_CASE("procfile: names differing only in case are not duplicates", "[procfile]") {
  const auto parsed = parse("web: a\nWEB: b\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.procfile.names() == std::vector<std::string>{"web", "WEB"});
}

TEST_CASE("procfile: a file without entries is an error", "[procfile]") {
  const std::string expected = "E 0:0: no process entries (expected lines like 'web: bundle exec puma')";
  for (const std::string text : {"", "\n", "\xEF\xBB\xBF", "# only a comment\n\n", "   \r\n"}) {
    INFO(text);
    const auto parsed = parse(text);
    CHECK(parsed.procfile.entries.empty());
    CHECK(report(parsed.diagnostics) == std::vector<std::string>{expected});
    CHECK(parsed.diagnostics.items()[0].file == "Procfile");
    CHECK(parsed.diagnostics.items()[0].source_line.empty());
  }
  // Warnings come first, then the error.
  const auto junk = parse("junk\n");
  CHECK(
      report(junk.diagnostics) ==
      std::vector<std::string>{"W 1:5: not an entry: ':' was expected after the process name; line ignored", expected});
}

TEST_CASE("procfile: diagnostics name the file given", "[procfile]") {
  Diagnostics diagnostics;
  const auto procfile = parse_procfile("oops\nweb: x\n", "config/Procfile.dev", diagnostics);
  REQUIRE(diagnostics.items().size() == 1);
  CHECK(diagnostics.items()[0].file == "config/Procfile.dev");
  CHECK(procfile.entries.size() == 1);
}

TEST_CASE("procfile: diagnostics are appended to those already collected", "[procfile]") {
  Diagnostics diagnostics;
  diagnostics.warning("other", 1, 1, "earlier");
  const auto procfile = parse_procfile("web: x\n", "Procfile", diagnostics);
  CHECK(procfile.entries.size() == 1);
  REQUIRE(diagnostics.items().size() == 1);
  CHECK(diagnostics.items()[0].message == "earlier");
}

TEST_CASE("procfile: line numbers count comments, blanks and CRLF lines", "[procfile]") {
  const auto parsed = parse("\xEF\xBB\xBF# c\r\n\r\n\r\nweb: x\r\n");
  CHECK(entries_of(parsed.procfile) == std::vector<std::string>{"web=x@4"});
}

TEST_CASE("procfile: seeded random input never crashes and gives sane, repeatable output", "[procfile][random]") {
  // Biased towards the characters the grammar cares about, so most inputs reach the interesting branches.
  const std::string alphabet = "webWORK_-09:: \t\t#\n\n\n\r\"'$.\xEF\xBB\xBF\xC3\xA9";
  std::mt19937 random(20240229U);
  std::uniform_int_distribution<std::size_t> length_of(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> coin(0, 9);
  for (int round = 0; round < 6000; ++round) {
    std::string text;
    if (coin(random) == 0) {
      text = "\xEF\xBB\xBF";
    }
    const auto length = length_of(random);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[pick(random)];
    }
    INFO("round " << round);
    const auto first = parse(text);
    const auto second = parse(text);
    CHECK(entries_of(first.procfile) == entries_of(second.procfile));
    CHECK(report(first.diagnostics) == report(second.diagnostics));
    for (const auto& entry : first.procfile.entries) {
      REQUIRE_FALSE(entry.name.empty());
      for (const char c : entry.name) {
        REQUIRE(is_name_char(c));
      }
      REQUIRE_FALSE(entry.command.empty());
      REQUIRE(entry.command.find_first_of("\r\n") == std::string::npos);
      REQUIRE(entry.command.front() != ' ');
      REQUIRE(entry.command.front() != '\t');
      REQUIRE(entry.line >= 1);
    }
    for (const auto& d : first.diagnostics.items()) {
      REQUIRE(d.line >= 0);
      REQUIRE(d.column >= 0);
      REQUIRE(d.source_line.find('\n') == std::string::npos);
    }
    // Either entries or an error: an empty result is never silent.
    REQUIRE((!first.procfile.entries.empty() || first.diagnostics.has_errors()));
  }
}
