// SPDX-License-Identifier: MIT
// The rule is in docs/formats.md ("How a command is run"). The scanner below reads just enough of the POSIX
// shell grammar to answer three questions exactly: is the command one simple command, which of its words is the
// command name, and (when nothing is left for the shell to do) what are the words after quote removal. Whatever
// it cannot read with certainty makes it answer "the shell, unchanged", which is always right.
#include <tfrun/core/shell_command.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace tfrun::core {

namespace {

struct Word {
  std::size_t begin = 0;
  std::string raw;            // as written, quotes included
  std::string value;          // after quote removal; the argument when `literal`
  bool literal = true;        // no expansion, pattern or tilde: `value` is exactly what the program gets
  bool plain = true;          // only characters that are literal anywhere in a word, or quoted ones
  bool literal_slash = false; // a `/` outside any expansion: the name cannot be a builtin or a function
  bool redirect_target = false;
};

struct Scan {
  std::vector<Word> words;
  bool certain = true; // false: quoting or nesting this scanner does not follow
  bool simple = true;  // false: a list, pipeline, background job or subshell
  bool redirects = false;
  bool comment = false;
};

bool blank(char c) { return c == ' ' || c == '\t'; }

bool name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Characters that no POSIX shell, nor bash or busybox ash in sh mode, treats specially inside a word.
bool plain_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || name_char(c) || std::string_view("-./,:@+%=").find(c) != std::string_view::npos;
}

// Reserved words (POSIX, bash, ksh) and the builtins of dash, bash and busybox ash: as a command name, such a
// word is not a program that `exec` or execve would find, or not the same one.
bool builtin_or_reserved(std::string_view word) {
  static constexpr std::array<std::string_view, 62> k_words{
      "!",      "{",    "}",     "[[",       "]]",     "case",  "coproc",  "do",       "done",    "elif",     "else",
      "esac",   "fi",   "for",   "function", "if",     "in",    "select",  "then",     "time",    "until",    "while",
      ".",      ":",    "[",     "alias",    "bg",     "break", "builtin", "cd",       "command", "continue", "declare",
      "echo",   "eval", "exec",  "exit",     "export", "false", "fc",      "fg",       "getopts", "hash",     "help",
      "jobs",   "kill", "let",   "local",    "printf", "pwd",   "read",    "readonly", "return",  "set",      "shift",
      "source", "test", "times", "trap",     "true",   "type",  "typeset"};
  static constexpr std::array<std::string_view, 5> k_more{"ulimit", "umask", "unalias", "unset", "wait"};
  return std::find(k_words.begin(), k_words.end(), word) != k_words.end() ||
         std::find(k_more.begin(), k_more.end(), word) != k_more.end();
}

class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  Scan run() {
    while (m_at < m_text.size() && m_scan.certain && m_scan.simple && !m_scan.comment) {
      step();
    }
    end_word();
    return std::move(m_scan);
  }

private:
  void step() {
    const char c = m_text[m_at];
    if (blank(c)) {
      end_word();
      ++m_at;
    } else if (std::string_view(";&|()\n").find(c) != std::string_view::npos) {
      m_scan.simple = false;
    } else if (c == '<' || c == '>') {
      redirection();
    } else if (c == '#' && !m_word) {
      m_scan.comment = true;
    } else {
      word_part(c);
    }
  }

  // `[n]op target`: the digits just before the operator name a descriptor, the next word is the target.
  void redirection() {
    m_scan.redirects = true;
    if (m_word &&
        m_text.substr(m_word->begin, m_at - m_word->begin).find_first_not_of("0123456789") == std::string_view::npos) {
      m_word.reset();
    }
    end_word();
    if (m_text.substr(m_at, 2) == "<<") {
      m_scan.certain = false; // a here-document's body cannot follow on one line
      return;
    }
    ++m_at;
    while (m_at < m_text.size() && std::string_view(">&|").find(m_text[m_at]) != std::string_view::npos) {
      ++m_at;
    }
    m_target_next = true;
  }

  Word& word() {
    if (!m_word) {
      m_word = Word{};
      m_word->begin = m_at;
      m_word->redirect_target = m_target_next;
      m_target_next = false;
    }
    return *m_word;
  }

  void end_word() {
    if (m_word) {
      m_word->raw = std::string(m_text.substr(m_word->begin, m_at - m_word->begin));
      m_scan.words.push_back(std::move(*m_word));
      m_word.reset();
    }
  }

  void word_part(char c) {
    auto& current = word();
    switch (c) {
    case '\'': single_quoted(current); break;
    case '"': double_quoted(current); break;
    case '\\': escaped(current); break;
    case '$':
    case '`':
      current.literal = false;
      skip_expansion();
      break;
    default:
      if (c == '*' || c == '?' || c == '[' || (c == '~' && m_at == current.begin)) {
        current.literal = false;
      }
      current.plain = current.plain && plain_char(c);
      current.literal_slash = current.literal_slash || c == '/';
      current.value += c;
      ++m_at;
    }
  }

  void single_quoted(Word& current) {
    const auto close = m_text.find('\'', m_at + 1);
    if (close == std::string_view::npos) {
      m_scan.certain = false;
      return;
    }
    current.value += m_text.substr(m_at + 1, close - m_at - 1);
    m_at = close + 1;
  }

  // Inside double quotes only `$`, backquote and backslash are special; a backslash escapes only `$`, backquote,
  // `"`, `\` and a line break (a line continuation) and is kept before anything else.
  void double_quoted(Word& current) {
    ++m_at;
    while (m_at < m_text.size() && m_scan.certain) {
      const char c = m_text[m_at];
      if (c == '"') {
        ++m_at;
        return;
      }
      if (c == '\\' && m_at + 1 < m_text.size() &&
          std::string_view("$`\"\\\n").find(m_text[m_at + 1]) != std::string_view::npos) {
        if (m_text[m_at + 1] != '\n') {
          current.value += m_text[m_at + 1];
        }
        m_at += 2;
      } else if (c == '$' || c == '`') {
        current.literal = false;
        skip_expansion();
      } else {
        current.value += c;
        ++m_at;
      }
    }
    m_scan.certain = false; // no closing quote
  }

  void escaped(Word& current) {
    if (m_at + 1 >= m_text.size()) {
      m_scan.certain = false;
      return;
    }
    if (m_text[m_at + 1] != '\n') {
      current.value += m_text[m_at + 1];
    }
    m_at += 2;
  }

  // Moves past `$name`, `${...}`, `$(...)`, `$((...))` or a backquoted command. Their inside is the shell's
  // business; it only has to be skipped without mistaking a `;` or `|` in it for one of the command's own.
  void skip_expansion() {
    if (m_text[m_at] == '`') {
      skip_to_unescaped('`', m_at + 1);
      return;
    }
    const auto next = m_at + 1 < m_text.size() ? m_text[m_at + 1] : '\0';
    if (next == '(' || next == '{') {
      skip_balanced(m_at + 1);
    } else if (name_start(next)) {
      m_at += 2;
      while (m_at < m_text.size() && name_char(m_text[m_at])) {
        ++m_at;
      }
    } else {
      m_at += next != '\0' && std::string_view("@*#?-$!0123456789").find(next) != std::string_view::npos ? 2 : 1;
    }
  }

  void skip_to_unescaped(char close, std::size_t from) {
    for (auto i = from; i < m_text.size(); ++i) {
      if (m_text[i] == '\\') {
        ++i;
      } else if (m_text[i] == close) {
        m_at = i + 1;
        return;
      }
    }
    m_scan.certain = false;
  }

  // From an opening `(` or `{` to its partner, following quotes. A `case` inside (whose patterns end in an
  // unpaired `)`) or anything unbalanced is beyond this scanner.
  void skip_balanced(std::size_t open) {
    const char open_char = m_text[open];
    const char close_char = open_char == '(' ? ')' : '}';
    int depth = 0;
    for (auto i = open; i < m_text.size(); ++i) {
      const char c = m_text[i];
      if (c == '\\') {
        ++i;
      } else if (c == '\'' || c == '"') {
        const auto close = m_text.find(c, i + 1);
        const auto quoted = m_text.substr(i, close == std::string_view::npos ? close : close - i);
        // A nested quote inside an expansion inside these double quotes is beyond this scanner.
        if (close == std::string_view::npos || (c == '"' && quoted.find_first_of("$`\\") != std::string_view::npos)) {
          break;
        }
        i = close;
      } else if (c == '`') {
        break;
      } else if (c == open_char) {
        ++depth;
      } else if (c == close_char && --depth == 0) {
        const auto inside = m_text.substr(open, i - open);
        m_scan.certain = m_scan.certain && inside.find("case") == std::string_view::npos;
        m_at = i + 1;
        return;
      }
    }
    m_scan.certain = false;
  }

  std::string_view m_text;
  std::size_t m_at = 0;
  Scan m_scan;
  std::optional<Word> m_word;
  bool m_target_next = false;
};

bool assignment(const Word& word) {
  const auto equals = word.raw.find('=');
  return equals != std::string::npos && equals > 0 && name_start(word.raw.front()) &&
         std::all_of(word.raw.begin(), word.raw.begin() + static_cast<std::ptrdiff_t>(equals), name_char);
}

// The command name: the first word that is neither an assignment nor a redirection's target.
const Word* command_word(const Scan& scan) {
  for (const auto& word : scan.words) {
    if (!word.redirect_target && !assignment(word)) {
      return &word;
    }
  }
  return nullptr;
}

// exec'ing the name keeps the meaning when it is a program the shell would have run in a child anyway.
bool execs_a_program(const Word& name) {
  if (name.literal_slash) {
    return true; // a path: never a builtin or a function
  }
  return name.literal && !name.value.empty() && !builtin_or_reserved(name.value) && !builtin_or_reserved(name.raw);
}

std::optional<std::vector<std::string>> direct_argv(const Scan& scan) {
  if (!scan.certain || !scan.simple || scan.redirects || scan.comment || scan.words.empty()) {
    return std::nullopt;
  }
  auto first = scan.words.begin();
  // `exec prog args` already asks for what direct execution does (dash's exec takes no options; bash's do).
  if (first->raw == "exec" && scan.words.size() > 1 && !scan.words[1].value.starts_with('-')) {
    ++first;
  }
  const bool all_literal = std::all_of(first, scan.words.end(), [](const Word& w) { return w.literal && w.plain; });
  if (!all_literal || first->value.find('=') != std::string::npos || !execs_a_program(*first)) {
    return std::nullopt;
  }
  std::vector<std::string> argv;
  for (auto word = first; word != scan.words.end(); ++word) {
    argv.push_back(word->value);
  }
  return argv;
}

} // namespace

CommandPlan plan_command(std::string_view command, std::string_view shell) {
  const auto scan = Scanner(command).run();
  if (auto argv = direct_argv(scan)) {
    return {std::move(*argv), false};
  }
  std::string text(command);
  const auto* name = scan.certain && scan.simple ? command_word(scan) : nullptr;
  if (name != nullptr && name->raw != "exec" && execs_a_program(*name)) {
    text.insert(name->begin, "exec ");
  }
  return {{std::string(shell), "-c", std::move(text)}, true};
}

} // namespace tfrun::core
