// SPDX-License-Identifier: MIT
// `tfrun scale TYPE=COUNT...`: change how many instances of each type run in the formation running here
// (docs/control.md).
#include <tfrun/app/commands.hpp>

#include <tfrun/app/control_client.hpp>
#include <tfrun/app/errors.hpp>

#include <charconv>

namespace tfrun::app {

int scale_command(const Invocation& invocation) {
  core::ControlRequest request;
  request.command = core::ControlCommand::scale;
  for (const auto& word : invocation.names) {
    const auto sign = word.find('=');
    std::int64_t count = 0;
    const auto* end = word.data() + word.size();
    const auto parsed = sign == std::string::npos ? std::from_chars_result{word.data(), std::errc::invalid_argument}
                                                  : std::from_chars(word.data() + sign + 1, end, count);
    if (sign == 0 || sign == std::string::npos || parsed.ec != std::errc() || parsed.ptr != end) {
      throw UsageError("scale wants TYPE=COUNT, as web=3: '" + word + "'");
    }
    request.scale.emplace_back(word.substr(0, sign), count);
  }
  if (request.scale.empty()) {
    throw UsageError("scale wants at least one TYPE=COUNT, as web=3 worker=0");
  }
  return print_actions(invocation, request);
}

} // namespace tfrun::app
