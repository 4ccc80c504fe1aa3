// SPDX-License-Identifier: MIT
// The supervisor's readiness checks: an instance is ready when its port accepts, a line of its output
// matches, a command exits 0, or it says READY=1 on its notify socket. Dependents start once their
// dependencies are ready, and tfrun tells its own supervisor when the whole formation is.
#include "supervisor_impl.hpp"

#include <tfrun/core/exit_codes.hpp>

#include <boost/asio/buffer.hpp>

#include <system_error>

namespace tfrun::engine {
namespace {

using Kind = core::ReadyCheck::Kind;

std::string describe_ready(const PlannedInstance& plan) {
  switch (plan.ready().kind) {
  case Kind::none: return "none";
  case Kind::own_port: return "port " + std::to_string(plan.port);
  case Kind::tcp_port: return "port " + std::to_string(plan.ready().port);
  case Kind::log_regex: return "log /" + plan.ready().pattern + "/";
  case Kind::command: return "command '" + plan.ready().command + "'";
  case Kind::notify: return "notify";
  }
  return "unknown";
}

bool has_readiness_check(const PlannedInstance& plan) {
  return !plan.policy().oneshot && plan.ready().kind != Kind::none;
}

} // namespace

// A socket file in a private directory (mode 0700) under $TMPDIR; under /tmp when that path would not fit
// in a socket address (a long TMPDIR) or the directory cannot be made there; an abstract socket as the last
// resort (a very long instance name), which sd_notify clients accept as systemd gives either. Computed once
// per instance: the address bound and the one the child is told must be the same.
std::string Supervisor::Impl::notify_address(const SupervisedChild& child) {
  for (auto* directory : {&m_notify_dir, &m_notify_dir_in_tmp}) {
    try {
      const auto path = directory->path() + "/" + child.plan.name;
      if (os::fits_socket_address(path)) {
        return path;
      }
    } catch (const std::system_error&) {
      // try the next place
    }
  }
  return "@tfrun-" + std::to_string(::getpid()) + "-" + std::to_string(m_notify_fallbacks++);
}

void Supervisor::Impl::prepare_notify_socket(SupervisedChild& child) {
  if (!has_readiness_check(child.plan) || child.plan.ready().kind != Kind::notify) {
    return;
  }
  try {
    const auto address = notify_address(child);
    const int fd = os::bind_notify_socket(address);
    child.readiness.notify_socket =
        std::make_unique<asio::local::datagram_protocol::socket>(m_io, asio::local::datagram_protocol(), fd);
    child.readiness.notify_path = address;
    receive_notify(child);
  } catch (const std::system_error& error) {
    m_out.system_line(child.plan.name + " cannot get a notify socket: " + error.what());
    begin_stop(core::exit_code::system, StopCause::failure);
  }
}

void Supervisor::Impl::receive_notify(SupervisedChild& child) {
  auto& readiness = child.readiness;
  if (!readiness.notify_buffer) {
    readiness.notify_buffer = std::make_unique<std::array<char, 4096>>();
  }
  readiness.notify_socket->async_receive(
      asio::buffer(*readiness.notify_buffer), [this, &child](const boost::system::error_code& ec, std::size_t size) {
        if (ec || m_done) {
          return;
        }
        const std::string_view text(child.readiness.notify_buffer->data(), size);
        if (!child.readiness.ready && child.state.alive() && os::notify_says_ready(text)) {
          mark_ready(child, "notify");
        }
        receive_notify(child);
      });
}

void Supervisor::Impl::start_readiness(SupervisedChild& child) {
  auto& readiness = child.readiness;
  if (readiness.checking || readiness.ready) {
    return; // a restarted instance goes on with the check its first life began
  }
  readiness.checking = true;
  if (child.plan.policy().oneshot) {
    return; // ready means finished, which the exit reports
  }
  switch (child.plan.ready().kind) {
  case Kind::none: mark_ready(child, ""); return;
  case Kind::own_port:
  case Kind::tcp_port: probe_port(child); break;
  case Kind::log_regex: readiness.log_pattern.emplace(child.plan.ready().pattern); break;
  case Kind::command: run_probe_command(child); break;
  case Kind::notify: break; // the socket is already listening
  }
  if (readiness.ready) {
    return;
  }
  child.ready_timer.expires_after(child.plan.ready().timeout.value_or(core::k_default_ready_timeout));
  child.ready_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (!ec) {
      on_ready_timeout(child);
    }
  });
}

void Supervisor::Impl::probe_port(SupervisedChild& child) {
  if (child.readiness.ready || m_stopping) {
    return;
  }
  const int port = child.plan.ready().kind == Kind::own_port ? child.plan.port : child.plan.ready().port;
  if (child.state.alive() && os::tcp_accepts(port)) {
    // Only while the instance runs: a port held by something else before it started proves nothing
    // once the instance is gone, and the start-up warning already named such a port.
    mark_ready(child, "port " + std::to_string(port));
    return;
  }
  child.probe_timer.expires_after(k_port_probe_interval);
  child.probe_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (!ec) {
      probe_port(child);
    }
  });
}

void Supervisor::Impl::run_probe_command(SupervisedChild& child) {
  if (child.readiness.ready || m_stopping || child.readiness.probe_pid > 0) {
    return;
  }
  os::SpawnRequest request;
  request.program = "/bin/sh";
  request.args = {"-c", child.plan.ready().command};
  request.env = child.plan.environment();
  request.cwd = child.plan.directory();
  request.output_fd = m_dev_null; // its output would only interleave with the instances' lines
  const auto result = os::spawn(request);
  if (result.error != 0) {
    m_out.system_line(child.plan.name + " cannot run its readiness command: /bin/sh: " + std::strerror(result.error));
    begin_stop(core::exit_code::system, StopCause::failure);
    return;
  }
  child.readiness.probe_pid = result.pid;
  m_probes.emplace(result.pid, &child);
}

void Supervisor::Impl::on_probe_exit(SupervisedChild& child, const core::ProcessExit& exit) {
  child.readiness.probe_pid = -1;
  if (m_stopping || child.readiness.ready) {
    return;
  }
  if (!exit.signaled && exit.code == 0) {
    mark_ready(child, "command");
    return;
  }
  child.probe_timer.expires_after(k_command_probe_interval);
  child.probe_timer.async_wait([this, &child](const boost::system::error_code& ec) {
    if (!ec) {
      run_probe_command(child);
    }
  });
}

void Supervisor::Impl::check_log_line(SupervisedChild& child, std::string_view line) {
  if (!child.readiness.log_pattern->found_in(line)) {
    return;
  }
  child.readiness.log_pattern.reset();
  // The match happens while a batch of output is being rendered: the `ready` line goes after it.
  asio::post(m_io, [this, &child] { mark_ready(child, "log matched"); });
}

void Supervisor::Impl::mark_ready(SupervisedChild& child, const std::string& how) {
  if (child.readiness.ready || m_stopping) {
    return;
  }
  child.readiness.ready = true;
  stop_readiness(child);
  if (!how.empty()) {
    m_out.system_line(child.plan.name + " ready (" + how + ")");
  }
  m_gate.instance_ready(child.plan.type);
  release_types();
}

void Supervisor::Impl::on_ready_timeout(SupervisedChild& child) {
  if (child.readiness.ready || m_stopping) {
    return;
  }
  const auto timeout = child.plan.ready().timeout.value_or(core::k_default_ready_timeout);
  m_out.system_line(child.plan.name + " not ready after " + core::describe_duration(timeout) +
                    " (ready: " + describe_ready(child.plan) + "), stopping");
  begin_stop(core::exit_code::unavailable, StopCause::failure);
}

void Supervisor::Impl::stop_readiness(SupervisedChild& child) {
  child.ready_timer.cancel();
  child.probe_timer.cancel();
  child.readiness.log_pattern.reset();
  if (child.readiness.probe_pid > 0) {
    os::signal_group(child.readiness.probe_pid, SIGKILL); // reaped as usual; its result no longer matters
  }
}

void Supervisor::Impl::tell_supervisor_if_ready() {
  if (m_told_ready || m_stopping || !m_gate.everything_ready()) {
    return;
  }
  m_told_ready = true;
  if (m_plan.notify_socket) {
    os::send_notify(*m_plan.notify_socket, "READY=1\nSTATUS=all processes ready");
  }
}

} // namespace tfrun::engine
