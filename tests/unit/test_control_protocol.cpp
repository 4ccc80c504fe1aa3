// SPDX-License-Identifier: MIT
#include <tfrun/core/control_protocol.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace tfrun::core;

namespace {

ControlError error_of(std::string_view line) {
  const auto parsed = parse_control_request(line);
  REQUIRE(std::holds_alternative<ControlError>(parsed));
  return std::get<ControlError>(parsed);
}

ControlRequest request_of(std::string_view line) {
  const auto parsed = parse_control_request(line);
  REQUIRE(std::holds_alternative<ControlRequest>(parsed));
  return std::get<ControlRequest>(parsed);
}

} // namespace

TEST_CASE("control: a request round-trips through its line", "[control_protocol]") {
  ControlRequest request;
  request.command = ControlCommand::scale;
  request.names = {"web*", "worker.1"};
  request.signal = "HUP";
  request.scale = {{"web", 3}, {"worker", 0}};
  request.follow = true;
  request.lines = 20;
  const auto line = render_control_request(request);
  CHECK(line.back() == '\n');
  const auto back = request_of(std::string_view(line).substr(0, line.size() - 1));
  CHECK(back.command == ControlCommand::scale);
  CHECK(back.names == request.names);
  CHECK(back.signal == "HUP");
  CHECK(back.scale == request.scale);
  CHECK(back.follow);
  CHECK(back.lines == std::optional<std::int64_t>(20));
  CHECK(render_control_request(ControlRequest{}) == "{\"v\":1,\"cmd\":\"ps\"}\n");
}

TEST_CASE("control: attach carries the client's window, and its errors round-trip", "[control_protocol]") {
  ControlRequest request;
  request.command = ControlCommand::attach;
  request.names = {"web.1"};
  request.rows = 40;
  request.columns = 120;
  const auto line = render_control_request(request);
  CHECK(line == "{\"v\":1,\"cmd\":\"attach\",\"names\":[\"web.1\"],\"rows\":40,\"columns\":120}\n");
  const auto back = request_of(std::string_view(line).substr(0, line.size() - 1));
  CHECK(back.command == ControlCommand::attach);
  CHECK(back.rows == std::optional<std::int64_t>(40));
  CHECK(back.columns == std::optional<std::int64_t>(120));
  CHECK(error_of(R"({"v":1,"cmd":"attach","rows":0})").message == "\"rows\" must be a count from 1 to 65535");
  CHECK(error_of(R"({"v":1,"cmd":"attach","columns":"80"})").message == "\"columns\" must be a count from 1 to 65535");
  for (const auto code : {ControlErrorCode::no_terminal, ControlErrorCode::busy}) {
    const auto response = parse_response(render_response(ControlError{code, "why"}));
    REQUIRE(response);
    REQUIRE(std::holds_alternative<ControlError>(*response));
    CHECK(std::get<ControlError>(*response).code == code);
  }
}

TEST_CASE("control: every bad request is named", "[control_protocol]") {
  CHECK(error_of("ps").message.starts_with("a request must be one JSON object on one line"));
  CHECK(error_of("[1]").message == "a request must be a JSON object");
  CHECK(error_of(R"({"cmd":"ps"})").message == "a request needs \"v\", the protocol version (1)");
  const auto version = error_of(R"({"v":2,"cmd":"ps"})");
  CHECK(version.code == ControlErrorCode::unsupported_version);
  CHECK(version.message == "protocol version 2 is not supported (this tfrun speaks 1)");
  CHECK(error_of(R"({"v":1})").message == "a request needs \"cmd\", a command name");
  const auto unknown = error_of(R"({"v":1,"cmd":"launch"})");
  CHECK(unknown.code == ControlErrorCode::unknown_command);
  CHECK(unknown.message == "unknown command 'launch'");
  CHECK(error_of(R"({"v":1,"cmd":"stop","names":"web"})").message == "\"names\" must be an array of strings");
  CHECK(error_of(R"({"v":1,"cmd":"stop","names":[1]})").message == "\"names\" must be an array of strings");
  CHECK(error_of(R"({"v":1,"cmd":"signal","signal":1})").message == "\"signal\" must be a string");
  CHECK(error_of(R"({"v":1,"cmd":"scale","scale":{"web":"2"}})").message ==
        "\"scale\": the count of 'web' must be an integer");
  CHECK(error_of(R"({"v":1,"cmd":"logs","lines":-1})").message == "\"lines\" must be a count of 0 or more");
  const auto large = error_of(std::string(k_max_control_request_bytes + 1, ' '));
  CHECK(large.code == ControlErrorCode::request_too_large);
  CHECK(large.message == "a request may be at most 65536 bytes");
}

TEST_CASE("control: responses round-trip", "[control_protocol]") {
  InstanceStatus status{"web.1", "web", 42, "running", 1500, 2, "exited with code 1", 5000, true};
  const auto line = render_response(status);
  CHECK(line ==
        "{\"kind\":\"instance\",\"name\":\"web.1\",\"type\":\"web\",\"pid\":42,\"state\":\"running\","
        "\"uptime_ms\":1500,\"restarts\":2,\"last_exit\":\"exited with code 1\",\"port\":5000,\"ready\":true}\n");
  const auto back = parse_response(line);
  REQUIRE(back);
  const auto& parsed = std::get<InstanceStatus>(*back);
  CHECK(parsed.name == "web.1");
  CHECK(parsed.pid == std::optional<std::int64_t>(42));
  CHECK(parsed.last_exit == std::optional<std::string>("exited with code 1"));
  CHECK(parsed.ready);
  const auto stopped =
      parse_response(render_response(InstanceStatus{"w.1", "w", {}, "stopped", {}, 0, {}, 5100, false}));
  REQUIRE(stopped);
  CHECK_FALSE(std::get<InstanceStatus>(*stopped).pid);
  const auto error = parse_response(render_response(ControlError{ControlErrorCode::unknown_name, "no 'db'"}));
  REQUIRE(error);
  CHECK(std::get<ControlError>(*error).code == ControlErrorCode::unknown_name);
  CHECK(std::get<ControlError>(*error).message == "no 'db'");
  CHECK(render_response(ControlDone{}) == "{\"kind\":\"done\"}\n");
  CHECK(render_response(ControlAction{"web.1", "restart"}) ==
        "{\"kind\":\"action\",\"name\":\"web.1\",\"action\":\"restart\"}\n");
  CHECK(std::holds_alternative<ControlLogLine>(*parse_response(render_response(ControlLogLine{"a.1", "x\ty"}))));
  CHECK_FALSE(parse_response("{\"kind\":\"what\"}"));
  CHECK_FALSE(parse_response("nonsense"));
}

TEST_CASE("control: error codes have distinct names", "[control_protocol]") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(ControlErrorCode::busy); ++i) {
    names.insert(to_string(static_cast<ControlErrorCode>(i)));
  }
  CHECK(names.size() == static_cast<std::size_t>(ControlErrorCode::busy) + 1);
  CHECK(names.count("unknown") == 0);
}

TEST_CASE("control: the ps table and uptimes", "[control_protocol]") {
  CHECK(describe_uptime(999) == "0s");
  CHECK(describe_uptime(61'000) == "1m01s");
  CHECK(describe_uptime(3'600'000 + 5 * 60'000) == "1h05m");
  CHECK(describe_uptime(86'400'000LL * 3 + 4 * 3'600'000) == "3d04h");
  const std::vector<InstanceStatus> rows{
      {"web.1", "web", 42, "running", 3000, 0, {}, 5000, true},
      {"worker.1", "worker", {}, "stopped", {}, 1, "killed by SIGTERM", 5100, false}};
  CHECK(render_ps_table(rows) == "NAME      PID  STATE    UPTIME  RESTARTS  LAST EXIT          PORT  READY\n"
                                 "web.1     42   running  3s      0         -                  5000  yes\n"
                                 "worker.1  -    stopped  -       1         killed by SIGTERM  5100  no\n");
}
