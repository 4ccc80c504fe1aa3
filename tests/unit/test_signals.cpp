// SPDX-License-Identifier: MIT
#include <tfrun/core/signals.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <utility>
#include <vector>

using tfrun::core::parse_signal;
using tfrun::core::signal_name;

TEST_CASE("parse_signal takes names with or without SIG, in any case, and numbers", "[signals]") {
  const std::vector<std::pair<const char*, int>> cases = {
      {"TERM", SIGTERM}, {"SIGTERM", SIGTERM}, {"term", SIGTERM}, {"sigterm", SIGTERM},  {"SigTerm", SIGTERM},
      {"15", SIGTERM},   {"KILL", SIGKILL},    {"9", SIGKILL},    {"HUP", SIGHUP},       {"INT", SIGINT},
      {"QUIT", SIGQUIT}, {"USR1", SIGUSR1},    {"USR2", SIGUSR2}, {"WINCH", SIGWINCH},   {"CONT", SIGCONT},
      {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},    {"PWR", SIGPWR},   {"SYS", SIGSYS},       {"1", SIGHUP},
      {"IOT", SIGABRT},  {"CLD", SIGCHLD},     {"POLL", SIGIO},   {"STKFLT", SIGSTKFLT}, {"ALRM", SIGALRM},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(parse_signal(text) == expected);
  }
}

TEST_CASE("parse_signal takes real-time signals relative to RTMIN and RTMAX", "[signals]") {
  CHECK(parse_signal("RTMIN") == SIGRTMIN);
  CHECK(parse_signal("SIGRTMIN") == SIGRTMIN);
  CHECK(parse_signal("rtmin+0") == SIGRTMIN);
  CHECK(parse_signal("RTMIN+2") == SIGRTMIN + 2);
  CHECK(parse_signal("SIGRTMAX-1") == SIGRTMAX - 1);
  CHECK(parse_signal("RTMAX") == SIGRTMAX);
  CHECK(parse_signal(std::to_string(SIGRTMAX)) == SIGRTMAX);
  CHECK(parse_signal("RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN)) == SIGRTMAX);
  CHECK_FALSE(parse_signal("RTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN + 1)));
  CHECK_FALSE(parse_signal("RTMAX-" + std::to_string(SIGRTMAX - SIGRTMIN + 1)));
}

TEST_CASE("parse_signal refuses unknown names, signal 0 and anything around the name", "[signals]") {
  const std::vector<std::string> cases = {
      "",
      "SIG",
      "FOO",
      "SIGFOO",
      "0",
      "-1",
      "15 ",
      " 15",
      "+15",
      "TERM ",
      "RTMIN+",
      "RTMIN-1",
      "RTMAX+1",
      "RTMIN+99",
      "RTMIN2",
      "SIGSIGTERM",
      "TERM2",
      "1e1",
      "99999999999999",
      std::to_string(SIGRTMAX + 1),
      "SIG TERM",
      std::string("TERM\0", 5),
  };
  for (const auto& text : cases) {
    INFO('\'' << text << '\'');
    CHECK_FALSE(parse_signal(text));
  }
}

TEST_CASE("signal_name gives the canonical name", "[signals]") {
  CHECK(signal_name(15) == "SIGTERM");
  CHECK(signal_name(SIGKILL) == "SIGKILL");
  CHECK(signal_name(SIGABRT) == "SIGABRT");
  CHECK(signal_name(SIGCHLD) == "SIGCHLD");
  CHECK(signal_name(SIGIO) == "SIGIO");
  CHECK(signal_name(SIGRTMIN) == "SIGRTMIN");
  CHECK(signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
  CHECK(signal_name(SIGRTMAX - 2) == "SIGRTMAX-2");
  CHECK(signal_name(SIGRTMAX) == "SIGRTMAX");
  CHECK(signal_name(99) == "signal 99");
  CHECK(signal_name(0) == "signal 0");
  CHECK(signal_name(-1) == "signal -1");
}

TEST_CASE("every signal name parses back to its number", "[signals]") {
  for (int number = 1; number <= SIGRTMAX; ++number) {
    const std::string name = signal_name(number);
    INFO(number << " " << name);
    if (name.starts_with("SIG")) {
      CHECK(parse_signal(name) == number);
      CHECK(parse_signal(name.substr(3)) == number);
    }
    CHECK(parse_signal(std::to_string(number)) == number);
  }
}
