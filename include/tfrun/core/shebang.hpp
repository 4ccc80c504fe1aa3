// SPDX-License-Identifier: MIT
// The interpreter a script names on its first line, for messages about a script that cannot run.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tfrun::core {

// "#!/usr/bin/env ruby -w\n..." -> "/usr/bin/env"; nullopt when `head` (the file's first bytes) does not
// start with "#!" or names nothing.
[[nodiscard]] std::optional<std::string> shebang_interpreter(std::string_view head);

} // namespace tfrun::core
