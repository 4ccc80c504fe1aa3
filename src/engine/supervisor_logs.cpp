// SPDX-License-Identifier: MIT
// `tfrun logs [-f] [-n N] [NAME...]` (docs/control.md): the last lines of each instance from its bounded
// ring, merged in the order they arrived, then (with -f) every new line as it arrives. A follower's lines
// go through its bounded queue like any answer: one that stops reading is dropped (`too_slow`), and the
// formation's own output never waits for it.
#include "supervisor_impl.hpp"

#include <boost/asio/buffer.hpp>

#include <queue>

namespace tfrun::engine {
namespace {

constexpr std::int64_t k_default_log_lines = 10;

} // namespace

void Supervisor::Impl::follow_line(SupervisedChild& child, const core::LinePiece& piece) {
  if (piece.continuation) {
    return; // the rest of a line cut into chunks: its start is sent, which is what a reader looks for
  }
  for (auto it = m_followers.begin(); it != m_followers.end();) {
    const auto& follower = *it++; // send() may drop the session, which removes this entry from the list
    if (follower.instances.empty() ||
        std::find(follower.instances.begin(), follower.instances.end(), &child) != follower.instances.end()) {
      const auto session = follower.session; // a copy: the entry may be gone before send() returns
      send(session, core::ControlLogLine{child.plan.name, std::string(piece.text)});
    }
  }
}

void Supervisor::Impl::answer_logs(const std::shared_ptr<ControlSession>& session,
                                   const core::ControlRequest& request) {
  const auto chosen = select(session, request.names);
  if (chosen.empty()) {
    return;
  }
  // The last N lines of each instance, merged by sequence number.
  const auto wanted = static_cast<std::size_t>(request.lines.value_or(k_default_log_lines));
  // A copy of each instance's last lines, taken now.
  std::vector<std::vector<core::RecentLines::Line>> kept;
  kept.reserve(chosen.size());
  for (const auto* child : chosen) {
    auto lines = child->recent.lines();
    if (lines.size() > wanted) {
      lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(wanted));
    }
    if (child->on_terminal) {
      for (auto& line : lines) {
        std::string shown;
        line.text = std::string(core::as_shown_on_screen(line.text, shown)); // as the formation's output shows it
      }
    }
    kept.push_back(std::move(lines));
  }
  struct Next {
    std::uint64_t seq;
    std::size_t instance;
    std::size_t index;
    bool operator>(const Next& other) const { return seq > other.seq; }
  };
  std::priority_queue<Next, std::vector<Next>, std::greater<>> order;
  for (std::size_t instance = 0; instance < kept.size(); ++instance) {
    if (!kept[instance].empty()) {
      order.push({kept[instance].front().seq, instance, 0});
    }
  }
  while (!order.empty() && !session->dropped) {
    const auto next = order.top();
    order.pop();
    const auto& lines = kept[next.instance];
    send(session, core::ControlLogLine{chosen[next.instance]->plan.name, std::string(lines[next.index].text)}, true);
    if (next.index + 1 < lines.size()) {
      order.push({lines[next.index + 1].seq, next.instance, next.index + 1});
    }
  }
  if (!request.follow) {
    send(session, core::ControlDone{});
    return;
  }
  if (session->dropped) {
    return;
  }
  LogFollower follower{session, {}};
  if (!request.names.empty()) {
    follower.instances.assign(chosen.begin(), chosen.end());
  }
  m_followers.push_back(std::move(follower));
  watch_follower(session);
}

// A follower has nothing more to say; reading its end (and ignoring anything it sends) tells tfrun when
// it goes away.
void Supervisor::Impl::watch_follower(const std::shared_ptr<ControlSession>& session) {
  session->socket.async_read_some(asio::buffer(session->chunk),
                                  [this, session](const boost::system::error_code& ec, std::size_t) {
                                    if (session->closed || m_done) {
                                      return;
                                    }
                                    if (ec) {
                                      end_session(session);
                                    } else {
                                      watch_follower(session);
                                    }
                                  });
}

} // namespace tfrun::engine
