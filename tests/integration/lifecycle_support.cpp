// SPDX-License-Identifier: MIT
#include "lifecycle_support.hpp"

#include <netinet/in.h>
#include <regex>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace tfrun::test {

std::vector<TimedLine> timed_lines(const std::string& json_output) {
  static const std::regex k_line(
      R"re(^\{"ts":"\d{4}-\d\d-\d\dT(\d\d):(\d\d):(\d\d)\.(\d{3})Z","process":"([^"]*)","type":"[^"]*","line":"(.*)"(,"system":true)?\}$)re");
  std::vector<TimedLine> out;
  std::istringstream in(json_output);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_match(line, match, k_line)) {
      const double ms =
          ((std::stod(match[1]) * 60 + std::stod(match[2])) * 60 + std::stod(match[3])) * 1000 + std::stod(match[4]);
      out.push_back({ms, match[5], match[6]});
    }
  }
  return out;
}

std::optional<std::size_t> find_line(const std::vector<TimedLine>& lines, const std::string& process,
                                     const std::string& needle) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].process == process && lines[i].text.find(needle) != std::string::npos) {
      return i;
    }
  }
  return std::nullopt;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

RunOptions json_output_in(const TempDir& dir) {
  RunOptions options = in_dir(dir);
  options.env["TFRUN_LOG_FORMAT"] = "json";
  return options;
}

} // namespace tfrun::test
