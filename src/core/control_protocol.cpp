// SPDX-License-Identifier: MIT
#include <tfrun/core/control_protocol.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace tfrun::core {
namespace json = boost::json;
namespace {

constexpr std::array k_commands{
    std::pair{ControlCommand::ps, "ps"},         std::pair{ControlCommand::restart, "restart"},
    std::pair{ControlCommand::stop, "stop"},     std::pair{ControlCommand::signal, "signal"},
    std::pair{ControlCommand::scale, "scale"},   std::pair{ControlCommand::logs, "logs"},
    std::pair{ControlCommand::reload, "reload"}, std::pair{ControlCommand::attach, "attach"}};

ControlError bad(std::string message) { return ControlError{ControlErrorCode::bad_request, std::move(message)}; }

std::optional<std::string> read_strings(const json::object& object, std::string_view key,
                                        std::vector<std::string>& out) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  const auto* array = value->if_array();
  if (array == nullptr) {
    return "\"" + std::string(key) + "\" must be an array of strings";
  }
  for (const auto& item : *array) {
    if (!item.is_string()) {
      return "\"" + std::string(key) + "\" must be an array of strings";
    }
    out.emplace_back(item.get_string());
  }
  return std::nullopt;
}

std::optional<std::string> read_fields(const json::object& object, ControlRequest& request) {
  if (auto error = read_strings(object, "names", request.names)) {
    return error;
  }
  if (const auto* signal = object.if_contains("signal")) {
    if (!signal->is_string()) {
      return "\"signal\" must be a string";
    }
    request.signal = signal->get_string();
  }
  if (const auto* scale = object.if_contains("scale")) {
    const auto* counts = scale->if_object();
    if (counts == nullptr) {
      return "\"scale\" must be an object of type names to counts";
    }
    for (const auto& [type, count] : *counts) {
      if (!count.is_int64()) {
        return "\"scale\": the count of '" + std::string(type) + "' must be an integer";
      }
      request.scale.emplace_back(std::string(type), count.get_int64());
    }
  }
  if (const auto* follow = object.if_contains("follow")) {
    if (!follow->is_bool()) {
      return "\"follow\" must be true or false";
    }
    request.follow = follow->get_bool();
  }
  if (const auto* lines = object.if_contains("lines")) {
    if (!lines->is_int64() || lines->get_int64() < 0) {
      return "\"lines\" must be a count of 0 or more";
    }
    request.lines = lines->get_int64();
  }
  for (const auto& [key, field] : {std::pair{"rows", &request.rows}, std::pair{"columns", &request.columns}}) {
    if (const auto* value = object.if_contains(key)) {
      if (!value->is_int64() || value->get_int64() < 1 || value->get_int64() > 65535) {
        return "\"" + std::string(key) + "\" must be a count from 1 to 65535";
      }
      *field = value->get_int64();
    }
  }
  return std::nullopt;
}

std::string line_of(const json::object& object) { return json::serialize(object) + "\n"; }

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::optional<std::int64_t> int_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_int64() ? std::optional<std::int64_t>(value->get_int64()) : std::nullopt;
}

std::optional<ControlErrorCode> parse_error_code(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(ControlErrorCode::busy); ++i) {
    const auto code = static_cast<ControlErrorCode>(i);
    if (to_string(code) == text) {
      return code;
    }
  }
  return std::nullopt;
}

InstanceStatus status_of(const json::object& object) {
  InstanceStatus status;
  status.name = text_of(object, "name");
  status.type = text_of(object, "type");
  status.pid = int_of(object, "pid");
  status.state = text_of(object, "state");
  status.uptime_ms = int_of(object, "uptime_ms");
  status.restarts = int_of(object, "restarts").value_or(0);
  if (const auto* last = object.if_contains("last_exit"); last != nullptr && last->is_string()) {
    status.last_exit = std::string(last->get_string());
  }
  status.port = int_of(object, "port").value_or(0);
  const auto* ready = object.if_contains("ready");
  status.ready = ready != nullptr && ready->is_bool() && ready->get_bool();
  return status;
}

} // namespace

std::string_view to_string(ControlCommand command) {
  for (const auto& [value, name] : k_commands) {
    if (value == command) {
      return name;
    }
  }
  return "unknown";
}

std::optional<ControlCommand> parse_control_command(std::string_view name) {
  for (const auto& [value, text] : k_commands) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string_view to_string(ControlErrorCode code) {
  switch (code) {
  case ControlErrorCode::bad_request: return "bad_request";
  case ControlErrorCode::unsupported_version: return "unsupported_version";
  case ControlErrorCode::unknown_command: return "unknown_command";
  case ControlErrorCode::unknown_name: return "unknown_name";
  case ControlErrorCode::bad_signal: return "bad_signal";
  case ControlErrorCode::bad_scale: return "bad_scale";
  case ControlErrorCode::request_too_large: return "request_too_large";
  case ControlErrorCode::too_slow: return "too_slow";
  case ControlErrorCode::shutting_down: return "shutting_down";
  case ControlErrorCode::no_formation: return "no_formation";
  case ControlErrorCode::refused: return "refused";
  case ControlErrorCode::bad_input: return "bad_input";
  case ControlErrorCode::no_terminal: return "no_terminal";
  case ControlErrorCode::busy: return "busy";
  }
  return "unknown";
}

std::variant<ControlRequest, ControlError> parse_control_request(std::string_view line) {
  if (line.size() > k_max_control_request_bytes) {
    return ControlError{ControlErrorCode::request_too_large,
                        "a request may be at most " + std::to_string(k_max_control_request_bytes) + " bytes"};
  }
  boost::system::error_code error;
  const auto value = json::parse(line, error);
  if (error) {
    return bad("a request must be one JSON object on one line (" + error.message() + ")");
  }
  const auto* object = value.if_object();
  if (object == nullptr) {
    return bad("a request must be a JSON object");
  }
  ControlRequest request;
  const auto version = int_of(*object, "v");
  if (!version) {
    return bad("a request needs \"v\", the protocol version (1)");
  }
  if (*version != k_control_protocol_version) {
    return ControlError{ControlErrorCode::unsupported_version,
                        "protocol version " + std::to_string(*version) + " is not supported (this tfrun speaks 1)"};
  }
  const auto* command = object->if_contains("cmd");
  if (command == nullptr || !command->is_string()) {
    return bad("a request needs \"cmd\", a command name");
  }
  const auto parsed = parse_control_command(command->get_string());
  if (!parsed) {
    return ControlError{ControlErrorCode::unknown_command,
                        "unknown command '" + std::string(command->get_string()) + "'"};
  }
  request.command = *parsed;
  if (auto problem = read_fields(*object, request)) {
    return bad(*problem);
  }
  return request;
}

std::string render_control_request(const ControlRequest& request) {
  json::object object;
  object["v"] = request.version;
  object["cmd"] = to_string(request.command);
  if (!request.names.empty()) {
    json::array names;
    for (const auto& name : request.names) {
      names.emplace_back(name);
    }
    object["names"] = std::move(names);
  }
  if (!request.signal.empty()) {
    object["signal"] = request.signal;
  }
  if (!request.scale.empty()) {
    json::object counts;
    for (const auto& [type, count] : request.scale) {
      counts[type] = count;
    }
    object["scale"] = std::move(counts);
  }
  if (request.follow) {
    object["follow"] = true;
  }
  if (request.lines) {
    object["lines"] = *request.lines;
  }
  if (request.rows && request.columns) {
    object["rows"] = *request.rows;
    object["columns"] = *request.columns;
  }
  return line_of(object);
}

std::string render_response(const ControlResponse& response) {
  json::object object;
  if (const auto* status = std::get_if<InstanceStatus>(&response)) {
    object["kind"] = "instance";
    object["name"] = status->name;
    object["type"] = status->type;
    object["pid"] = status->pid ? json::value(*status->pid) : json::value(nullptr);
    object["state"] = status->state;
    object["uptime_ms"] = status->uptime_ms ? json::value(*status->uptime_ms) : json::value(nullptr);
    object["restarts"] = status->restarts;
    object["last_exit"] = status->last_exit ? json::value(*status->last_exit) : json::value(nullptr);
    object["port"] = status->port;
    object["ready"] = status->ready;
  } else if (const auto* action = std::get_if<ControlAction>(&response)) {
    object["kind"] = "action";
    object["name"] = action->name;
    object["action"] = action->action;
  } else if (const auto* log = std::get_if<ControlLogLine>(&response)) {
    object["kind"] = "log";
    object["name"] = log->name;
    object["line"] = log->line;
  } else if (const auto* error = std::get_if<ControlError>(&response)) {
    object["kind"] = "error";
    object["code"] = to_string(error->code);
    object["message"] = error->message;
  } else {
    object["kind"] = "done";
  }
  return line_of(object);
}

std::optional<ControlResponse> parse_response(std::string_view line) {
  boost::system::error_code error;
  const auto value = json::parse(line, error);
  const auto* object = error ? nullptr : value.if_object();
  if (object == nullptr) {
    return std::nullopt;
  }
  const auto kind = text_of(*object, "kind");
  if (kind == "instance") {
    return status_of(*object);
  }
  if (kind == "action") {
    return ControlAction{text_of(*object, "name"), text_of(*object, "action")};
  }
  if (kind == "log") {
    return ControlLogLine{text_of(*object, "name"), text_of(*object, "line")};
  }
  if (kind == "error") {
    const auto code = parse_error_code(text_of(*object, "code"));
    return ControlError{code.value_or(ControlErrorCode::bad_request), text_of(*object, "message")};
  }
  if (kind == "done") {
    return ControlDone{};
  }
  return std::nullopt;
}

std::string describe_uptime(std::int64_t milliseconds) {
  const std::int64_t seconds = std::max<std::int64_t>(0, milliseconds / 1000);
  const auto two = [](std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  if (seconds < 60) {
    return std::to_string(seconds) + "s";
  }
  if (seconds < 3600) {
    return std::to_string(seconds / 60) + "m" + two(seconds % 60) + "s";
  }
  if (seconds < 86400) {
    return std::to_string(seconds / 3600) + "h" + two(seconds / 60 % 60) + "m";
  }
  return std::to_string(seconds / 86400) + "d" + two(seconds / 3600 % 24) + "h";
}

std::string render_ps_table(const std::vector<InstanceStatus>& rows) {
  std::vector<std::array<std::string, 8>> cells;
  cells.push_back({"NAME", "PID", "STATE", "UPTIME", "RESTARTS", "LAST EXIT", "PORT", "READY"});
  for (const auto& row : rows) {
    cells.push_back({row.name, row.pid ? std::to_string(*row.pid) : "-", row.state,
                     row.uptime_ms ? describe_uptime(*row.uptime_ms) : "-", std::to_string(row.restarts),
                     row.last_exit.value_or("-"), std::to_string(row.port), row.ready ? "yes" : "no"});
  }
  std::array<std::size_t, 8> widths{};
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], line[i].size());
    }
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) {
        text += std::string(widths[i] - line[i].size() + 2, ' ');
      }
    }
    out += text + "\n";
  }
  return out;
}

} // namespace tfrun::core
