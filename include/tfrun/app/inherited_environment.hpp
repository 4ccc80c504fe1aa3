// SPDX-License-Identifier: MIT
#pragma once

#include <tfrun/core/environment.hpp>

namespace tfrun::app {

// tfrun's own environment (environ), the bottom layer of every child's environment.
[[nodiscard]] core::Environment inherited_environment();

} // namespace tfrun::app
