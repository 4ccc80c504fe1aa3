// SPDX-License-Identifier: MIT
// What a screen shows of one line a program wrote to a terminal (`tfrun start --pty`, docs/terminal.md):
// tfrun's output is a stream of prefixed lines, so moving the cursor inside it would overwrite other
// processes' prefixes. Pure: a function of the line's bytes.
#pragma once

#include <string>
#include <string_view>

namespace tfrun::core {

// The line as the screen ends up showing it, without what would move the cursor over tfrun's prefix:
// - a carriage return, "ESC[G", "ESC[1G" (cursor to the first column) or "ESC[2K" (erase the line) starts
//   the line over: what came before is dropped, the colour it left in force kept; carriage returns at the very end
//   are the "\r" of "\r\n" and are dropped;
// - a backspace erases the character before it (readline's "\b \b");
// - colour and style (SGR, "ESC[...m") are kept; every other control sequence (cursor movement, erasing,
//   titles and hyperlinks of OSC, character sets) and control character but the tab is dropped.
// Returns `line` itself when there is nothing to change (most lines), else a view of `scratch`.
[[nodiscard]] std::string_view as_shown_on_screen(std::string_view line, std::string& scratch);

// The colour and style the settings in `text` leave in force, as one setting ("ESC[1;32m"), or "" for the
// default: what a line that starts over keeps of what came before.
[[nodiscard]] std::string style_in_force(std::string_view text);

} // namespace tfrun::core
