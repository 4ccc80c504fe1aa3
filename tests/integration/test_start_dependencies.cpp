// SPDX-License-Identifier: MIT
// `tfrun start` with depends_on, oneshot and readiness from tfrun.toml: what starts when, what a failure
// does, the shutdown order, and sd_notify in both directions.
#include "lifecycle_support.hpp"

#include <catch2/catch.hpp>

#include <map>

#include <csignal>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

// Where each expected line is; fails the test when one is missing.
std::vector<std::size_t> positions(const std::vector<TimedLine>& lines,
                                   const std::vector<std::pair<std::string, std::string>>& expected) {
  std::vector<std::size_t> out;
  for (const auto& [process, needle] : expected) {
    const auto found = find_line(lines, process, needle);
    INFO("looking for " << process << ": " << needle);
    REQUIRE(found);
    out.push_back(*found);
  }
  return out;
}

// Runs `tfrun ARGS` in `dir` until web.1 says "serving", then stops it with SIGTERM; its output as timed lines.
// Every process it started must be gone afterwards.
std::vector<TimedLine> run_until_web_serves(const TempDir& dir, const std::vector<std::string>& args = {"start"},
                                            const std::map<std::string, std::string>& env = {}) {
  auto options = json_output_in(dir);
  options.env.insert(env.begin(), env.end());
  Tfrun tfrun(args, options);
  REQUIRE(tfrun.wait_for_line("web\\.1.*serving"));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker(), 0s));
  return timed_lines(tfrun.out());
}

// A datagram socket playing systemd's part: tfrun's NOTIFY_SOCKET.
class FakeSystemd {
public:
  explicit FakeSystemd(const std::string& path) : m_path(path) {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    REQUIRE(::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }
  ~FakeSystemd() { ::close(m_fd); }
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;

  // The next datagram, or nullopt when none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) const {
    pollfd ready{m_fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(timeout.count())) != 1) {
      return std::nullopt;
    }
    char buffer[4096];
    const auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
    return got < 0 ? std::nullopt : std::optional<std::string>(std::string(buffer, static_cast<std::size_t>(got)));
  }
  [[nodiscard]] const std::string& path() const { return m_path; }

private:
  std::string m_path;
  int m_fd = -1;
};

} // namespace

TEST_CASE("a oneshot runs to completion before the types that depend on it start") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print serving") + "\nrelease: echo migrating; sleep 0.2; echo migrated\n");
  dir.write("tfrun.toml", "[process.web]\ndepends_on = [\"release\"]\n\n[process.release]\noneshot = true\n");
  const auto lines = run_until_web_serves(dir);
  const auto at = positions(lines, {{"system", "web waits for release"},
                                    {"release.1", "migrating"},
                                    {"release.1", "migrated"},
                                    {"system", "release.1 exited with code 0; done"},
                                    {"system", "web.1 started"},
                                    {"web.1", "serving"}});
  CHECK(std::is_sorted(at.begin(), at.end()));
  CHECK(find_line(lines, "system", "web.1 killed"));
}

TEST_CASE("a failing oneshot aborts the start with its status, and what already runs is stopped") {
  TempDir dir;
  dir.write("Procfile", "db: " + child("report") +
                            "\nrelease: sleep 0.2; echo failing; exit 4\nweb: " + child("print serving") + "\n");
  dir.write("tfrun.toml", "[process.release]\noneshot = true\ndepends_on = [\"db\"]\n\n"
                          "[process.web]\ndepends_on = [\"release\"]\n");
  const auto result = run_tfrun({"start"}, json_output_in(dir));
  CHECK(result.status == 4);
  const auto lines = timed_lines(result.out);
  const auto at = positions(lines, {{"db.1", "ready"},
                                    {"release.1", "failing"},
                                    {"system", "release.1 exited with code 4; oneshot failed, start aborted"},
                                    {"db.1", "got 15"},
                                    {"system", "db.1 exited with code 0"}});
  CHECK(std::is_sorted(at.begin(), at.end()));
  CHECK_FALSE(find_line(lines, "system", "web.1 started"));
  CHECK_FALSE(find_line(lines, "web.1", "serving"));
}

TEST_CASE("web waits until db's port accepts connections") {
  TempDir dir;
  const int port = free_port();
  dir.write("Procfile", "db: " + child("listen 300") + "\nweb: " + child("print serving") + "\n");
  dir.write("tfrun.toml", "[process.db]\nready = \"port\"\n\n[process.web]\ndepends_on = [\"db\"]\n");
  const auto lines = run_until_web_serves(dir, {"start", "-p", std::to_string(port), "web=1", "db=1"});
  const auto at = positions(lines, {{"system", "db.1 started"},
                                    {"system", "db.1 ready (port " + std::to_string(port) + ")"},
                                    {"system", "web.1 started"}});
  CHECK(std::is_sorted(at.begin(), at.end()));
  REQUIRE(find_line(lines, "db.1", "listening " + std::to_string(port)));
  // db starts listening 300 ms after it starts: web cannot have started earlier (timestamps, 5 ms slack).
  CHECK(lines[at[2]].ms - lines[at[0]].ms >= 295);
}

TEST_CASE("readiness from a log line, a command and sd_notify") {
  TempDir dir;
  SECTION("a regex on the output") {
    dir.write("Procfile", "db: echo booting; sleep 0.3; echo 'db: accepting connections'; " + child("print up") +
                              "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.db]\nready = { log = \"accepting conn\\\\w+\" }\n\n"
                            "[process.web]\ndepends_on = [\"db\"]\n");
    const auto lines = run_until_web_serves(dir);
    const auto at = positions(lines, {{"db.1", "booting"},
                                      {"db.1", "accepting connections"},
                                      {"system", "db.1 ready (log matched)"},
                                      {"system", "web.1 started"}});
    CHECK(std::is_sorted(at.begin(), at.end()));
  }
  SECTION("a command that exits 0") {
    dir.write("Procfile",
              "db: sleep 0.3; touch up.flag; " + child("print up") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.db]\nready = { command = \"test -e up.flag\" }\n\n"
                            "[process.web]\ndepends_on = [\"db\"]\n");
    const auto lines = run_until_web_serves(dir);
    const auto at =
        positions(lines, {{"system", "db.1 started"}, {"system", "db.1 ready (command)"}, {"system", "web.1 started"}});
    CHECK(std::is_sorted(at.begin(), at.end()));
    CHECK(lines[at[2]].ms - lines[at[0]].ms >= 295);
  }
  SECTION("READY=1 on the instance's own NOTIFY_SOCKET") {
    dir.write("Procfile", "svc: " + child("notify 300") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.svc]\nready = \"notify\"\n\n[process.web]\ndepends_on = [\"svc\"]\n");
    const auto lines = run_until_web_serves(dir);
    const auto at = positions(
        lines, {{"system", "svc.1 started"}, {"system", "svc.1 ready (notify)"}, {"system", "web.1 started"}});
    CHECK(std::is_sorted(at.begin(), at.end()));
    CHECK(lines[at[2]].ms - lines[at[0]].ms >= 295);
    const auto socket_line = find_line(lines, "svc.1", "notify socket /");
    REQUIRE(socket_line);
    CHECK(lines[*socket_line].text.find("/svc.1") != std::string::npos);
  }
  SECTION("sd_notify with a TMPDIR too long for a socket path: an abstract socket instead") {
    const std::string deep = dir.path() + "/" + std::string(60, 'd') + "/" + std::string(60, 'e');
    REQUIRE(std::system(("mkdir -p " + deep).c_str()) == 0);
    dir.write("Procfile", "svc: " + child("notify 100") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.svc]\nready = \"notify\"\n\n[process.web]\ndepends_on = [\"svc\"]\n");
    const auto lines = run_until_web_serves(dir, {"start"}, {{"TMPDIR", deep}});
    CHECK(find_line(lines, "system", "svc.1 ready (notify)"));
    CHECK(find_line(lines, "svc.1", "notify socket /tmp/tfrun-"));
  }
  SECTION("sd_notify for a name too long for any socket path: an abstract socket, the same one bound and told") {
    const std::string name(100, 's');
    dir.write("Procfile", name + ": " + child("notify 100") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml",
              "[process." + name + "]\nready = \"notify\"\n\n[process.web]\ndepends_on = [\"" + name + "\"]\n");
    const auto lines = run_until_web_serves(dir);
    CHECK(find_line(lines, "system", name + ".1 ready (notify)"));
    CHECK(find_line(lines, name + ".1", "notify socket @tfrun-"));
  }
  SECTION("not ready in time: the formation stops with 69 and says why") {
    dir.write("Procfile", "db: " + child("print up") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.db]\nready = { command = \"false\", timeout = \"300ms\" }\n\n"
                            "[process.web]\ndepends_on = [\"db\"]\n");
    const auto result = run_tfrun({"start"}, json_output_in(dir));
    CHECK(result.status == 69);
    const auto lines = timed_lines(result.out);
    CHECK(find_line(lines, "system", "db.1 not ready after 300 ms (ready: command 'false'), stopping"));
    CHECK(find_line(lines, "system", "web waits for db"));
    CHECK_FALSE(find_line(lines, "system", "web.1 started"));
  }
}

TEST_CASE("a dependency cycle is rejected with file and line before anything starts") {
  TempDir dir;
  dir.write("Procfile", "a: " + child("print a") + "\nb: " + child("print b") + "\n");
  dir.write("tfrun.toml", "[process.a]\ndepends_on = [\"b\"]\n\n[process.b]\ndepends_on = [\"a\"]\n");
  const auto result = run_tfrun({"start"}, in_dir(dir));
  CHECK(result.status == 65);
  CHECK(result.err.find("tfrun.toml:1:1: dependency cycle: a -> b -> a") != std::string::npos);
  CHECK(result.out.empty());
  dir.write("tfrun.toml", "[process.a]\ndepends_on = [\"nosuch\"]\n");
  const auto unknown = run_tfrun({"start"}, in_dir(dir));
  CHECK(unknown.status == 65);
  CHECK(unknown.err.find("tfrun.toml:2:") != std::string::npos);
  CHECK(unknown.err.find("nosuch") != std::string::npos);
}

TEST_CASE("shutdown runs in reverse dependency order: dependents are gone before their dependencies stop") {
  TempDir dir;
  dir.write("Procfile", "db: " + child("report") + "\nweb: " + child("cleanup 300") + "\n");
  dir.write("tfrun.toml", "[process.web]\ndepends_on = [\"db\"]\n");
  Tfrun tfrun({"start"}, json_output_in(dir));
  REQUIRE(tfrun.wait_for_text_count("\"line\":\"ready\"", 2));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  const auto lines = timed_lines(tfrun.out());
  // Without the order, db would report SIGTERM at once, 300 ms before web finished cleaning up.
  const auto at = positions(lines, {{"system", "SIGTERM received"},
                                    {"web.1", "cleaned"},
                                    {"system", "web.1 exited with code 0"},
                                    {"db.1", "got 15"},
                                    {"system", "db.1 exited with code 0"}});
  CHECK(std::is_sorted(at.begin(), at.end()));
  CHECK(no_leftovers(tfrun.marker(), 0s));
}

TEST_CASE("tfrun tells its own NOTIFY_SOCKET READY=1 once everything is ready, and STOPPING=1") {
  TempDir dir;
  FakeSystemd systemd(dir.path() + "/systemd.sock");
  RunOptions options = json_output_in(dir);
  options.env["NOTIFY_SOCKET"] = systemd.path();
  SECTION("ready, then stopping") {
    dir.write("Procfile", "svc: " + child("notify 200") + "\nweb: echo \"ns=${NOTIFY_SOCKET:-unset}\"; " +
                              child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.svc]\nready = \"notify\"\n\n[process.web]\ndepends_on = [\"svc\"]\n");
    Tfrun tfrun({"start"}, options);
    const auto ready = systemd.receive(10000ms);
    REQUIRE(ready);
    CHECK(ready->find("READY=1") != std::string::npos);
    REQUIRE(tfrun.wait_for_line("web\\.1.*serving"));
    tfrun.send_signal(SIGTERM);
    const auto stopping = systemd.receive(10000ms);
    REQUIRE(stopping);
    CHECK(*stopping == "STOPPING=1");
    REQUIRE(tfrun.wait_for_exit() == 143);
    const auto lines = timed_lines(tfrun.out());
    // READY=1 went out only after the dependent was started; no child sees tfrun's own socket.
    CHECK(find_line(lines, "system", "web.1 started"));
    CHECK(find_line(lines, "web.1", "ns=unset"));
    const auto svc_socket = find_line(lines, "svc.1", "notify socket");
    REQUIRE(svc_socket);
    CHECK(lines[*svc_socket].text.find(systemd.path()) == std::string::npos);
  }
  SECTION("a dependency that never gets ready: no READY=1, only STOPPING=1") {
    dir.write("Procfile", "db: " + child("print up") + "\nweb: " + child("print serving") + "\n");
    dir.write("tfrun.toml", "[process.db]\nready = { log = \"never printed\", timeout = \"300ms\" }\n\n"
                            "[process.web]\ndepends_on = [\"db\"]\n");
    Tfrun tfrun({"start"}, options);
    const auto first = systemd.receive(10000ms);
    REQUIRE(first);
    CHECK(*first == "STOPPING=1");
    CHECK(tfrun.wait_for_exit() == 69);
  }
}

TEST_CASE("a dependency left out of the formation is not waited for, and tfrun says so") {
  TempDir dir;
  dir.write("Procfile", "db: " + child("print db") + "\nweb: " + child("print serving") + "\n");
  dir.write("tfrun.toml", "[process.db]\nready = { log = \"never printed\" }\n\n"
                          "[process.web]\ndepends_on = [\"db\"]\n");
  const auto lines = run_until_web_serves(dir, {"start", "web"});
  CHECK(find_line(lines, "system", "warning: web depends on db, which this formation does not start"));
  CHECK_FALSE(find_line(lines, "system", "db.1 started"));
}
