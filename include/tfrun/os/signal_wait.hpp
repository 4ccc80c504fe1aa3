// SPDX-License-Identifier: MIT
// Synchronous signal intake for the one-child init loop (`tfrun run`), in the manner of tini: every signal
// stays blocked and is collected with sigtimedwait, so none is lost and none runs a handler.
#pragma once

#include <chrono>

namespace tfrun::os {

// The next pending signal, or 0 when `timeout` passed first. Fault signals are not collected.
[[nodiscard]] int wait_for_signal(std::chrono::milliseconds timeout);

} // namespace tfrun::os
