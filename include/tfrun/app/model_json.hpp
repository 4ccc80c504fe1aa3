// SPDX-License-Identifier: MIT
#pragma once

#include <tfrun/app/model.hpp>
#include <tfrun/core/environment.hpp>

#include <string>

namespace tfrun::app {

// The whole resolved model for tools (`tfrun check --json`), one line of JSON.
[[nodiscard]] std::string model_to_json(const Model& model);
// {"NAME": "VALUE", ...} in order (`tfrun env --json`).
[[nodiscard]] std::string environment_to_json(const core::Environment& environment);

} // namespace tfrun::app
