// SPDX-License-Identifier: MIT
// Which instances a control command means: each pattern is an instance name (`web.1`) or a type (`web`),
// with shell-style wildcards (`web*`, `worker.?`, `[ab]*`), as overmind's users type them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun::core {

// fnmatch(3) without flags: `*` any run, `?` one character, `[...]` a class (`!` or `^` negates, `a-z`
// ranges), `\` quotes the next character.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

struct NamedInstance {
  std::string_view name;
  std::string_view type;
};

struct NameSelection {
  std::vector<std::size_t> chosen;    // indices into the instances, in their order, each once
  std::vector<std::string> unmatched; // patterns that matched nothing: an error for the caller
};

// No pattern chooses every instance.
[[nodiscard]] NameSelection select_instances(const std::vector<std::string>& patterns,
                                             const std::vector<NamedInstance>& instances);

} // namespace tfrun::core
