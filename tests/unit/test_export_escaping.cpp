// SPDX-License-Identifier: MIT
// Hostile values through every exporter, read back by small parsers that follow each target's own rules
// (systemd.syntax(7), YAML 1.2 double-quoted scalars, XML 1.0, POSIX shell words, supervisord's shlex,
// runit's envdir). A value either comes back unchanged or is refused with an ExportError.
#include "export_test_app.hpp"

// The argv each format is meant to start, to compare what is read back with.
#include "../../src/core/export_common.hpp"

#include <algorithm>

using namespace export_test;
using tfrun::core::export_detail::command_argv;
using tfrun::core::export_detail::ProgramLookup;

namespace {

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6U));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12U));
    out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18U));
    out += static_cast<char>(0x80 | ((code >> 12U) & 0x3FU));
    out += static_cast<char>(0x80 | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (code & 0x3FU));
  }
}

char32_t hex_digits(std::string_view text, std::size_t& i, std::size_t count, int base = 16) {
  const auto digits = std::string(text.substr(i, count));
  REQUIRE(digits.size() == count);
  i += count;
  return static_cast<char32_t>(std::stoul(digits, nullptr, base));
}

// systemd's extract_first_word(EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE), then specifier expansion of `%%`.
std::vector<std::string> systemd_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
    if (i == text.size()) {
      break;
    }
    std::string word;
    char quote = 0;
    for (; i < text.size() && (quote != 0 || text[i] != ' '); ++i) {
      const char c = text[i];
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else if (c == '%') {
        REQUIRE(text.at(++i) == '%');
        word += '%';
      } else if (c != '\\') {
        word += c;
      } else {
        const char e = text.at(++i);
        const std::string_view simple = "abfnrtv\\\"'s";
        const std::string_view meaning = "\a\b\f\n\r\t\v\\\"' ";
        if (simple.find(e) != std::string_view::npos) {
          word += meaning[simple.find(e)];
        } else if (e == 'x') {
          ++i;
          word += static_cast<char>(hex_digits(text, i, 2));
          --i;
        } else {
          FAIL("unknown systemd escape \\" << e);
        }
      }
    }
    REQUIRE(quote == 0);
    words.push_back(word);
  }
  return words;
}

std::string undouble(std::string text, char c) {
  const std::string twice(2, c);
  for (auto at = text.find(twice); at != std::string::npos; at = text.find(twice, at + 1)) {
    text.erase(at, 1);
  }
  return text;
}

// A YAML 1.2 double-quoted scalar written on one line.
std::string yaml_unquote(std::string_view text) {
  REQUIRE(text.size() >= 2);
  REQUIRE(text.front() == '"');
  REQUIRE(text.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    REQUIRE(c != '"');
    REQUIRE(static_cast<unsigned char>(c) >= 0x20);
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = text[++i];
    const std::string_view simple = "0abtnvfre \"/\\";
    const std::string_view meaning("\0\a\b\t\n\v\f\r\x1b \"/\\", 13);
    if (simple.find(e) != std::string_view::npos) {
      out += meaning[simple.find(e)];
      continue;
    }
    ++i;
    const std::size_t count = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    REQUIRE(count != 0);
    append_utf8(out, hex_digits(text, i, count));
    --i;
  }
  return out;
}

// XML 1.0 character data: line ends normalised first (§2.11), then references.
std::string xml_unescape(std::string_view raw) {
  std::string text;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') {
      text += '\n';
      i += i + 1 < raw.size() && raw[i + 1] == '\n' ? 1 : 0;
    } else {
      REQUIRE(raw[i] != '<');
      text += raw[i];
    }
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto end = text.find(';', i);
    REQUIRE(end != std::string::npos);
    const auto name = text.substr(i + 1, end - i - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
      out += name == "amp" ? '&' : name == "lt" ? '<' : name == "gt" ? '>' : name == "quot" ? '"' : '\'';
    } else {
      REQUIRE(name.size() > 1);
      REQUIRE(name[0] == '#');
      append_utf8(out, static_cast<char32_t>(std::stoul(name.substr(1), nullptr, 10)));
    }
    i = end;
  }
  return out;
}

// One POSIX shell word (also what Python's shlex.split does with these constructs); `i` ends after it.
std::string shell_word(std::string_view text, std::size_t& i) {
  std::string out;
  for (; i < text.size() && text[i] != ' ' && text[i] != '\n'; ++i) {
    if (text[i] == '\'') {
      const auto end = text.find('\'', i + 1);
      REQUIRE(end != std::string_view::npos);
      out += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (text[i] == '\\') {
      out += text.at(++i);
    } else {
      out += text[i];
    }
  }
  return out;
}

// The items of a YAML block sequence of double-quoted scalars after `key`, with `$$` read as `$`.
std::vector<std::string> yaml_list(const std::string& text, const std::string& key, const std::string& item) {
  std::vector<std::string> out;
  auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  for (at += key.size(); text.compare(at, item.size(), item) == 0;) {
    const auto end = text.find('\n', at);
    out.push_back(undouble(yaml_unquote(std::string_view(text).substr(at + item.size(), end - at - item.size())), '$'));
    at = end + 1;
  }
  return out;
}

std::vector<std::string> shell_words(std::string_view text) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size(); ++i) {
    words.push_back(shell_word(text, i));
  }
  return words;
}

std::string line_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  const auto start = at + prefix.size();
  return text.substr(start, text.find('\n', start) - start);
}

const std::vector<std::string> k_hostile{
    "",
    "plain",
    " leading and trailing ",
    "it's",
    "say \"hi\"",
    "both ' and \"",
    "$HOME ${PATH} $$ $(id) `id`",
    "100% %d %% %n",
    "back\\slash \\n \\\\ \\x41 \\",
    "#hash ;semi a #b a ;c",
    "line\nbreak\r\nand cr\r",
    "\ttab\tinside",
    "Grüße 世界 🎉",
    "\x01\x1b[31mred\x7f",
    "\xe2\x80\xa8 \xc2\x85 \xef\xbb\xbf",
    "]]> <tag attr=\"x\"> &amp; &",
    "\"quoted at both ends\"",
    "key=value,OTHER=1",
};

ExportInput hostile_input(const std::string& value) {
  ExportInput input;
  input.app = "app";
  input.user = "app";
  input.root = "/srv/app";
  input.image = "app:1";
  input.instances = {{"web", 1, "web.1", 5000, value}};
  input.env = {{"HOSTILE", value, 1}};
  return input;
}

bool has_control(const std::string& value) {
  return std::any_of(value.begin(), value.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\x7f';
  });
}

bool supervisord_refuses(const std::string& value) {
  const bool quote_at_end =
      !value.empty() && (value.front() == '"' || value.front() == '\'' || value.back() == '"' || value.back() == '\'');
  const bool both = value.find('"') != std::string::npos && value.find('\'') != std::string::npos;
  const bool comment = value.find(" #") != std::string::npos || value.find(" ;") != std::string::npos;
  return quote_at_end || both || comment || value.find_first_of("\r\n") != std::string::npos;
}

} // namespace

TEST_CASE("escaping: systemd Environment= and ExecStart= read back", "[export][escaping]") {
  for (const auto& value : k_hostile) {
    INFO("value " << value);
    const auto unit = render_systemd(hostile_input(value)).at(1).content;
    REQUIRE(systemd_words("\"HOSTILE=" + line_after(unit, "\nEnvironment=\"HOSTILE=")).size() == 1);
    CHECK(systemd_words("\"HOSTILE=" + line_after(unit, "\nEnvironment=\"HOSTILE=")).at(0) == "HOSTILE=" + value);
    auto exec = systemd_words(line_after(unit, "\nExecStart="));
    for (auto& word : exec) {
      word = undouble(word, '$');
    }
    CHECK(exec == command_argv(hostile_input(value), value, ProgramLookup::engine));
  }
}

TEST_CASE("escaping: kubernetes and compose YAML scalars read back", "[export][escaping]") {
  for (const auto& value : k_hostile) {
    INFO("value " << value);
    const auto files = render_kubernetes(hostile_input(value));
    CHECK(yaml_unquote(line_after(files.at(0).content, "\n  \"HOSTILE\": ")) == value);
    // Kubernetes reduces `$$` to `$` in a command (and replaces `$(NAME)`), as compose does with `$$`.
    const auto argv = command_argv(hostile_input(value), value, ProgramLookup::app);
    CHECK(yaml_list(files.at(1).content, "\n          command:\n", "            - ") == argv);
    const auto compose = render_compose(hostile_input(value)).at(0).content;
    CHECK(undouble(yaml_unquote(line_after(compose, "\n      \"HOSTILE\": ")), '$') == value);
    CHECK(yaml_list(compose, "\n    entrypoint:\n", "      - ") == argv);
  }
}

TEST_CASE("escaping: launchd property list strings read back", "[export][escaping]") {
  for (const auto& value : k_hostile) {
    INFO("value " << value);
    if (has_control(value)) {
      CHECK_THROWS_AS(render_launchd(hostile_input(value)), ExportError);
      continue;
    }
    const auto plist = render_launchd(hostile_input(value)).at(0).content;
    const auto element = [&](const std::string& after) {
      const auto start = plist.find(after) + after.size();
      return xml_unescape(std::string_view(plist).substr(start, plist.find("</string>", start) - start));
    };
    CHECK(element("<key>HOSTILE</key>\n    <string>") == value);
    std::vector<std::string> argv;
    const std::string array = plist.substr(plist.find("<array>"), plist.find("</array>") - plist.find("<array>"));
    for (auto at = array.find("<string>"); at != std::string::npos; at = array.find("<string>", at + 1)) {
      argv.push_back(xml_unescape(array.substr(at + 8, array.find("</string>", at) - at - 8)));
    }
    CHECK(argv == command_argv(hostile_input(value), value, ProgramLookup::engine));
  }
}

TEST_CASE("escaping: runit run script and envdir read back", "[export][escaping]") {
  for (const auto& value : k_hostile) {
    INFO("value " << value);
    if (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      CHECK_THROWS_AS(render_runit(hostile_input(value)), ExportError);
      continue;
    }
    const auto files = render_runit(hostile_input(value));
    const auto run = files.at(0).content;
    const auto prefix = std::string("exec chpst -u 'app' -P -e \"$envdir\" ");
    const auto command = run.substr(run.find(prefix) + prefix.size());
    CHECK(command.ends_with("\n"));
    CHECK(shell_words(command.substr(0, command.size() - 1)) ==
          command_argv(hostile_input(value), value, ProgramLookup::engine));
    const auto env = std::find_if(files.begin(), files.end(),
                                  [](const auto& f) { return f.path.find("HOSTILE") != std::string::npos; });
    REQUIRE(env != files.end());
    std::string read = env->content.substr(0, env->content.find('\n'));
    std::replace(read.begin(), read.end(), '\0', '\n');
    CHECK(read == value);
  }
}

TEST_CASE("escaping: supervisord command and environment read back", "[export][escaping]") {
  for (const auto& value : k_hostile) {
    INFO("value " << value);
    auto input = hostile_input(value);
    input.env.clear();
    if (value.find_first_of("\r\n") != std::string::npos) {
      CHECK_THROWS_AS(render_supervisord(input), ExportError);
    } else {
      const auto conf = render_supervisord(input).at(0).content;
      const auto line = undouble(line_after(conf, "\ncommand="), '%');
      CHECK(line.find(" ;") == std::string::npos);
      CHECK(line.find(" #") == std::string::npos);
      CHECK(shell_words(line) == command_argv(input, value, ProgramLookup::engine));
    }
    input = hostile_input("x");
    input.env = {{"HOSTILE", value, 1}};
    if (supervisord_refuses(value)) {
      CHECK_THROWS_AS(render_supervisord(input), ExportError);
      continue;
    }
    const auto conf = render_supervisord(input).at(0).content;
    auto pair = undouble(line_after(conf, "\nenvironment=HOSTILE="), '%');
    pair = pair.substr(0, pair.find(pair.front(), 1) + 1);
    CHECK(pair.substr(1, pair.size() - 2) == value);
  }
}
