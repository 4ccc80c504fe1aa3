// SPDX-License-Identifier: MIT
// Typed errors thrown by the commands; app::main catches them once and maps them to the exit-status table.
#pragma once

#include <tfrun/core/diagnostics.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <stdexcept>
#include <string>

namespace tfrun::app {

class Error : public std::runtime_error {
public:
  Error(int exit_status, const std::string& message) : std::runtime_error(message), m_exit_status(exit_status) {}
  [[nodiscard]] int exit_status() const { return m_exit_status; }

private:
  int m_exit_status;
};

// A bad command line or flag value (including values from TFRUN_* variables).
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(core::exit_code::usage, message) {}
};

// An input file is missing or cannot be read.
class MissingFileError : public Error {
public:
  explicit MissingFileError(const std::string& message) : Error(core::exit_code::no_input, message) {}
};

// The OS refused something tfrun needs.
class SystemError : public Error {
public:
  explicit SystemError(const std::string& message) : Error(core::exit_code::system, message) {}
};

// One or more input files are malformed; the diagnostics were already printed.
class InputError : public Error {
public:
  InputError() : Error(core::exit_code::data, "") {}
};

} // namespace tfrun::app
