// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace tfrun::app {

// The whole file, or nullopt when it does not exist. Throws MissingFileError when it exists but cannot be
// read (permissions, a directory).
[[nodiscard]] std::optional<std::string> read_text_file(const std::string& path);
[[nodiscard]] bool file_exists(const std::string& path);
[[nodiscard]] std::string parent_dir(const std::string& path);
[[nodiscard]] std::string join_path(const std::string& dir, const std::string& name);

} // namespace tfrun::app
