// SPDX-License-Identifier: MIT
#include <tfrun/core/name_match.hpp>

#include <algorithm>

namespace tfrun::core {
namespace {

// Matches the class starting after '[' at pattern[at]; returns the index after ']' or npos when the class
// is not closed (then '[' is an ordinary character, as in fnmatch).
std::size_t match_class(std::string_view pattern, std::size_t at, char c, bool& matched) {
  bool negate = false;
  if (at < pattern.size() && (pattern[at] == '!' || pattern[at] == '^')) {
    negate = true;
    ++at;
  }
  bool found = false;
  bool first = true;
  while (at < pattern.size() && (first || pattern[at] != ']')) {
    first = false;
    char low = pattern[at];
    if (low == '\\' && at + 1 < pattern.size()) {
      low = pattern[++at];
    }
    char high = low;
    if (at + 2 < pattern.size() && pattern[at + 1] == '-' && pattern[at + 2] != ']') {
      high = pattern[at + 2];
      at += 2;
    }
    found = found || (low <= c && c <= high);
    ++at;
  }
  if (at >= pattern.size()) {
    return std::string_view::npos;
  }
  matched = found != negate;
  return at + 1;
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative with one backtrack point for the last `*`: linear in practice, no recursion.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char c = pattern[p];
      if (c == '*') {
        star = ++p;
        star_text = t;
        continue;
      }
      if (c == '?') {
        ++p;
        ++t;
        continue;
      }
      if (c == '[') {
        bool matched = false;
        const auto after = match_class(pattern, p + 1, text[t], matched);
        if (after != std::string_view::npos) {
          if (matched) {
            p = after;
            ++t;
            continue;
          }
        } else if (text[t] == '[') {
          ++p;
          ++t;
          continue;
        }
      } else {
        const bool quoted = c == '\\' && p + 1 < pattern.size();
        const char literal = quoted ? pattern[p + 1] : c;
        if (literal == text[t]) {
          p += quoted ? 2 : 1;
          ++t;
          continue;
        }
      }
    }
    if (star == std::string_view::npos) {
      return false;
    }
    p = star;
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

NameSelection select_instances(const std::vector<std::string>& patterns, const std::vector<NamedInstance>& instances) {
  NameSelection out;
  std::vector<bool> taken(instances.size(), patterns.empty());
  for (const auto& pattern : patterns) {
    bool any = false;
    for (std::size_t i = 0; i < instances.size(); ++i) {
      if (glob_match(pattern, instances[i].name) || glob_match(pattern, instances[i].type)) {
        taken[i] = true;
        any = true;
      }
    }
    if (!any) {
      out.unmatched.push_back(pattern);
    }
  }
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (taken[i]) {
      out.chosen.push_back(i);
    }
  }
  return out;
}

} // namespace tfrun::core
