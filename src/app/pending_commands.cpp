// SPDX-License-Identifier: MIT
#include <tfrun/app/commands.hpp>
#include <tfrun/app/errors.hpp>
namespace tfrun::app {
int run_command(const Invocation&) { throw Error(70, "run: pending"); }
} // namespace tfrun::app
