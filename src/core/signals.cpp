// SPDX-License-Identifier: MIT
#include <tfrun/core/signals.hpp>

#include <array>
#include <csignal>
#include <cstdint>

namespace tfrun::core {

namespace {

struct NamedSignal {
  std::string_view name; // without "SIG"
  int number;
};

// The first name listed for a number is the one signal_name prints; aliases (IOT, CLD, POLL) come after.
constexpr std::array k_signals{
    NamedSignal{"HUP", SIGHUP},       NamedSignal{"INT", SIGINT},   NamedSignal{"QUIT", SIGQUIT},
    NamedSignal{"ILL", SIGILL},       NamedSignal{"TRAP", SIGTRAP}, NamedSignal{"ABRT", SIGABRT},
    NamedSignal{"BUS", SIGBUS},       NamedSignal{"FPE", SIGFPE},   NamedSignal{"KILL", SIGKILL},
    NamedSignal{"USR1", SIGUSR1},     NamedSignal{"SEGV", SIGSEGV}, NamedSignal{"USR2", SIGUSR2},
    NamedSignal{"PIPE", SIGPIPE},     NamedSignal{"ALRM", SIGALRM}, NamedSignal{"TERM", SIGTERM},
#ifdef SIGSTKFLT
    NamedSignal{"STKFLT", SIGSTKFLT},
#endif
    NamedSignal{"CHLD", SIGCHLD},     NamedSignal{"CONT", SIGCONT}, NamedSignal{"STOP", SIGSTOP},
    NamedSignal{"TSTP", SIGTSTP},     NamedSignal{"TTIN", SIGTTIN}, NamedSignal{"TTOU", SIGTTOU},
    NamedSignal{"URG", SIGURG},       NamedSignal{"XCPU", SIGXCPU}, NamedSignal{"XFSZ", SIGXFSZ},
    NamedSignal{"VTALRM", SIGVTALRM}, NamedSignal{"PROF", SIGPROF}, NamedSignal{"WINCH", SIGWINCH},
#ifdef SIGIO
    NamedSignal{"IO", SIGIO},
#endif
#ifdef SIGPWR
    NamedSignal{"PWR", SIGPWR},
#endif
    NamedSignal{"SYS", SIGSYS},
#ifdef SIGIOT
    NamedSignal{"IOT", SIGIOT},
#endif
#ifdef SIGCLD
    NamedSignal{"CLD", SIGCLD},
#endif
#ifdef SIGPOLL
    NamedSignal{"POLL", SIGPOLL},
#endif
};

char to_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = to_upper(c);
  }
  return out;
}

// Plain decimal digits only: no sign, no blanks, nothing after.
std::optional<int> read_number(std::string_view text) {
  if (text.empty() || text.size() > 9) {
    return std::nullopt;
  }
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

#ifdef SIGRTMIN
// glibc reserves the first real-time signals for itself, so SIGRTMIN is a function call, not a constant.
int rt_min() { return SIGRTMIN; }
int rt_max() { return SIGRTMAX; }
#else
int rt_min() { return 0; }
int rt_max() { return -1; }
#endif

int highest_signal() {
  int highest = rt_max();
  for (const auto& entry : k_signals) {
    highest = entry.number > highest ? entry.number : highest;
  }
  return highest;
}

// "RTMIN", "RTMIN+3", "RTMAX", "RTMAX-2", as `kill -l` prints them.
std::optional<int> parse_realtime(std::string_view name) {
  if (rt_max() < rt_min() || name.size() < 5) {
    return std::nullopt;
  }
  const std::string_view base = name.substr(0, 5);
  const std::string_view rest = name.substr(5);
  const bool from_min = base == "RTMIN";
  if (!from_min && base != "RTMAX") {
    return std::nullopt;
  }
  int offset = 0;
  if (!rest.empty()) {
    const char sign = from_min ? '+' : '-';
    const auto number = rest.front() == sign ? read_number(rest.substr(1)) : std::nullopt;
    if (!number) {
      return std::nullopt;
    }
    offset = *number;
  }
  const int signal = from_min ? rt_min() + offset : rt_max() - offset;
  if (signal < rt_min() || signal > rt_max()) {
    return std::nullopt;
  }
  return signal;
}

} // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (const auto number = read_number(text)) {
    if (*number >= 1 && *number <= highest_signal()) {
      return number;
    }
    return std::nullopt;
  }
  std::string name = upper(text);
  if (name.starts_with("SIG")) {
    name.erase(0, 3);
  }
  for (const auto& entry : k_signals) {
    if (entry.name == name) {
      return entry.number;
    }
  }
  return parse_realtime(name);
}

std::string signal_name(int number) {
  for (const auto& entry : k_signals) {
    if (entry.number == number) {
      return "SIG" + std::string(entry.name);
    }
  }
  if (number >= rt_min() && number <= rt_max()) {
    // Same split as `kill -l`: the lower half counts up from RTMIN, the upper half down from RTMAX.
    const int from_min = number - rt_min();
    const int from_max = rt_max() - number;
    if (from_min == 0) {
      return "SIGRTMIN";
    }
    if (from_max == 0) {
      return "SIGRTMAX";
    }
    return from_min <= from_max ? "SIGRTMIN+" + std::to_string(from_min) : "SIGRTMAX-" + std::to_string(from_max);
  }
  return "signal " + std::to_string(number);
}

} // namespace tfrun::core
