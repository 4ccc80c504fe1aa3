// SPDX-License-Identifier: MIT
// The words of a command line, rewritten into tfrun's one grammar before the parser sees them: the shared
// options may come before the command (as honcho and node-foreman users write them), and the spellings of
// foreman and honcho that a declarative parser cannot express become tfrun's (docs/migrating.md).
#pragma once

#include <string>
#include <vector>

namespace tfrun::core {

// `words` is argv without argv[0]. What changes:
// - options shared by the commands (-f, -d, -e, -p, -t and the output flags) written before the command
//   move right after it; output flags, on either side, are dropped for a command that shows no process
//   output (honcho takes --no-colour with every command);
// - `--no-color`/`--no-colour` become `--color=never`, `--colour` is `--color`, and a bare `--color` (not
//   followed by auto, always or never) is `--color=always`;
// - `-c` followed by a NAME=N item stays honcho's `--concurrency`; a bare `-c` is foreman's `--color`.
// Nothing after `--` and nothing from `run`'s command word on is touched. After a live-control command
// (`ps`, `logs`...) nothing is rewritten: its options are its own (`logs -f` follows).
[[nodiscard]] std::vector<std::string> normalize_command_words(std::vector<std::string> words);

} // namespace tfrun::core
