// SPDX-License-Identifier: MIT
// The control protocol of a running `tfrun start` (docs/control.md): JSON lines over its Unix socket, one
// request per connection, answered by one or more response lines, the last being `done` or an `error`.
// Pure: parsing and rendering only, so every message and error text is unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tfrun::core {

inline constexpr int k_control_protocol_version = 1;
// A request longer than this (without its newline) is refused: nothing legitimate comes near it.
inline constexpr std::size_t k_max_control_request_bytes = 64 * 1024;

enum class ControlCommand { ps, restart, stop, signal, scale, logs, reload, attach };

struct ControlRequest {
  int version = k_control_protocol_version;
  ControlCommand command = ControlCommand::ps;
  std::vector<std::string> names;                          // patterns; none means every instance
  std::string signal;                                      // signal: "HUP", "SIGUSR1", "10"
  std::vector<std::pair<std::string, std::int64_t>> scale; // scale: type -> count, in the order given
  bool follow = false;                                     // logs -f
  std::optional<std::int64_t> lines;                       // logs -n
  std::optional<std::int64_t> rows;                        // attach: the client's window, when it has one
  std::optional<std::int64_t> columns;
};

enum class ControlErrorCode {
  bad_request,         // not JSON, not an object, a field of the wrong type
  unsupported_version, // "v" other than 1
  unknown_command,
  unknown_name, // a pattern matched no instance or type
  bad_signal,   // a signal name or number tfrun does not know
  bad_scale,    // below 0, above the type's port block, a oneshot, an unknown type
  request_too_large,
  too_slow,      // the client did not read fast enough (logs -f): dropped
  shutting_down, // the formation is stopping: only ps is answered
  no_formation,  // client side: no tfrun runs here (no socket, or nobody listening)
  refused,       // the peer's uid is not tfrun's (docs/control.md: root is accepted)
  bad_input,     // reload: the Procfile, an env file or tfrun.toml no longer parses; nothing changed
  no_terminal,   // attach: the instance has no pseudo-terminal (not started with --pty)
  busy,          // attach: another client is attached to that instance
};

struct ControlError {
  ControlErrorCode code = ControlErrorCode::bad_request;
  std::string message;
};

[[nodiscard]] std::string_view to_string(ControlCommand command);
[[nodiscard]] std::optional<ControlCommand> parse_control_command(std::string_view name);
[[nodiscard]] std::string_view to_string(ControlErrorCode code);

// One line (without its newline) into a request, or the error to answer with.
[[nodiscard]] std::variant<ControlRequest, ControlError> parse_control_request(std::string_view line);
// The request as a client sends it, newline included.
[[nodiscard]] std::string render_control_request(const ControlRequest& request);

// One row of `tfrun ps`.
struct InstanceStatus {
  std::string name;
  std::string type;
  std::optional<std::int64_t> pid; // while a process exists
  std::string state;               // InstanceState's describe_state
  std::optional<std::int64_t> uptime_ms;
  std::int64_t restarts = 0; // lives after the first, whoever asked for them
  std::optional<std::string> last_exit;
  std::int64_t port = 0;
  bool ready = false;
};

// What was done to one instance: restart, stop, start, signal SIGHUP, scale.
struct ControlAction {
  std::string name;
  std::string action;
};

struct ControlDone {};

// A line of output from an instance's ring or as it arrives (`logs`).
struct ControlLogLine {
  std::string name;
  std::string line;
};

using ControlResponse = std::variant<InstanceStatus, ControlAction, ControlLogLine, ControlError, ControlDone>;

// Response lines, newline included.
[[nodiscard]] std::string render_response(const ControlResponse& response);
// nullopt when the line is not a response of this protocol version.
[[nodiscard]] std::optional<ControlResponse> parse_response(std::string_view line);

// `tfrun ps` without --json: one aligned row per instance, with a header.
[[nodiscard]] std::string render_ps_table(const std::vector<InstanceStatus>& rows);
// "3s", "4m12s", "2h05m", "3d04h".
[[nodiscard]] std::string describe_uptime(std::int64_t milliseconds);

} // namespace tfrun::core
