// SPDX-License-Identifier: MIT
#include <tfrun/core/dotenv_interpolate.hpp>

#include <utility>

namespace tfrun::core {
namespace {

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_byte(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_live_dollar(const ValueBytes& value, std::size_t i) { return value[i].ch == '$' && !value[i].verbatim; }

std::string raw_text(const ValueBytes& value, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    out += value[i].ch;
  }
  return out;
}

// The `}` that closes the `${` at `start`, counting nested `${`; `$$` is skipped so `$${` opens nothing.
std::optional<std::size_t> find_closing_brace(const ValueBytes& value, std::size_t start, std::size_t end) {
  int depth = 0;
  for (std::size_t k = start; k < end; ++k) {
    if (is_live_dollar(value, k) && k + 1 < end) {
      if (value[k + 1].ch == '{') {
        ++depth;
        ++k;
      } else if (is_live_dollar(value, k + 1)) {
        ++k;
      }
    } else if (value[k].ch == '}' && --depth == 0) {
      return k;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> find_closing_paren(const ValueBytes& value, std::size_t open, std::size_t end) {
  int depth = 0;
  for (std::size_t k = open; k < end; ++k) {
    if (value[k].ch == '(') {
      ++depth;
    } else if (value[k].ch == ')' && --depth == 0) {
      return k;
    }
  }
  return std::nullopt;
}

} // namespace

// A parsed `${NAME<op>word}`: `start` is its `$`, the word spans [word_begin, close).
struct Interpolator::Braced {
  std::size_t start = 0;
  std::size_t word_begin = 0;
  std::size_t close = 0;
  std::string name;
  bool colon = false;
  char op = 0;
};

Interpolator::Interpolator(Resolve resolve, Report report)
    : m_resolve(std::move(resolve)), m_report(std::move(report)) {}

std::string Interpolator::expand(const ValueBytes& value) { return expand_range(value, 0, value.size(), true); }

std::string Interpolator::expand_range(const ValueBytes& value, std::size_t begin, std::size_t end, bool evaluate) {
  std::string out;
  std::size_t i = begin;
  while (i < end) {
    if (is_live_dollar(value, i)) {
      i = expand_dollar(value, i, end, evaluate, out);
    } else {
      out += value[i++].ch;
    }
  }
  return out;
}

// Returns the index after what the `$` at `at` introduced.
std::size_t Interpolator::expand_dollar(const ValueBytes& value, std::size_t at, std::size_t end, bool evaluate,
                                        std::string& out) {
  const std::size_t next = at + 1;
  if (next < end && is_live_dollar(value, next)) {
    out += '$';
    return next + 1;
  }
  if (next < end && value[next].ch == '{') {
    return expand_braced(value, at, end, evaluate, out);
  }
  if (next < end && is_name_start(value[next].ch)) {
    std::size_t k = next;
    while (k < end && is_name_byte(value[k].ch)) {
      ++k;
    }
    if (evaluate) {
      out += m_resolve(raw_text(value, next, k)).value_or("");
    }
    return k;
  }
  if (next < end && value[next].ch == '(') {
    // Command substitution is never run: `$(` and `)` stay as written, the variables inside are expanded
    // (docs/formats.md, .env), so `$(echo $HOME)` reaches the child as `$(echo /home/me)`.
    if (const auto close = find_closing_paren(value, next, end)) {
      out += "$(";
      out += expand_range(value, next + 1, *close, evaluate);
      out += ')';
      return *close + 1;
    }
  }
  out += '$';
  return next;
}

std::size_t Interpolator::expand_braced(const ValueBytes& value, std::size_t start, std::size_t end, bool evaluate,
                                        std::string& out) {
  const auto close = find_closing_brace(value, start, end);
  if (!close) {
    m_report(value[start].offset, "missing '}' in '" + raw_text(value, start, end) + "'");
    out += raw_text(value, start, end);
    return end;
  }
  Braced braced{start, start + 2, *close, {}, false, 0};
  std::size_t k = start + 2;
  if (k < *close && is_name_start(value[k].ch)) {
    while (k < *close && is_name_byte(value[k].ch)) {
      braced.name += value[k++].ch;
    }
  }
  if (!braced.name.empty() && k == *close) {
    out += evaluate ? m_resolve(braced.name).value_or("") : std::string();
    return *close + 1;
  }
  if (!braced.name.empty()) {
    braced.colon = value[k].ch == ':';
    k += braced.colon ? 1 : 0;
  }
  if (braced.name.empty() || k == *close || std::string_view("-+?").find(value[k].ch) == std::string_view::npos) {
    // The column points at the first byte that cannot continue the expression.
    m_report(value[k].offset, "bad substitution '" + raw_text(value, start, *close + 1) + "'");
    out += raw_text(value, start, *close + 1);
    return *close + 1;
  }
  braced.op = value[k].ch;
  braced.word_begin = k + 1;
  out += apply_operator(value, braced, evaluate);
  return *close + 1;
}

std::string Interpolator::apply_operator(const ValueBytes& value, const Braced& b, bool evaluate) {
  if (!evaluate) {
    (void)expand_range(value, b.word_begin, b.close, false);
    return {};
  }
  const std::optional<std::string> current = m_resolve(b.name);
  const bool present = current.has_value() && (!b.colon || !current->empty());
  const bool use_word = b.op == '+' ? present : !present;
  std::string word = expand_range(value, b.word_begin, b.close, use_word);
  if (b.op == '-') {
    return use_word ? word : *current;
  }
  if (b.op == '+') {
    return use_word ? word : std::string();
  }
  if (use_word) {
    const std::string reason = !word.empty() ? word : current.has_value() ? "empty" : "not set";
    m_report(value[b.start].offset, b.name + ": " + reason);
  }
  return current.value_or("");
}

} // namespace tfrun::core
