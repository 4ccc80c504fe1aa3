// SPDX-License-Identifier: MIT
#include <tfrun/core/screen_line.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

namespace tfrun::core {
namespace {

constexpr char k_escape = '\x1b';

bool needs_rendering(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

// The end of the escape sequence starting at `at` (line[at] == ESC), and whether it is a CSI with `final`.
struct Sequence {
  std::size_t end = 0;
  char kind = 0;  // '[' CSI, ']' OSC, else another escape
  char final = 0; // of a CSI
  std::string_view parameters;
};

Sequence read_sequence(std::string_view line, std::size_t at) {
  Sequence sequence;
  if (at + 1 >= line.size()) {
    sequence.end = line.size();
    return sequence;
  }
  sequence.kind = line[at + 1];
  auto i = at + 2;
  if (sequence.kind == '[') {
    const auto start = i;
    while (i < line.size() && line[i] >= 0x30 && line[i] <= 0x3f) {
      ++i; // parameters
    }
    sequence.parameters = line.substr(start, i - start);
    while (i < line.size() && line[i] >= 0x20 && line[i] <= 0x2f) {
      ++i; // intermediates
    }
    if (i < line.size() && line[i] >= 0x40 && line[i] <= 0x7e) {
      sequence.final = line[i++]; // anything else (a CR, a cut) ends the sequence unread
    }
  } else if (sequence.kind == ']') {
    // Up to BEL or ST (ESC \).
    while (i < line.size() && line[i] != '\a' && !(line[i] == k_escape && i + 1 < line.size() && line[i + 1] == '\\')) {
      ++i;
    }
    i = i >= line.size() ? i : i + (line[i] == '\a' ? 1 : 2);
  } else if (sequence.kind == '(' || sequence.kind == ')' || sequence.kind == '#' || sequence.kind == '%') {
    i = std::min(i + 1, line.size()); // a character set or line attribute: one more byte
  }
  sequence.end = i;
  return sequence;
}

bool starts_line_over(const Sequence& sequence) {
  if (sequence.kind != '[') {
    return false;
  }
  const auto& p = sequence.parameters;
  return (sequence.final == 'G' && (p.empty() || p == "1" || p == "0")) || (sequence.final == 'K' && p == "2");
}

// The colour and style in force, kept as its state rather than as the settings that made it, so a bar
// redrawn forever in colour holds one setting, not one per redraw.
class StyleState {
public:
  void apply(std::string_view parameters) {
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0;;) {
      const auto end = parameters.find_first_of(";:", start);
      tokens.push_back(parameters.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) {
        break;
      }
      start = end + 1;
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      int code = 0;
      std::from_chars(tokens[i].data(), tokens[i].data() + tokens[i].size(), code);
      if (code == 0) {
        *this = {};
      } else if (code >= 1 && code <= 9) {
        m_attributes[static_cast<std::size_t>(code)] = true;
      } else if (code >= 21 && code <= 29) {
        // 21 and 22 end bold (22 faint as well); the others end the attribute 20 below them.
        m_attributes[static_cast<std::size_t>(code <= 22 ? 1 : code - 20)] = false;
        if (code == 22) {
          m_attributes[2] = false;
        }
      } else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
        m_foreground = tokens[i];
      } else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
        m_background = tokens[i];
      } else if (code == 39) {
        m_foreground.clear();
      } else if (code == 49) {
        m_background.clear();
      } else if (code == 38 || code == 48) {
        // 38;5;N or 38;2;R;G;B (and 48 for the background).
        const std::size_t more = i + 1 < tokens.size() && tokens[i + 1] == "2" ? 4 : 2;
        std::string colour(tokens[i]);
        for (std::size_t k = 1; k <= more && i + k < tokens.size(); ++k) {
          colour += ';';
          colour += tokens[i + k];
        }
        (code == 38 ? m_foreground : m_background) = colour;
        i += more;
      }
    }
  }

  // One setting that puts it in force ("ESC[1;32m"), or nothing when it is the default.
  [[nodiscard]] std::string render() const {
    std::string parameters;
    const auto add = [&](std::string_view part) {
      if (!part.empty()) {
        parameters += parameters.empty() ? "" : ";";
        parameters += part;
      }
    };
    for (std::size_t code = 1; code < m_attributes.size(); ++code) {
      if (m_attributes[code]) {
        add(std::to_string(code));
      }
    }
    add(m_foreground);
    add(m_background);
    return parameters.empty() ? std::string() : "\x1b[" + parameters + "m";
  }

private:
  std::array<bool, 10> m_attributes{};
  std::string m_foreground;
  std::string m_background;
};

std::size_t utf8_length(unsigned char lead) { return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1; }

} // namespace

std::string style_in_force(std::string_view text) {
  StyleState state;
  for (auto at = text.find(k_escape); at != std::string_view::npos; at = text.find(k_escape, at + 1)) {
    const auto sequence = read_sequence(text, at);
    if (sequence.kind == '[' && sequence.final == 'm') {
      state.apply(sequence.parameters);
    }
  }
  return state.render();
}

std::string_view as_shown_on_screen(std::string_view line, std::string& scratch) {
  if (!needs_rendering(line)) {
    return line;
  }
  auto end = line.size();
  while (end > 0 && line[end - 1] == '\r') {
    --end;
  }
  line = line.substr(0, end);
  scratch.clear();
  StyleState style;                 // in force: put back in front when the line starts over
  std::vector<std::size_t> visible; // where each character shown starts in scratch, for backspaces
  const auto start_over = [&] {
    scratch = style.render();
    visible.clear();
  };
  for (std::size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (c == '\r') {
      start_over();
      ++i;
    } else if (c == '\b') {
      // The last character shown (a UTF-8 character is one); colour settings after it stay.
      if (!visible.empty()) {
        const auto at = visible.back();
        visible.pop_back();
        scratch.erase(at, utf8_length(static_cast<unsigned char>(scratch[at])));
      }
      ++i;
    } else if (c == k_escape) {
      const auto sequence = read_sequence(line, i);
      if (sequence.kind == '[' && sequence.final == 'm') {
        scratch += line.substr(i, sequence.end - i);
        style.apply(sequence.parameters);
      } else if (starts_line_over(sequence)) {
        start_over();
      }
      i = sequence.end;
    } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f') {
      ++i; // BEL, shift-in/out and the like: nothing a line of text keeps
    } else {
      if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) {
        visible.push_back(scratch.size()); // a continuation byte belongs to the character before it
      }
      scratch += c;
      ++i;
    }
  }
  return scratch;
}

} // namespace tfrun::core
