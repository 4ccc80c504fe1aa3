// SPDX-License-Identifier: MIT
#include <tfrun/os/standard_fds.hpp>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace tfrun::os {

void open_missing_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) {
      continue;
    }
    // open() returns the lowest free descriptor, which is `fd`: the lower ones are open by now. Not
    // close-on-exec: children inherit it as the same standard descriptor. Should it fail there is nothing
    // to report it on; tfrun goes on, as it did before.
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

} // namespace tfrun::os
