// SPDX-License-Identifier: MIT
// One function per command; each returns tfrun's exit status or throws a typed error.
#pragma once

#include <tfrun/app/cli.hpp>

namespace tfrun::app {

int check_command(const Invocation& invocation);
int env_command(const Invocation& invocation);
int start_command(const Invocation& invocation);
int run_command(const Invocation& invocation);
int export_command(const Invocation& invocation);

// Live control of a running formation (docs/control.md).
int ps_command(const Invocation& invocation);
int restart_command(const Invocation& invocation);
int stop_command(const Invocation& invocation);
int signal_command(const Invocation& invocation);
int scale_command(const Invocation& invocation);
int logs_command(const Invocation& invocation);
int reload_command(const Invocation& invocation);
int attach_command(const Invocation& invocation);

} // namespace tfrun::app
