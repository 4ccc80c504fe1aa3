// SPDX-License-Identifier: MIT
#include <tfrun/core/diagnostics.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace tfrun::core;

namespace {

Diagnostic make(Severity severity, std::string file, int line, int column, std::string message,
                std::string source_line = {}) {
  return Diagnostic{severity, std::move(file), line, column, std::move(message), std::move(source_line)};
}

} // namespace

TEST_CASE("format_diagnostic: an error with line and column shows the line and a caret", "[diagnostics]") {
  const auto d = make(Severity::error, "Procfile", 3, 5, "bad thing", "web x: run");
  CHECK(format_diagnostic(d) == "tfrun: error: Procfile:3:5: bad thing\n"
                                "  web x: run\n"
                                "      ^\n");
}

TEST_CASE("format_diagnostic: a warning says warning", "[diagnostics]") {
  const auto d = make(Severity::warning, ".env", 2, 1, "line ignored", "oops");
  CHECK(format_diagnostic(d) == "tfrun: warning: .env:2:1: line ignored\n"
                                "  oops\n"
                                "  ^\n");
}

TEST_CASE("format_diagnostic: a line without a column has no caret", "[diagnostics]") {
  const auto d = make(Severity::error, "Procfile", 7, 0, "something", "web: x");
  CHECK(format_diagnostic(d) == "tfrun: error: Procfile:7: something\n"
                                "  web: x\n");
}

TEST_CASE("format_diagnostic: no line means neither line nor caret", "[diagnostics]") {
  CHECK(format_diagnostic(make(Severity::error, "Procfile", 0, 0, "no process entries")) ==
        "tfrun: error: Procfile: no process entries\n");
  // A column without a line is not shown either.
  CHECK(format_diagnostic(make(Severity::warning, "Procfile", 0, 4, "odd", "ignored")) ==
        "tfrun: warning: Procfile: odd\n");
}

TEST_CASE("format_diagnostic: no file means the message alone", "[diagnostics]") {
  CHECK(format_diagnostic(make(Severity::error, "", 0, 0, "no Procfile")) == "tfrun: error: no Procfile\n");
  // The source line is still shown when a line is known.
  CHECK(format_diagnostic(make(Severity::error, "", 2, 3, "m", "abcd")) == "tfrun: error: m\n"
                                                                           "  abcd\n"
                                                                           "    ^\n");
}

TEST_CASE("format_diagnostic: tabs before the column are kept in the caret padding", "[diagnostics]") {
  const auto d = make(Severity::error, "f", 1, 4, "here", "\t\tx=1");
  CHECK(format_diagnostic(d) == "tfrun: error: f:1:4: here\n"
                                "  \t\tx=1\n"
                                "  \t\t ^\n");
  const auto mixed = make(Severity::error, "f", 1, 5, "here", "a\tb\tc");
  CHECK(format_diagnostic(mixed) == "tfrun: error: f:1:5: here\n"
                                    "  a\tb\tc\n"
                                    "   \t \t^\n");
}

TEST_CASE("format_diagnostic: the caret lines up after multi-byte characters", "[diagnostics]") {
  // Regression: the padding has one space per byte before the column, so every multi-byte UTF-8 character
  // before it (shown in one terminal column) pushes the caret one or more columns too far right. Here 'x'
  // is byte 7 but terminal column 6 of the line.
  const auto d = make(Severity::error, "tfrun.toml", 1, 7, "here", "caf\xC3\xA9 x");
  CHECK(format_diagnostic(d) == "tfrun: error: tfrun.toml:1:7: here\n"
                                "  caf\xC3\xA9 x\n"
                                "       ^\n");
}

TEST_CASE("format_diagnostic: a column past the end puts the caret just after the line", "[diagnostics]") {
  const auto d = make(Severity::warning, "Procfile", 1, 5, "no command", "web:");
  CHECK(format_diagnostic(d) == "tfrun: warning: Procfile:1:5: no command\n"
                                "  web:\n"
                                "      ^\n");
  // Far past the end the padding stops at the line's length.
  const auto far = make(Severity::warning, "Procfile", 1, 50, "far", "ab");
  CHECK(format_diagnostic(far) == "tfrun: warning: Procfile:1:50: far\n"
                                  "  ab\n"
                                  "    ^\n");
}

TEST_CASE("line_of returns one line without its ending", "[diagnostics]") {
  const std::string text = "one\ntwo\r\n\nfour";
  CHECK(line_of(text, 1) == "one");
  CHECK(line_of(text, 2) == "two");
  CHECK(line_of(text, 3) == "");
  CHECK(line_of(text, 4) == "four");
  CHECK(line_of("a\r\nb\r\n", 1) == "a");
  CHECK(line_of("a\r\nb\r\n", 2) == "b");
  // Only the CR right before the line end is dropped.
  CHECK(line_of("a\r\r\n", 1) == "a\r");
  CHECK(line_of("a\rb\n", 1) == "a\rb");
}

TEST_CASE("line_of past the end gives an empty string", "[diagnostics]") {
  CHECK(line_of("one\ntwo", 3) == "");
  CHECK(line_of("one\ntwo\n", 3) == ""); // the empty line after the last newline
  CHECK(line_of("one\ntwo\n", 4) == "");
  CHECK(line_of("", 1) == "");
  CHECK(line_of("", 5) == "");
}

TEST_CASE("line_of with a line number below 1 gives an empty string", "[diagnostics]") {
  // Regression: line_of is documented as 1-based and Diagnostic uses line 0 for "no line", yet line_of(text, 0)
  // and line_of(text, -1) return the first line instead of nothing.
  CHECK(line_of("one\ntwo\n", 0) == "");
  CHECK(line_of("one\ntwo\n", -1) == "");
}

TEST_CASE("Diagnostics collects errors and warnings in order", "[diagnostics]") {
  Diagnostics diagnostics;
  CHECK(diagnostics.empty());
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.warning("a", 1, 2, "w1", "src");
  CHECK_FALSE(diagnostics.empty());
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.error("b", 3, 4, "e1");
  diagnostics.warning("c", 5, 6, "w2");
  CHECK(diagnostics.has_errors());
  REQUIRE(diagnostics.items().size() == 3);
  CHECK(diagnostics.items()[0].severity == Severity::warning);
  CHECK(diagnostics.items()[0].file == "a");
  CHECK(diagnostics.items()[0].line == 1);
  CHECK(diagnostics.items()[0].column == 2);
  CHECK(diagnostics.items()[0].source_line == "src");
  CHECK(diagnostics.items()[1].severity == Severity::error);
  CHECK(diagnostics.items()[1].message == "e1");
  const auto warnings = diagnostics.warnings();
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].message == "w1");
  CHECK(warnings[1].message == "w2");
}

TEST_CASE("Diagnostics::append adds another collection at the end", "[diagnostics]") {
  Diagnostics first;
  first.warning("a", 1, 1, "one");
  Diagnostics second;
  second.error("b", 2, 2, "two");
  second.add(make(Severity::warning, "c", 3, 3, "three"));
  first.append(second);
  REQUIRE(first.items().size() == 3);
  CHECK(first.items()[0].message == "one");
  CHECK(first.items()[1].message == "two");
  CHECK(first.items()[2].message == "three");
  CHECK(second.items().size() == 2);
}

TEST_CASE("promote_warnings turns every warning into an error (check --strict)", "[diagnostics]") {
  Diagnostics diagnostics;
  diagnostics.warning("Procfile", 2, 1, "line ignored", "junk");
  diagnostics.warning(".env", 4, 3, "skipped");
  CHECK_FALSE(diagnostics.has_errors());
  diagnostics.promote_warnings();
  CHECK(diagnostics.has_errors());
  CHECK(diagnostics.warnings().empty());
  REQUIRE(diagnostics.items().size() == 2);
  for (const auto& d : diagnostics.items()) {
    CHECK(d.severity == Severity::error);
  }
  // Everything else is unchanged, so the report reads the same apart from its first word.
  CHECK(format_diagnostic(diagnostics.items()[0]) == "tfrun: error: Procfile:2:1: line ignored\n"
                                                     "  junk\n"
                                                     "  ^\n");
  CHECK(diagnostics.items()[1].message == "skipped");

  Diagnostics nothing;
  nothing.promote_warnings();
  CHECK(nothing.empty());
}
