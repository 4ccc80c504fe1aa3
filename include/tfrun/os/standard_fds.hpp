// SPDX-License-Identifier: MIT
// Descriptors 0, 1 and 2 as tfrun starts: whatever is closed gets /dev/null before anything else opens one.
#pragma once

namespace tfrun::os {

// Opens /dev/null on each of 0, 1 and 2 that is closed. Without this, started with stdout closed, the first
// descriptor tfrun opens itself (an epoll fd, an eventfd, a child's pipe) would become fd 1, and tfrun would
// write its output into it, or hand it to a child as its stdout. Called first thing in main.
void open_missing_standard_fds();

} // namespace tfrun::os
