// SPDX-License-Identifier: MIT
#include <tfrun/core/command_words.hpp>

#include <string>
#include <string_view>

namespace tfrun::core {
namespace {

// Word lists, each word between blanks, so a lookup is one search for " WORD ".
constexpr std::string_view k_commands =
    " start run check env export version ps restart stop signal scale logs reload attach ";

// The commands that read the project's files; the others (version, and live control, whose own options
// differ: `logs -f` follows) take their words as written.
constexpr std::string_view k_file_commands = " start run check env export ";

// Options that take a value as the next word (or attached: `-fFILE`, `--env=FILE`).
constexpr std::string_view k_value_options =
    " -f --procfile -d --root --app-root -e --env -p --port -t --timeout --log-format --quiet-period -m --formation"
    " -c --concurrency -q --quiet --signal-target -a --app -u --user -l --log -r --run --template --image --secret"
    " --port-type ";

// The options every command takes, which may also come before the command.
constexpr std::string_view k_shared_options = " -f --procfile -d --root --app-root -e --env -p --port -t --timeout ";

// The output flags: they may come before the command too, and mean nothing to a command without process output.
constexpr std::string_view k_output_flags = " --color --colour --no-color --no-colour --no-prefix --no-timestamp ";

constexpr std::string_view k_color_values = " auto always never ";

bool among(std::string_view list, std::string_view word) {
  if (word.empty() || word.find(' ') != std::string_view::npos) {
    return false;
  }
  const std::string needle = " " + std::string(word) + " ";
  return list.find(needle) != std::string_view::npos;
}

// The option a word names: "--env" for "--env=x", "-f" for "-fProcfile", the word itself otherwise.
std::string_view option_of(std::string_view word) {
  if (word.starts_with("--")) {
    return word.substr(0, word.find('='));
  }
  if (word.size() > 2 && word[0] == '-' && among(k_value_options, word.substr(0, 2))) {
    return word.substr(0, 2);
  }
  return word;
}

// True when the option word carries its own value (`--env=x`, `-fProcfile`).
bool value_attached(std::string_view word) { return option_of(word).size() != word.size(); }

// Rewrites one option (at words[i]) into tfrun's spelling; returns the words it stands for and moves `i` past
// what it consumed.
std::vector<std::string> rewrite_option(const std::vector<std::string>& words, std::size_t& i) {
  const std::string& word = words[i++];
  const auto option = option_of(word);
  const bool has_next = i < words.size();
  if (option == "--no-color" || option == "--no-colour") {
    return {"--color=never"};
  }
  if (option == "--color" || option == "--colour") {
    if (value_attached(word)) {
      return {"--color" + word.substr(option.size())};
    }
    if (has_next && among(k_color_values, words[i])) {
      return {"--color", words[i++]};
    }
    return {"--color=always"};
  }
  if (option == "-c" && !value_attached(word) && !(has_next && words[i].find('=') != std::string::npos)) {
    return {"--color=always"}; // foreman's `start -c`: honcho's -c always has NAME=N after it
  }
  if (among(k_value_options, option) && !value_attached(word) && has_next) {
    return {word, words[i++]};
  }
  return {word};
}

bool is_option(std::string_view word) { return word.size() > 1 && word[0] == '-' && word != "--"; }

} // namespace

std::vector<std::string> normalize_command_words(std::vector<std::string> words) {
  std::vector<std::string> before; // words before the command that stay there (-h, --version, unknown)
  std::vector<std::string> moved;  // shared options written before the command
  std::vector<std::string> output; // output flags written before the command
  std::size_t i = 0;
  while (i < words.size() && !among(k_commands, words[i]) && words[i] != "--") {
    const auto option = option_of(words[i]);
    const bool is_output = among(k_output_flags, option);
    if (!among(k_shared_options, option) && !is_output) {
      before.push_back(words[i++]);
      continue;
    }
    for (auto& rewritten : rewrite_option(words, i)) {
      (is_output ? output : moved).push_back(std::move(rewritten));
    }
  }
  const bool shows_output = i < words.size() && (words[i] == "start" || words[i] == "run");
  if (shows_output) {
    moved.insert(moved.end(), output.begin(), output.end());
  }
  if (i == words.size() || words[i] == "--") {
    before.insert(before.end(), moved.begin(), moved.end()); // no command: let the parser say so
    before.insert(before.end(), output.begin(), output.end());
    before.insert(before.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
    return before;
  }
  const std::string command = words[i++];
  std::vector<std::string> out = std::move(before);
  out.push_back(command);
  out.insert(out.end(), moved.begin(), moved.end());
  if (!among(k_file_commands, command)) {
    out.insert(out.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
    return out;
  }
  while (i < words.size() && words[i] != "--") {
    if (!is_option(words[i])) {
      if (command == "run") {
        break; // the command to run and its own arguments
      }
      out.push_back(words[i++]);
      continue;
    }
    const bool is_output = among(k_output_flags, option_of(words[i]));
    for (auto& rewritten : rewrite_option(words, i)) {
      if (shows_output || !is_output) {
        out.push_back(std::move(rewritten));
      }
    }
  }
  out.insert(out.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  return out;
}

} // namespace tfrun::core
