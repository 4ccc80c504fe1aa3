// SPDX-License-Identifier: MIT
// Small OS calls the runtime needs around its children.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace tfrun::os {

// PR_SET_CHILD_SUBREAPER: orphaned descendants come back to tfrun instead of init. False where unsupported.
bool become_child_subreaper();
[[nodiscard]] bool is_pid1();

// kill(-pgid, sig); false when the group no longer exists.
bool signal_group(pid_t pgid, int sig);
bool signal_process(pid_t pid, int sig);
// Stops tfrun itself (SIGSTOP, which nothing can block) so the shell regains control after Ctrl-Z; returns
// when tfrun is continued (`fg`). Does nothing as PID 1, which the kernel does not let stop itself.
void stop_self();

// kill(-pgid, sig) (then SIGCONT), only while one of tfrun's own children is in that group: an unreaped
// child pins the group id, so after its leader was reaped the id cannot have been reused. False when
// no child of tfrun is in it.
bool signal_group_if_held(pid_t pgid, int sig);

// Signals a process tfrun adopted (or any child outside tfrun's own group): its whole group too when it
// leads one (a `setsid` escapee), and SIGCONT after any signal but SIGKILL, so a stopped process can act.
void signal_adopted(pid_t pid, int sig);

// How many descriptors below `below` tfrun has open now (stdio and whatever it inherited included): the
// numbers that new descriptors cannot take under an open-file limit of `below`.
[[nodiscard]] std::size_t open_descriptor_count(std::size_t below);

// Whether tfrun has any child at all, exited or not (one waitid, nothing collected): when not, nothing
// needs listing or signalling.
[[nodiscard]] bool has_any_child();
// tfrun's current children (from /proc): adopted orphans included.
[[nodiscard]] std::vector<pid_t> list_children();
// The command name of `pid` ("sleep"), or empty.
[[nodiscard]] std::string process_name(pid_t pid);

// Whether `pid` leaves `sig` at its default action (from /proc/PID/status); false when it catches or
// ignores it, or when that cannot be read.
[[nodiscard]] bool takes_default_action(pid_t pid, int sig);

// Whether something already listens on TCP `port` (any local address).
[[nodiscard]] bool tcp_port_in_use(int port);

struct PipeEnds {
  int read_fd = -1;
  int write_fd = -1;
  int error = 0; // errno when the pipe could not be made (both ends -1)
};
// A close-on-exec pipe whose read end is non-blocking. Reports failure in `error` rather than throwing:
// out of descriptors is an expected state here, and nothing on that path may need a descriptor itself.
[[nodiscard]] PipeEnds make_output_pipe();

} // namespace tfrun::os
