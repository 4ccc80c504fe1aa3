// SPDX-License-Identifier: MIT
#include <tfrun/core/foreman_defaults.hpp>

#include <tfrun/core/duration.hpp>
#include <tfrun/core/formation.hpp>

#include <array>

namespace tfrun::core {
namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (is_blank(text.back()) || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// A YAML plain or quoted scalar: quotes removed (with '' and \" inside them), a ` #` comment dropped.
std::optional<std::string> scalar(std::string_view text) {
  if (!text.empty() && (text.front() == '\'' || text.front() == '"')) {
    const char quote = text.front();
    std::string out;
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] == quote && quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else if (text[i] == '\\' && quote == '"' && i + 1 < text.size()) {
        out += text[++i];
      } else if (text[i] == quote) {
        const auto rest = trim(text.substr(i + 1));
        return rest.empty() || rest.front() == '#' ? std::optional<std::string>(out) : std::nullopt;
      } else {
        out += text[i];
      }
    }
    return std::nullopt; // unterminated
  }
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '#' && is_blank(text[i - 1])) {
      text = text.substr(0, i);
      break;
    }
  }
  return std::string(trim(text));
}

std::optional<bool> yaml_bool(std::string_view text) {
  for (const std::string_view word : {"true", "True", "TRUE", "yes", "Yes", "on", "On"}) {
    if (text == word) {
      return true;
    }
  }
  for (const std::string_view word : {"false", "False", "FALSE", "no", "No", "off", "Off"}) {
    if (text == word) {
      return false;
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    if (const auto item = trim(std::string_view(text).substr(start, comma - start)); !item.empty()) {
      out.emplace_back(item);
    }
    start = comma + 1;
  }
  return out;
}

struct Line {
  std::string_view text;
  int number = 0;
  int value_column = 0;
};

class ForemanReader {
public:
  ForemanReader(const std::string& file, Diagnostics& diagnostics) : m_file(file), m_diagnostics(diagnostics) {}

  void apply(const Line& line, std::string_view key, const std::string& value) {
    const auto bad = [&](const std::string& message) {
      m_diagnostics.error(m_file, line.number, line.value_column, message, std::string(line.text));
    };
    if (key == "procfile") {
      m_out.procfile = value;
    } else if (key == "root") {
      m_out.root = value;
    } else if (key == "env") {
      m_out.env_files = split_commas(value);
    } else if (key == "formation" || key == "concurrency") {
      m_out.formation = {value};
    } else if (key == "port") {
      if (!parse_port(value)) {
        bad("port: '" + value + "' is not a port number from 1 to 65535");
      }
      m_out.port = value;
    } else if (key == "timeout") {
      if (!parse_duration(value)) {
        bad("timeout: '" + value + "' is not a number of seconds");
      }
      m_out.timeout = value;
    } else if (key == "color") {
      if (const auto on = yaml_bool(value)) {
        m_out.color = *on ? "always" : "never";
      } else if (value == "auto" || value == "always" || value == "never") {
        m_out.color = value;
      } else {
        bad("color: '" + value + "' is not true, false, auto, always or never");
      }
    } else if (key == "timestamp") {
      if (const auto on = yaml_bool(value)) {
        m_out.timestamp = *on;
      } else {
        bad("timestamp: '" + value + "' is not true or false");
      }
    } else {
      m_diagnostics.warning(m_file, line.number, 1,
                            "key '" + std::string(key) +
                                "' is not one tfrun reads (procfile, root, env, port, timeout, formation, "
                                "concurrency, color, timestamp); line ignored",
                            std::string(line.text));
    }
  }

  void read(std::string_view text) {
    int number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = std::min(text.find('\n', start), text.size());
      read_line({text.substr(start, end - start), ++number, 0});
      start = end + 1;
    }
  }

  ForemanDefaults take() { return std::move(m_out); }

private:
  void read_line(Line line) {
    const auto content = trim(line.text);
    if (content.empty() || content.front() == '#' || content == "---" || content == "...") {
      return;
    }
    const auto colon = content.find(':');
    if (is_blank(line.text.front()) || colon == std::string_view::npos || colon == 0) {
      m_diagnostics.warning(m_file, line.number, 1, "not a 'key: value' line; ignored", std::string(line.text));
      return;
    }
    const auto key = content.substr(0, colon);
    const auto raw = trim(content.substr(colon + 1));
    line.value_column = static_cast<int>(line.text.find(raw.empty() ? content : raw)) + 1;
    const auto value = raw.empty() ? std::nullopt : scalar(raw);
    if (!value || raw.front() == '[' || raw.front() == '{' || raw.front() == '|' || raw.front() == '>') {
      m_diagnostics.warning(m_file, line.number, line.value_column,
                            "'" + std::string(key) + "' has no single value on its line; line ignored",
                            std::string(line.text));
      return;
    }
    apply(line, key, *value);
  }

  const std::string& m_file;
  Diagnostics& m_diagnostics;
  ForemanDefaults m_out;
};

} // namespace

ForemanDefaults parse_foreman_defaults(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (text.starts_with(k_bom)) {
    text.remove_prefix(k_bom.size());
  }
  ForemanReader reader(file, diagnostics);
  reader.read(text);
  return reader.take();
}

} // namespace tfrun::core
