// SPDX-License-Identifier: MIT
#include <tfrun/app/main.hpp>

#include <tfrun/app/cli.hpp>
#include <tfrun/app/commands.hpp>
#include <tfrun/app/errors.hpp>
#include <tfrun/os/signal_guard.hpp>
#include <tfrun/os/standard_fds.hpp>

#include <exception>
#include <iostream>

namespace tfrun::app {
namespace {

int dispatch(const Invocation& invocation) {
  switch (invocation.command) {
  case Command::start: return start_command(invocation);
  case Command::run: return run_command(invocation);
  case Command::check: return check_command(invocation);
  case Command::env: return env_command(invocation);
  case Command::version: std::cout << "tfrun " << TFRUN_VERSION << '\n'; return core::exit_code::success;
  case Command::export_files: return export_command(invocation);
  case Command::ps: return ps_command(invocation);
  case Command::restart: return restart_command(invocation);
  case Command::stop: return stop_command(invocation);
  case Command::signal: return signal_command(invocation);
  case Command::scale: return scale_command(invocation);
  case Command::logs: return logs_command(invocation);
  case Command::reload: return reload_command(invocation);
  case Command::attach: return attach_command(invocation);
  case Command::none: break;
  }
  std::cerr << "tfrun: error: no command given\nRun 'tfrun --help' for more information.\n";
  return core::exit_code::usage;
}

} // namespace

int main(int argc, char** argv) {
  os::open_missing_standard_fds(); // before anything opens a descriptor that could land on 0, 1 or 2
  os::block_signals_at_start();
  try {
    const auto invocation = parse_command_line(argc, argv);
    if (invocation.command != Command::start && invocation.command != Command::run) {
      os::restore_original_signal_mask(); // only the supervisors take signals over
    }
    for (const auto& warning : invocation.warnings) {
      std::cerr << "tfrun: warning: " << warning << '\n';
    }
    if (invocation.early_output) {
      (invocation.early_status == 0 ? std::cout : std::cerr) << *invocation.early_output << std::flush;
      return invocation.early_status;
    }
    return dispatch(invocation);
  } catch (const InputError& error) {
    return error.exit_status(); // diagnostics were printed where they were found
  } catch (const Error& error) {
    std::cerr << "tfrun: error: " << error.what() << '\n';
    return error.exit_status();
  } catch (const std::exception& error) {
    std::cerr << "tfrun: internal error: " << error.what() << '\n';
    return core::exit_code::internal;
  }
}

} // namespace tfrun::app
