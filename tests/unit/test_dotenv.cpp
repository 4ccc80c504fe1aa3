// SPDX-License-Identifier: MIT
#include <tfrun/core/dotenv.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using tfrun::core::Diagnostic;
using tfrun::core::Diagnostics;
using tfrun::core::EnvLookup;
using tfrun::core::EnvVariable;
using tfrun::core::parse_dotenv;
using tfrun::core::Severity;

namespace {

using Environment = std::map<std::string, std::string, std::less<>>;

struct Parsed {
  std::vector<EnvVariable> variables;
  Diagnostics diagnostics;

  [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
    for (const auto& variable : variables) {
      if (variable.key == key) {
        return variable.value;
      }
    }
    return std::nullopt;
  }

  [[nodiscard]] int line_of(const std::string& key) const {
    for (const auto& variable : variables) {
      if (variable.key == key) {
        return variable.line;
      }
    }
    return 0;
  }

  [[nodiscard]] std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& variable : variables) {
      out.push_back(variable.key);
    }
    return out;
  }
};

EnvLookup lookup_in(const Environment& environment) {
  return [&environment](std::string_view name) -> std::optional<std::string> {
    const auto it = environment.find(name);
    if (it == environment.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

Parsed parse(std::string_view text, const Environment& environment = {}) {
  Parsed parsed;
  parsed.variables = parse_dotenv(text, ".env", lookup_in(environment), parsed.diagnostics);
  return parsed;
}

// Parses text that must produce no diagnostic and returns the value of `key`.
std::optional<std::string> value_of(std::string_view text, const std::string& key, const Environment& env = {}) {
  const Parsed parsed = parse(text, env);
  INFO("text: " << text);
  CHECK(parsed.diagnostics.empty());
  return parsed.get(key);
}

void check_single(const Parsed& parsed, Severity severity, int line, int column, const std::string& message,
                  const std::string& source_line) {
  REQUIRE(parsed.diagnostics.items().size() == 1);
  const Diagnostic& d = parsed.diagnostics.items().front();
  CHECK(d.severity == severity);
  CHECK(d.file == ".env");
  CHECK(d.line == line);
  CHECK(d.column == column);
  CHECK(d.message == message);
  CHECK(d.source_line == source_line);
}

} // namespace

TEST_CASE("rule 1: one leading BOM is skipped", "[dotenv]") {
  const Parsed parsed = parse("\xEF\xBB\xBF"
                              "A=1\n");
  CHECK(parsed.keys() == std::vector<std::string>{"A"});
  CHECK(parsed.get("A") == "1");

  SECTION("only one: a second BOM, or one in the middle of the file, is no key character and skips its line") {
    const Parsed twice = parse("\xEF\xBB\xBF\xEF\xBB\xBF"
                               "A=1\nB=2\n");
    CHECK(twice.keys() == std::vector<std::string>{"B"});
    check_single(parse("B=2\n\xEF\xBB\xBF"
                       "A=1\n"),
                 Severity::warning, 2, 1,
                 "skipped line: invalid character U+FEFF (a byte order mark) in key; only one at the start of the "
                 "file is skipped",
                 "\xEF\xBB\xBF"
                 "A=1");
    CHECK(parse("A\xEF\xBB\xBF=1\n").keys().empty());
    CHECK(parse("A=x\xEF\xBB\xBFy\n").get("A") == "x\xEF\xBB\xBFy"); // in a value it is just text
  }
  SECTION("columns on the first line do not count the BOM") {
    check_single(parse("\xEF\xBB\xBF!A=1"), Severity::warning, 1, 1, "skipped line: invalid character '!' in key",
                 "!A=1");
  }
}

TEST_CASE("rule 1: CRLF and a lone CR become LF", "[dotenv]") {
  const Parsed crlf = parse("A=1\r\nB=\"x\r\ny\"\r\nC=3\r\n");
  CHECK(crlf.diagnostics.empty());
  CHECK(crlf.get("A") == "1");
  CHECK(crlf.get("B") == "x\ny");
  CHECK(crlf.get("C") == "3");
  CHECK(crlf.line_of("C") == 4);

  const Parsed lone_cr = parse("A=1\rB=2\r\rC=3");
  CHECK(lone_cr.get("A") == "1");
  CHECK(lone_cr.get("B") == "2");
  CHECK(lone_cr.line_of("C") == 4);

  SECTION("diagnostics on CRLF lines show the line without the CR") {
    check_single(parse("A=1\r\nB!=2\r\n"), Severity::warning, 2, 2, "skipped line: invalid character '!' in key",
                 "B!=2");
  }
}

TEST_CASE("rule 2: blank lines, comments and blanks before the key", "[dotenv]") {
  const Parsed parsed = parse("\n   \n\t\n# comment\n   # indented comment\n\t  A=1\n#B=2\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.keys() == std::vector<std::string>{"A"});
  CHECK(parsed.line_of("A") == 6);
  CHECK(parse("").variables.empty());
  CHECK(parse("").diagnostics.empty());
}

TEST_CASE("rule 3: an export prefix followed by a blank is ignored", "[dotenv]") {
  CHECK(value_of("export FOO=1", "FOO") == "1");
  CHECK(value_of("  export\t\tFOO=1", "FOO") == "1");
  CHECK(parse("exportFOO=1").keys() == std::vector<std::string>{"exportFOO"});
  CHECK(parse("export FOO=1").keys() == std::vector<std::string>{"FOO"});

  SECTION("without a key after it, export is itself the key") {
    CHECK(value_of("export=1", "export") == "1");
    CHECK(value_of("export = 1", "export") == "1");
    CHECK(value_of("export", "export", {{"export", "e"}}) == "e");
    CHECK(value_of("export # note", "export", {{"export", "e"}}) == "e");
  }
}

TEST_CASE("rule 4: key characters", "[dotenv]") {
  const Parsed parsed = parse("a.b-c[0]_Z9=1\n1ABC=2\n\xC3\x84pfel=3\n\xE5\x90\x8D=4\n");
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.keys() == std::vector<std::string>{"a.b-c[0]_Z9", "1ABC", "\xC3\x84pfel", "\xE5\x90\x8D"});
}

TEST_CASE("rule 5: separator '=' or ':' with optional blanks", "[dotenv]") {
  CHECK(value_of("A=1", "A") == "1");
  CHECK(value_of("A: 1", "A") == "1");
  CHECK(value_of("A \t= \t1", "A") == "1");
  CHECK(value_of("A :1", "A") == "1");

  SECTION("the first separator ends the key") {
    CHECK(value_of("A:b=c", "A") == "b=c");
    CHECK(value_of("A=b:c", "A") == "b:c");
    CHECK(value_of("A==b", "A") == "=b");
  }
}

TEST_CASE("rule 6: a bare key takes its value from the inherited environment", "[dotenv]") {
  const Environment env{{"HOME", "/home/u"}, {"EMPTY", ""}};
  const Parsed parsed = parse("HOME\nexport EMPTY\nMISSING\nHOME # comment\n  export HOME\t# c\n", env);
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.keys() == std::vector<std::string>{"HOME", "EMPTY"});
  CHECK(parsed.get("HOME") == "/home/u");
  CHECK(parsed.get("EMPTY") == "");
  CHECK(parsed.line_of("HOME") == 5);

  SECTION("an unset bare key leaves an earlier definition alone") { CHECK(value_of("A=1\nA\n", "A") == "1"); }
  SECTION("the comment needs a blank before it") {
    check_single(parse("HOME#c", env), Severity::warning, 1, 5, "skipped line: invalid character '#' in key", "HOME#c");
  }
}

TEST_CASE("rule 7: other lines are skipped with a warning naming the problem", "[dotenv]") {
  const Parsed parsed = parse("A=1\nB!=2\n=3\n  FOO BAR=4\n:5\n\"Q\"=6\nC\x01=7\nD=8\n");
  CHECK(parsed.keys() == std::vector<std::string>{"A", "D"});
  CHECK_FALSE(parsed.diagnostics.has_errors());
  const auto& items = parsed.diagnostics.items();
  REQUIRE(items.size() == 6);
  using Row = std::tuple<int, int, std::string, std::string>;
  std::vector<Row> rows;
  for (const auto& d : items) {
    CHECK(d.severity == Severity::warning);
    rows.emplace_back(d.line, d.column, d.message, d.source_line);
  }
  CHECK(rows == std::vector<Row>{
                    {2, 2, "skipped line: invalid character '!' in key", "B!=2"},
                    {3, 1, "skipped line: empty key", "=3"},
                    {4, 7, "skipped line: missing '=' after key 'FOO'", "  FOO BAR=4"},
                    {5, 1, "skipped line: empty key", ":5"},
                    {6, 1, "skipped line: invalid character '\"' in key", "\"Q\"=6"},
                    {7, 2, "skipped line: invalid character '\\x01' in key", "C\x01=7"},
                });
}

TEST_CASE("rule 8: a key defined again keeps its first position and takes the later value", "[dotenv]") {
  const Parsed parsed = parse("A=1\nB=2\nA=3\n");
  CHECK(parsed.keys() == std::vector<std::string>{"A", "B"});
  CHECK(parsed.get("A") == "3");
  CHECK(parsed.line_of("A") == 3);
  CHECK(parsed.line_of("B") == 2);
}

TEST_CASE("rule 9: nothing after the separator is the empty string", "[dotenv]") {
  CHECK(value_of("A=", "A") == "");
  CHECK(value_of("A=   \t", "A") == "");
  CHECK(value_of("A:", "A") == "");
}

TEST_CASE("rule 10: unquoted values", "[dotenv]") {
  CHECK(value_of("A=  # note", "A") == "");
  CHECK(value_of("A=#x", "A") == "#x");
  CHECK(value_of("A=foo#bar", "A") == "foo#bar");
  CHECK(value_of("A=foo #bar", "A") == "foo");
  CHECK(value_of("A=foo\t#bar", "A") == "foo");
  CHECK(value_of("A=  a b  c \t", "A") == "a b  c");
  CHECK(value_of(R"(A=a\nb\\c\)", "A") == R"(a\nb\\c\)");
  CHECK(value_of(R"(A=\$HOME)", "A", {{"HOME", "/h"}}) == R"(\/h)");
  CHECK(value_of("A=it's \"x\"", "A") == "it's \"x\"");
  CHECK(value_of("A=x$HOME/y", "A", {{"HOME", "/h"}}) == "x/h/y");
}

TEST_CASE("rule 11: single-quoted values", "[dotenv]") {
  CHECK(value_of("A='  a # b  '", "A") == "  a # b  ");
  CHECK(value_of(R"(A='it\'s')", "A") == "it's");
  CHECK(value_of(R"(A='a\nb\\c\"')", "A") == R"(a\nb\\c\")");
  CHECK(value_of("A='$HOME ${X:-y} $$'", "A", {{"HOME", "/h"}}) == "$HOME ${X:-y} $$");
  CHECK(value_of("A=''", "A") == "");

  SECTION("multi-line, and line numbers after it") {
    const Parsed parsed = parse("A='one\ntwo\n\nthree'\nB=2\nC!=3\n");
    CHECK(parsed.get("A") == "one\ntwo\n\nthree");
    CHECK(parsed.line_of("A") == 1);
    CHECK(parsed.line_of("B") == 5);
    check_single(parsed, Severity::warning, 6, 2, "skipped line: invalid character '!' in key", "C!=3");
  }
}

TEST_CASE("rule 12: double-quoted values and their escapes", "[dotenv]") {
  CHECK(value_of(R"(A="a\"b\\c")", "A") == "a\"b\\c");
  CHECK(value_of(R"(A="\n\r\t\a\b\f\v")", "A") == "\n\r\t\a\b\f\v");
  CHECK(value_of(R"(A="\0101\0060\0377")", "A") == "A0\xFF");
  CHECK(value_of(R"(A="\0000")", "A") == std::string(1, '\0'));
  CHECK(value_of(R"(A="  a # b  ")", "A") == "  a # b  ");

  SECTION("any other backslash sequence is kept as written") {
    CHECK(value_of(R"(A="\q\0\01\018\0777\x")", "A") == R"(\q\0\01\018\0777\x)");
    CHECK(value_of(R"(A="a\'b")", "A") == R"(a\'b)");
  }
  SECTION("\\$ is a literal dollar that is not interpolated") {
    CHECK(value_of(R"(A="\$HOME \${X:-y} \$\$")", "A", {{"HOME", "/h"}}) == "$HOME ${X:-y} $$");
    CHECK(value_of(R"(A="$\$")", "A") == "$$");
  }
  SECTION("interpolation") { CHECK(value_of(R"(A="$HOME/${HOME}")", "A", {{"HOME", "/h"}}) == "/h//h"); }
  SECTION("multi-line, and line numbers after it") {
    const Parsed parsed = parse("A=\"one\ntwo \\\"q\\\"\n\"\nB=2\nC!=3\n");
    CHECK(parsed.get("A") == "one\ntwo \"q\"\n");
    CHECK(parsed.line_of("A") == 1);
    CHECK(parsed.line_of("B") == 4);
    check_single(parsed, Severity::warning, 5, 2, "skipped line: invalid character '!' in key", "C!=3");
  }
  SECTION("a backslash before a line break is kept") { CHECK(value_of("A=\"a\\\nb\"", "A") == "a\\\nb"); }
}

TEST_CASE("rule 13: after the closing quote only blanks and a comment", "[dotenv]") {
  CHECK(value_of("A='x'  \t", "A") == "x");
  CHECK(value_of("A=\"x\" # note", "A") == "x");
  CHECK(value_of("A=\"x\"#note", "A") == "x");

  SECTION("anything else is an error at its column, and every such line is reported") {
    const Parsed parsed = parse("A=\"x\" y\nB='b'z\nC=\"multi\nline\"  !\n");
    const auto& items = parsed.diagnostics.items();
    REQUIRE(items.size() == 3);
    CHECK(items[0].severity == Severity::error);
    CHECK(items[0].line == 1);
    CHECK(items[0].column == 7);
    CHECK(items[0].message == "unexpected 'y' after closing quote");
    CHECK(items[0].source_line == "A=\"x\" y");
    CHECK(items[1].line == 2);
    CHECK(items[1].column == 6);
    CHECK(items[1].message == "unexpected 'z' after closing quote");
    CHECK(items[2].line == 4);
    CHECK(items[2].column == 8);
    CHECK(items[2].message == "unexpected '!' after closing quote");
    CHECK(items[2].source_line == "line\"  !");
    // The quoted value still counts, so later references do not cascade into more errors.
    CHECK(parsed.get("A") == "x");
    CHECK(parsed.get("C") == "multi\nline");
  }
}

TEST_CASE("rule 14: a quote that is never closed is an error for the whole file", "[dotenv]") {
  SECTION("double quote") {
    const Parsed parsed = parse("A=1\nB=\"open\nC=2\n");
    CHECK(parsed.variables.empty());
    check_single(parsed, Severity::error, 2, 3, "unterminated double-quoted value (opened here)", "B=\"open");
  }
  SECTION("single quote") {
    const Parsed parsed = parse("A=1\n  B = 'open\nC=2");
    CHECK(parsed.variables.empty());
    check_single(parsed, Severity::error, 2, 7, "unterminated single-quoted value (opened here)", "  B = 'open");
  }
  SECTION("an escaped closing quote does not close") {
    check_single(parse(R"(A="x\")"), Severity::error, 1, 3, "unterminated double-quoted value (opened here)",
                 R"(A="x\")");
    check_single(parse(R"(A='x\')"), Severity::error, 1, 3, "unterminated single-quoted value (opened here)",
                 R"(A='x\')");
  }
  SECTION("problems before it are still reported; parsing stops there") {
    const Parsed parsed = parse("A!=1\nB=\"open\nC!=2\n");
    CHECK(parsed.variables.empty());
    REQUIRE(parsed.diagnostics.items().size() == 2);
    CHECK(parsed.diagnostics.items()[0].line == 1);
    CHECK(parsed.diagnostics.items()[1].message == "unterminated double-quoted value (opened here)");
  }
}

TEST_CASE("rule 15: $NAME and ${NAME}, inherited first, then earlier keys", "[dotenv]") {
  const Environment env{{"HOME", "/h"}, {"SHARED", "inherited"}};
  const Parsed parsed = parse("SHARED=file\nLOCAL=l\nA=$HOME ${HOME} $SHARED $LOCAL ${LATER}x $UNSET.\nLATER=z\n", env);
  CHECK(parsed.diagnostics.empty());
  CHECK(parsed.get("A") == "/h /h inherited l x .");

  CHECK(value_of("A=$HOME.d $HOME-x $HOME_2", "A", env) == "/h.d /h-x ");
  CHECK(value_of("A=$1 $-", "A", env) == "$1 $-");
  CHECK(value_of("X=1\nX=${X}2\nX=${X}3", "X") == "123");
  CHECK(value_of("A=$_ok", "A", {{"_ok", "y"}}) == "y");
  SECTION("keys that are not names cannot be referred to") { CHECK(value_of("a.b=1\nA=$a.b", "A") == ".b"); }
}

TEST_CASE("rule 16: ${V:-d} ${V-d} ${V:+r} ${V+r}", "[dotenv]") {
  const Environment env{{"SET", "v"}, {"EMPTY", ""}};
  const auto expand = [&env](const std::string& expression) { return value_of("A=" + expression, "A", env); };
  CHECK(expand("${SET:-d}") == "v");
  CHECK(expand("${EMPTY:-d}") == "d");
  CHECK(expand("${UNSET:-d}") == "d");
  CHECK(expand("${SET-d}") == "v");
  CHECK(expand("${EMPTY-d}") == "");
  CHECK(expand("${UNSET-d}") == "d");
  CHECK(expand("${SET:+r}") == "r");
  CHECK(expand("${EMPTY:+r}") == "");
  CHECK(expand("${UNSET:+r}") == "");
  CHECK(expand("${SET+r}") == "r");
  CHECK(expand("${EMPTY+r}") == "r");
  CHECK(expand("${UNSET+r}") == "");
  CHECK(expand("${SET?m}") == "v");
  CHECK(expand("${EMPTY?m}") == "");
  CHECK(expand("${SET:?m}") == "v");
  CHECK(expand("${UNSET:-}") == "");
  CHECK(expand("${UNSET:-a b {c}") == "a b {c");

  SECTION("defaults nest and are expanded") {
    CHECK(expand("${A:-${B:-x}}") == "x");
    CHECK(expand("${UNSET:-${SET:-x}/y}") == "v/y");
    CHECK(expand("${UNSET:-$SET}") == "v");
    CHECK(expand("\"${UNSET:-\\$SET}\"") == "$SET");
    CHECK(expand("${SET:+[${SET}]}") == "[v]");
  }
  SECTION("a default that is not used is not evaluated") {
    CHECK(expand("${SET:-${NONE:?never}}") == "v");
    CHECK(expand("${UNSET:+${NONE:?never}}") == "");
  }
}

TEST_CASE("rule 16: ${V:?msg} and ${V?msg} are errors with the message", "[dotenv]") {
  const Environment env{{"EMPTY", ""}};
  check_single(parse("URL=${DB_URL:?set DB_URL first}"), Severity::error, 1, 5, "DB_URL: set DB_URL first",
               "URL=${DB_URL:?set DB_URL first}");
  check_single(parse("URL=x${DB_URL?}", env), Severity::error, 1, 6, "DB_URL: not set", "URL=x${DB_URL?}");
  check_single(parse("URL=${EMPTY:?}", env), Severity::error, 1, 5, "EMPTY: empty", "URL=${EMPTY:?}");
  check_single(parse("URL=${UNSET:?no $EMPTY-${X:-x}}", env), Severity::error, 1, 5, "UNSET: no -x",
               "URL=${UNSET:?no $EMPTY-${X:-x}}");
  SECTION("inside a multi-line double-quoted value the error points at its own line") {
    check_single(parse("A=\"one\n  two ${NOPE:?gone}\"\n"), Severity::error, 2, 7, "NOPE: gone",
                 "  two ${NOPE:?gone}\"");
  }
}

TEST_CASE("rule 17: $$, a lone $, and $(...)", "[dotenv]") {
  CHECK(value_of("A=$$HOME", "A", {{"HOME", "/h"}}) == "$HOME");
  CHECK(value_of("A=$$$HOME", "A", {{"HOME", "/h"}}) == "$/h");
  CHECK(value_of("A=cost: 5$ or $ 6 $", "A") == "cost: 5$ or $ 6 $");
  CHECK(value_of("A=\"$\"", "A") == "$");
  CHECK(value_of("A=$${X}", "A") == "${X}");
  // Never run, but the variables inside are expanded like anywhere else.
  CHECK(value_of("A=$(echo $HOME ${X:-y})", "A", {{"HOME", "/h"}}) == "$(echo /h y)");
  CHECK(value_of("A=\"$(cat ${DIR}/key) $$(x)\"", "A", {{"DIR", "/etc"}}) == "$(cat /etc/key) $(x)");
  CHECK(value_of("A='$(echo $HOME)'", "A", {{"HOME", "/h"}}) == "$(echo $HOME)");
  CHECK(value_of("A=$(a (b) c)d", "A") == "$(a (b) c)d");
  CHECK(value_of("A=$(unclosed $HOME", "A", {{"HOME", "/h"}}) == "$(unclosed /h");
}

TEST_CASE("rule 17: malformed ${ is an error at the offending character", "[dotenv]") {
  check_single(parse("A=${}"), Severity::error, 1, 5, "bad substitution '${}'", "A=${}");
  check_single(parse("A=x ${1x}"), Severity::error, 1, 7, "bad substitution '${1x}'", "A=x ${1x}");
  check_single(parse("A=${X!}"), Severity::error, 1, 6, "bad substitution '${X!}'", "A=${X!}");
  check_single(parse("A=${X:}"), Severity::error, 1, 7, "bad substitution '${X:}'", "A=${X:}");
  check_single(parse("A=${X:x}"), Severity::error, 1, 7, "bad substitution '${X:x}'", "A=${X:x}");
  check_single(parse("A=${:-x}"), Severity::error, 1, 5, "bad substitution '${:-x}'", "A=${:-x}");
  check_single(parse("A=${X"), Severity::error, 1, 3, "missing '}' in '${X'", "A=${X");
  check_single(parse("A=${X:-${Y}"), Severity::error, 1, 3, "missing '}' in '${X:-${Y}'", "A=${X:-${Y}");
  check_single(parse("A=${X:-${1}}"), Severity::error, 1, 10, "bad substitution '${1}'", "A=${X:-${1}}");

  SECTION("a comment cuts an unquoted value before interpolation") {
    check_single(parse("A=${X:-a #b}"), Severity::error, 1, 3, "missing '}' in '${X:-a'", "A=${X:-a #b}");
  }
  SECTION("a default that is not used is still checked for syntax") {
    check_single(parse("A=${HOME:-${}}", {{"HOME", "/h"}}), Severity::error, 1, 13, "bad substitution '${}'",
                 "A=${HOME:-${}}");
  }
  SECTION("every problem is reported, and the bad text is kept as written") {
    const Parsed parsed = parse("A=${} ${2}\nB=\"x\n ${3}\" q\nC=ok\n");
    const auto& items = parsed.diagnostics.items();
    REQUIRE(items.size() == 4);
    CHECK(items[0].column == 5);
    CHECK(items[1].column == 9);
    CHECK(items[2].line == 3);
    CHECK(items[2].column == 4);
    CHECK(items[2].message == "bad substitution '${3}'");
    CHECK(items[3].line == 3);
    CHECK(items[3].column == 8);
    CHECK(items[3].message == "unexpected 'q' after closing quote");
    CHECK(parsed.get("A") == "${} ${2}");
    CHECK(parsed.get("C") == "ok");
  }
}

TEST_CASE("parse_dotenv is pure: the same input gives the same output", "[dotenv]") {
  const Environment env{{"HOME", "/h"}};
  const std::string text = "A=$HOME\nB=\"${A}/x\"\nC!=1\nD=${E:?}\n";
  const Parsed first = parse(text, env);
  const Parsed second = parse(text, env);
  CHECK(first.keys() == second.keys());
  CHECK(first.get("B") == second.get("B"));
  CHECK(first.diagnostics.items().size() == second.diagnostics.items().size());

  SECTION("an empty lookup function means nothing is inherited") {
    Diagnostics diagnostics;
    const auto variables = parse_dotenv("A=${HOME:-x}\nHOME\n", ".env", EnvLookup{}, diagnostics);
    REQUIRE(variables.size() == 1);
    CHECK(variables[0].value == "x");
  }
}

namespace {

std::string random_dotenv(std::mt19937& rng) {
  static const std::vector<std::string> k_tokens = {
      "=",  ":", "#",  "'",  "\"", "\\",           "$",        "{",    "}",  "-",
      "+",  "?", "\n", "\r", " ",  "\t",           "export ",  "A",    "b",  "HOME",
      "_x", "0", "7",  "(",  ")",  "\xEF\xBB\xBF", "\xC3\xA9", "\r\n", "${", "$(",
  };
  std::uniform_int_distribution<int> length(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, k_tokens.size() + 3);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string text;
  const int n = length(rng);
  for (int i = 0; i < n; ++i) {
    const std::size_t which = pick(rng);
    if (which < k_tokens.size()) {
      text += k_tokens[which];
    } else {
      text += static_cast<char>(byte(rng));
    }
  }
  return text;
}

bool same(const Diagnostic& a, const Diagnostic& b) {
  return a.severity == b.severity && a.line == b.line && a.column == b.column && a.message == b.message &&
         a.source_line == b.source_line;
}

} // namespace

TEST_CASE("random input never crashes and diagnostics are well formed", "[dotenv][random]") {
  std::mt19937 rng(20240611U);
  const Environment env{{"HOME", "/h"}, {"A", ""}};
  for (int round = 0; round < 6000; ++round) {
    const std::string text = random_dotenv(rng);
    const Parsed first = parse(text, env);
    const Parsed second = parse(text, env);
    INFO("round " << round);
    REQUIRE(first.variables.size() == second.variables.size());
    for (std::size_t i = 0; i < first.variables.size(); ++i) {
      REQUIRE(first.variables[i].key == second.variables[i].key);
      REQUIRE(first.variables[i].value == second.variables[i].value);
      REQUIRE(first.variables[i].line >= 1);
    }
    REQUIRE(first.diagnostics.items().size() == second.diagnostics.items().size());
    for (std::size_t i = 0; i < first.diagnostics.items().size(); ++i) {
      const Diagnostic& d = first.diagnostics.items()[i];
      REQUIRE(same(d, second.diagnostics.items()[i]));
      REQUIRE(d.line >= 1);
      REQUIRE(d.column >= 1);
      REQUIRE(static_cast<std::size_t>(d.column) <= d.source_line.size());
      REQUIRE(!d.message.empty());
    }
  }
}
