// SPDX-License-Identifier: MIT
// The variables `tfrun start` adds to its children's environment when it colours its own output
// (docs/formats.md, "Colour and buffering"): a child's stdout is a pipe, so without them Python
// block-buffers its output and most tools drop their colours.
#pragma once

#include <tfrun/core/environment.hpp>
#include <tfrun/core/settings.hpp>

#include <string_view>

namespace tfrun::core {

// Adds PYTHONUNBUFFERED=1, FORCE_COLOR=1 and CLICOLOR_FORCE=1, never changing a variable `environment`
// already has (even an empty one). Colour is not forced when NO_COLOR is set and not empty, nor when
// FORCE_COLOR or CLICOLOR_FORCE is already "0" or "false": that is the user asking for none.
void add_terminal_hints(Environment& environment);

// What tfrun.toml says about `type`: its own `terminal_hints`, else the top-level one, else true.
[[nodiscard]] bool terminal_hints_for(const FileSettings& settings, std::string_view type);

} // namespace tfrun::core
