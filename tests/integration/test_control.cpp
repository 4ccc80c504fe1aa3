// SPDX-License-Identifier: MIT
// Live control of a running formation through its socket (docs/control.md): ps, restart, stop, signal;
// who may connect; stale and busy sockets; many clients at once; clients that leave mid-answer.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

// name -> pid of each instance with a process, from `tfrun ps --json`.
std::map<std::string, long> pids_of(const std::string& json_lines) {
  std::map<std::string, long> pids;
  const std::regex row(R"re(\{"kind":"instance","name":"([^"]+)","type":"[^"]*","pid":(\d+|null),)re");
  for (auto it = std::sregex_iterator(json_lines.begin(), json_lines.end(), row); it != std::sregex_iterator(); ++it) {
    if ((*it)[2] != "null") {
      pids[(*it)[1]] = std::stol((*it)[2]);
    }
  }
  return pids;
}

std::string socket_of(const TempDir& dir) { return dir.path() + "/.tfrun/control.sock"; }

int connect_raw(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char chunk[4096];
  ssize_t got;
  while ((got = ::read(fd, chunk, sizeof chunk)) > 0) {
    out.append(chunk, static_cast<std::size_t>(got));
  }
  return out;
}

// A running formation of web=2 and one worker, each printing "ready" and reporting signals.
struct Formation {
  TempDir dir;
  std::unique_ptr<Tfrun> tfrun;

  explicit Formation(const std::string& procfile = {},
                     std::vector<std::string> args = {"start", "-m", "web=2,worker=1"}) {
    dir.write("Procfile",
              procfile.empty() ? "web: " + child("report") + "\nworker: " + child("report") + "\n" : procfile);
    tfrun = std::make_unique<Tfrun>(args, in_dir(dir));
  }
  ~Formation() {
    tfrun->send_signal(SIGTERM);
    tfrun->wait_for_exit(20s);
    CHECK(no_leftovers(tfrun->marker()));
  }
  Finished ctl(const std::vector<std::string>& args) const { return run_tfrun(args, in_dir(dir)); }
};

} // namespace

TEST_CASE("control: restart one instance while the others keep their pids, ps --json parsed") {
  Formation formation;
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 3));
  const auto before = formation.ctl({"ps", "--json"});
  REQUIRE(before.status == 0);
  const auto first = pids_of(before.out);
  REQUIRE(first.size() == 3);
  CHECK(before.out.find("\"port\":5000,\"ready\":true") != std::string::npos);
  CHECK(before.out.find("\"name\":\"worker.1\",\"type\":\"worker\"") != std::string::npos);

  const auto restarted = formation.ctl({"restart", "web.1"});
  CHECK(restarted.status == 0);
  CHECK(restarted.out == "web.1: restart\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| restart web\.1 \(asked by uid \d+, pid \d+\))"));
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| web\.1 started \(pid \d+, port 5000\))"));
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 4));
  const auto after = pids_of(formation.ctl({"ps", "--json"}).out);
  CHECK(after.at("web.1") != first.at("web.1"));
  CHECK(after.at("web.2") == first.at("web.2"));
  CHECK(after.at("worker.1") == first.at("worker.1"));
  const auto table = formation.ctl({"ps", "web.1"});
  CHECK(std::regex_search(table.out, std::regex(R"(web\.1 +\d+ +running +\d+s +1 +exited with code 0 +5000 +yes)")));
  CHECK(formation.tfrun->out().find("got 15") != std::string::npos); // stopped with its stop signal
}

TEST_CASE("control: stop leaves the formation running, restart starts what was stopped, signal, wildcards") {
  Formation formation;
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 3));
  CHECK(formation.ctl({"stop", "worker"}).out == "worker.1: stop\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| worker\.1 exited with code 0)"));
  auto ps = formation.ctl({"ps"});
  CHECK(std::regex_search(ps.out, std::regex(R"(worker\.1 +- +stopped)")));
  CHECK(std::regex_search(ps.out, std::regex(R"(web\.2 +\d+ +running)")));

  const auto signalled = formation.ctl({"signal", "USR1", "w*.2"});
  CHECK(signalled.out == "web.2: signal SIGUSR1\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.2 +\| got 10)"));
  CHECK(formation.ctl({"signal", "USR1", "worker"}).out == "worker.1: not running\n");

  CHECK(formation.ctl({"restart", "worker.1"}).status == 0);
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 4));
  ps = formation.ctl({"ps", "worker"});
  CHECK(std::regex_search(ps.out, std::regex(R"(worker\.1 +\d+ +running)")));

  const auto everything = formation.ctl({"restart"});
  CHECK(everything.out == "web.1: restart\nweb.2: restart\nworker.1: restart\n");
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 7));
}

TEST_CASE("control: unknown names, bad signals and no formation have their own messages and statuses") {
  Formation formation;
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 3));
  const auto unknown = formation.ctl({"restart", "web.1", "db*", "clock"});
  CHECK(unknown.status == 64);
  CHECK(unknown.err == "tfrun: error: no instance or type matches 'db*', 'clock'\n");
  const auto signal = formation.ctl({"signal", "SIGNOPE", "web"});
  CHECK(signal.status == 64);
  CHECK(signal.err == "tfrun: error: unknown signal 'SIGNOPE'\n");
  TempDir elsewhere;
  const auto none = run_tfrun({"ps"}, in_dir(elsewhere));
  CHECK(none.status == 69);
  CHECK(none.err == "tfrun: error: no tfrun start is running here (no one listens on " + socket_of(elsewhere) + ")\n");
  CHECK(formation.tfrun->out().find("web.1 started") != std::string::npos); // nothing restarted by the error
  CHECK(formation.tfrun->out().find("restart web.1") == std::string::npos);
}

TEST_CASE("control: a second start in the project is refused with its own status, the socket is private") {
  Formation formation;
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 3));
  const auto second = formation.ctl({"start"});
  CHECK(second.status == 75);
  CHECK(second.err == "tfrun: error: another tfrun start is running in this project (control socket " +
                          socket_of(formation.dir) + ")\n");
  CHECK(second.out.empty()); // nothing was started
  struct stat info {};
  REQUIRE(::stat((formation.dir.path() + "/.tfrun").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(::stat(socket_of(formation.dir).c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("control: the socket is removed at exit, and a stale one from a SIGKILLed tfrun is replaced") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("report") + "\n");
  {
    Tfrun first({"start"}, in_dir(dir));
    REQUIRE(first.wait_for_text_count("ready", 1));
    const auto pids = pids_of(run_tfrun({"ps", "--json"}, in_dir(dir)).out);
    REQUIRE(pids.size() == 1);
    first.send_signal(SIGKILL);
    REQUIRE(first.wait_for_exit(10s) == 128 + SIGKILL);
    ::kill(static_cast<pid_t>(-pids.at("web.1")), SIGKILL); // its child is left behind: cleaned up by hand
    REQUIRE(no_leftovers(first.marker()));
  }
  struct stat info {};
  REQUIRE(::lstat((dir.path() + "/.tfrun/control.sock").c_str(), &info) == 0); // left behind
  CHECK(run_tfrun({"ps"}, in_dir(dir)).status == 69);                          // and known to be stale
  {
    Tfrun second({"start"}, in_dir(dir));
    REQUIRE(second.wait_for_text_count("ready", 1));
    CHECK(run_tfrun({"ps"}, in_dir(dir)).status == 0);
    second.send_signal(SIGTERM);
    REQUIRE(second.wait_for_exit(10s));
    CHECK(second.err().find("tfrun: warning: replaced the control socket " + dir.path() +
                            "/.tfrun/control.sock, left by a tfrun that did not exit cleanly\n") != std::string::npos);
    CHECK(no_leftovers(second.marker()));
  }
  CHECK(::lstat((dir.path() + "/.tfrun").c_str(), &info) != 0); // removed with the socket
}

TEST_CASE("control: a client of another uid is refused") {
  if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
    WARN("skipped: needs root and setpriv to act as another user");
    return;
  }
  Formation formation;
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 3));
  ::chmod(formation.dir.path().c_str(), 0755);
  auto as_nobody = in_dir(formation.dir);
  as_nobody.wrapper = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  // The private directory already keeps it out.
  auto refused = run_tfrun({"ps"}, as_nobody);
  CHECK(refused.status == 77);
  CHECK(refused.err.find("Permission denied") != std::string::npos);
  // Opened up by hand, the peer's uid is still checked.
  ::chmod((formation.dir.path() + "/.tfrun").c_str(), 0755);
  ::chmod(socket_of(formation.dir).c_str(), 0666);
  refused = run_tfrun({"restart", "web"}, as_nobody);
  CHECK(refused.status == 77);
  CHECK(refused.err == "tfrun: error: tfrun runs as uid 0; only that user and root may control it\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| control: refused a client of uid 65534, pid \d+)"));
  CHECK(formation.tfrun->out().find("restart web") == std::string::npos);
}

TEST_CASE("control: 50 clients at once all get whole answers") {
  Formation formation("web: " + child("print up") + "\n", {"start", "-m", "web=20"});
  REQUIRE(formation.tfrun->wait_for_text_count("up", 20));
  std::vector<std::unique_ptr<Tfrun>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<Tfrun>(std::vector<std::string>{"ps", "--json"}, in_dir(formation.dir)));
  }
  for (auto& client : clients) {
    CHECK(client->wait_for_exit(30s) == 0);
    CHECK(pids_of(client->out()).size() == 20);
  }
}

TEST_CASE("control: clients that leave mid-answer or say too much do not disturb the formation") {
  Formation formation("web: " + child("print up") + "\n", {"start", "-m", "web=300"});
  REQUIRE(formation.tfrun->wait_for_text_count("up", 300));
  for (int i = 0; i < 20; ++i) {
    const int fd = connect_raw(socket_of(formation.dir));
    if (i % 2 == 0) {
      const std::string request = "{\"v\":1,\"cmd\":\"ps\"}\n";
      REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    }
    ::close(fd); // before (or without) reading a byte of the answer
  }
  const int fd = connect_raw(socket_of(formation.dir));
  const std::string huge(70 * 1024, 'x');
  ::send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  CHECK(read_all(fd) == "{\"kind\":\"error\",\"code\":\"request_too_large\","
                        "\"message\":\"a request may be at most 65536 bytes\"}\n");
  ::close(fd);
  const int bad = connect_raw(socket_of(formation.dir));
  const std::string nonsense = "{\"v\":1,\"cmd\":\"launch\"}\n";
  REQUIRE(::write(bad, nonsense.data(), nonsense.size()) == static_cast<ssize_t>(nonsense.size()));
  CHECK(read_all(bad) ==
        "{\"kind\":\"error\",\"code\":\"unknown_command\",\"message\":\"unknown command 'launch'\"}\n");
  ::close(bad);
  const auto ps = formation.ctl({"ps", "--json"});
  CHECK(ps.status == 0);
  CHECK(pids_of(ps.out).size() == 300);
}

TEST_CASE("control: scale up takes the next ports of the block, scale down stops the highest numbers") {
  Formation formation("web: echo \"$PS port=$PORT\"; " + child("report") + "\nworker: " + child("report") + "\n",
                      {"start", "-m", "web=1,worker=1", "-p", "6000"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 2));
  auto scaled = formation.ctl({"scale", "web=3", "worker=0"});
  CHECK(scaled.status == 0);
  CHECK(scaled.out == "web.2: add (port 6001)\nweb.3: add (port 6002)\nworker.1: stop\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| scale web=3 worker=0 \(asked by uid \d+, pid \d+\))"));
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.2 +\| web\.2 port=6001)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.3 +\| web\.3 port=6002)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| worker\.1 exited with code 0)"));
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 4));
  auto pids = pids_of(formation.ctl({"ps", "--json"}).out);
  CHECK(pids.count("web.3") == 1);
  CHECK(pids.count("worker.1") == 0);
  const auto web1 = pids.at("web.1");

  scaled = formation.ctl({"scale", "web=1"});
  CHECK(scaled.out == "web.3: stop\nweb.2: stop\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| web\.2 exited with code 0)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| web\.3 exited with code 0)"));
  pids = pids_of(formation.ctl({"ps", "--json"}).out);
  CHECK(pids == std::map<std::string, long>{{"web.1", web1}});
  const auto table = formation.ctl({"ps", "web"}).out;
  CHECK(std::regex_search(table, std::regex(R"(web\.3 +- +stopped +- +0 +exited with code 0 +6002)")));

  const auto too_many = formation.ctl({"scale", "web=101"});
  CHECK(too_many.status == 64);
  CHECK(too_many.err == "tfrun: error: web=101: a type has 100 ports (6000-6099), so at most 100 instances\n");
  const auto negative = formation.ctl({"scale", "web=-1"});
  CHECK(negative.status == 64);
  CHECK(negative.err == "tfrun: error: web=-1: a count cannot be below 0\n");
  const auto unknown = formation.ctl({"scale", "db=1"});
  CHECK(unknown.err == "tfrun: error: no type 'db' in the Procfile\n");
  const auto malformed = formation.ctl({"scale", "web"});
  CHECK(malformed.status == 64);
  CHECK(malformed.err == "tfrun: error: scale wants TYPE=COUNT, as web=3: 'web'\n");
}

TEST_CASE("control: a oneshot cannot be scaled") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("report") + "\nmigrate: echo migrated\n");
  dir.write("tfrun.toml", "[process.migrate]\noneshot = true\n");
  Tfrun tfrun({"start"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line("ready"));
  const auto refused = run_tfrun({"scale", "migrate=2"}, in_dir(dir));
  CHECK(refused.status == 64);
  CHECK(refused.err == "tfrun: error: migrate is a oneshot: it runs once and cannot be scaled\n");
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit(20s));
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("control: logs shows the last lines of each instance in order, then follows") {
  Formation formation("web: echo one; echo two; echo three; " + child("report") + "\nworker: echo alpha; " +
                          child("report") + "\n",
                      {"start", "-m", "web=1,worker=1"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 2));
  const auto web = formation.ctl({"logs", "-n", "2", "web"});
  CHECK(web.status == 0);
  CHECK(web.out == "web.1 | three\nweb.1 | ready\n");
  const auto all = formation.ctl({"logs", "-n", "0"});
  CHECK(all.out.empty());
  const auto unknown = formation.ctl({"logs", "db"});
  CHECK(unknown.status == 64);
  CHECK(unknown.err == "tfrun: error: no instance or type matches 'db'\n");

  Tfrun follower({"logs", "-f", "-n", "1", "worker"}, in_dir(formation.dir));
  REQUIRE(follower.wait_for_line(R"(^worker\.1 \| ready$)"));
  CHECK(formation.ctl({"signal", "USR1", "web", "worker"}).status == 0);
  REQUIRE(follower.wait_for_line(R"(^worker\.1 \| got 10$)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.1 +\| got 10)"));
  formation.tfrun->send_signal(SIGTERM);
  CHECK(follower.wait_for_exit(20s) == 0); // the formation stopped: following ends, and that is no error
  CHECK(follower.out().find("web.1") == std::string::npos);
}

TEST_CASE("control: a logs -f client that stops reading is dropped and the formation's output is whole") {
  // The flood begins on SIGUSR1, once the client follows.
  Formation formation("flood: trap 'exec " + test_child() +
                          " lines A 50000 7 stay' USR1; echo waiting; while :; do sleep 0.05; done\n",
                      {"start"});
  REQUIRE(formation.tfrun->wait_for_line(R"(flood\.1 +\| waiting)"));
  const int fd = connect_raw(socket_of(formation.dir));
  const std::string request = "{\"v\":1,\"cmd\":\"logs\",\"follow\":true,\"lines\":1}\n";
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string first;
  char byte = 0;
  while (first.find('\n') == std::string::npos && ::read(fd, &byte, 1) == 1) {
    first += byte;
  }
  CHECK(first == "{\"kind\":\"log\",\"name\":\"flood.1\",\"line\":\"waiting\"}\n");
  // From here on the client reads nothing: the formation must still print every line, and drop it.
  CHECK(formation.ctl({"signal", "USR1", "flood"}).status == 0);
  REQUIRE(formation.tfrun->wait_for_text_count("done A", 1, 60s));
  CHECK(formation.tfrun->wait_for_text_count("| A:", 50000, 10s));
  REQUIRE(formation.tfrun->wait_for_line(
      R"(system +\| control: dropped a client of uid \d+, pid \d+, too slow to read its answer)"));
  CHECK(formation.ctl({"ps"}).status == 0);
  // Dropped, it is also closed (after a second to read its error): reading now ends in EOF, not a wait.
  char chunk[65536];
  ssize_t got = 0;
  while ((got = ::read(fd, chunk, sizeof chunk)) > 0) {
  }
  CHECK(got == 0);
  ::close(fd);
}

TEST_CASE("control: reload restarts exactly the changed type, starts added ones, stops removed ones") {
  Formation formation("web: echo web-v1; " + child("report") + "\nworker: " + child("report") + "\n", {"start"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 2));
  const auto before = pids_of(formation.ctl({"ps", "--json"}).out);
  CHECK(formation.ctl({"reload"}).out == "nothing changed\n");

  formation.dir.write("Procfile", "web: echo web-v2; " + child("report") + "\nworker: " + child("report") +
                                      "\nclock: echo tick; " + child("report") + "\n");
  const auto reloaded = formation.ctl({"reload"});
  CHECK(reloaded.status == 0);
  CHECK(reloaded.out == "web.1: restart (changed)\nclock.1: start (added)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| reload: changed: web; added: clock \(asked by uid \d+)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.1 +\| web-v2)"));
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 4));
  const auto after = pids_of(formation.ctl({"ps", "--json"}).out);
  CHECK(after.at("web.1") != before.at("web.1"));
  CHECK(after.at("worker.1") == before.at("worker.1"));
  CHECK(after.count("clock.1") == 1);

  // A file that no longer parses changes nothing and says why.
  formation.dir.write("Procfile", "web echo broken\n");
  const auto broken = formation.ctl({"reload"});
  CHECK(broken.status == 65);
  CHECK(broken.err.starts_with("tfrun: error: the files no longer parse; nothing changed:\n"));
  CHECK(broken.err.find("Procfile: no process entries") != std::string::npos);
  CHECK(pids_of(formation.ctl({"ps", "--json"}).out) == after);

  formation.dir.write("Procfile", "web: echo web-v2; " + child("report") + "\n");
  CHECK(formation.ctl({"reload"}).out == "worker.1: stop (removed)\nclock.1: stop (removed)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| clock\.1 exited with code 0)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| worker\.1 exited with code 0)"));
  CHECK(pids_of(formation.ctl({"ps", "--json"}).out) == std::map<std::string, long>{{"web.1", after.at("web.1")}});
}

TEST_CASE("control: a restart while instances still wait for their spawn leaves none pending") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("report") + "\n");
  Tfrun tfrun({"start", "-m", "web=100"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(web\.1 started)"));
  CHECK(run_tfrun({"restart", "web"}, in_dir(dir)).status == 0); // most are still queued
  // Every instance ends up running: the ones restarted before their first spawn are spawned all the same.
  bool all_running = false;
  for (int attempt = 0; attempt < 200 && !all_running; ++attempt) {
    const auto ps = run_tfrun({"ps", "--json"}, in_dir(dir)).out;
    all_running = pids_of(ps).size() == 100 && ps.find("\"state\":\"pending\"") == std::string::npos &&
                  ps.find("\"state\":\"stopping\"") == std::string::npos;
  }
  CHECK(all_running);
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit(20s));
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("control: an instance the user is stopping is still SIGKILLed when another's exit stops everything") {
  TempDir dir;
  // a reports SIGTERM instead of ending (it ends on SIGUSR1 only); b is there to exit.
  dir.write("Procfile", "a: " + child("report 10") + "\nb: " + child("report") + "\n");
  dir.write("tfrun.toml", "[process.a]\ntimeout = \"1s\"\n");
  Tfrun tfrun({"start", "--no-timestamp"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_text_count("ready", 2));
  CHECK(run_tfrun({"stop", "a"}, in_dir(dir)).status == 0);
  REQUIRE(tfrun.wait_for_line(R"(a\.1 +\| got 15)"));
  // b's exit stops the formation while a is in its grace period, within a's first half second when the
  // machine is quick: a's grace must run on to its SIGKILL rather than be replaced by the settle time.
  CHECK(run_tfrun({"signal", "KILL", "b"}, in_dir(dir)).status == 0);
  const auto status = tfrun.wait_for_exit(15s);
  REQUIRE(status);
  CHECK(*status == 128 + SIGKILL);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("control: --socket in a directory of the user's leaves that directory's mode alone") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("report") + "\n");
  const auto shared = dir.path() + "/shared";
  REQUIRE(::mkdir(shared.c_str(), 0700) == 0);
  REQUIRE(::chmod(shared.c_str(), 01777) == 0);
  Tfrun tfrun({"start", "--socket", shared + "/ctl.sock"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_text_count("ready", 1));
  CHECK(run_tfrun({"ps", "--socket", shared + "/ctl.sock"}, in_dir(dir)).status == 0);
  struct stat info {};
  REQUIRE(::stat((shared + "/ctl.sock").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(shared.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 01777);
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit(10s));
  REQUIRE(::stat(shared.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 01777);
}

TEST_CASE("control: several starts racing over one stale socket: exactly one runs") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("report") + "\n");
  REQUIRE(::mkdir((dir.path() + "/.tfrun").c_str(), 0700) == 0);
  { // a socket file nobody listens on, as a SIGKILLed tfrun leaves it
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_of(dir).c_str(), sizeof address.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    ::close(fd);
  }
  std::vector<std::unique_ptr<Tfrun>> starts;
  for (int i = 0; i < 8; ++i) {
    starts.push_back(std::make_unique<Tfrun>(std::vector<std::string>{"start"}, in_dir(dir)));
  }
  int refused = 0;
  Tfrun* running = nullptr;
  for (auto& start : starts) {
    const auto status = start->wait_for_exit(3s);
    if (status) {
      CHECK(*status == 75);
      ++refused;
    } else {
      running = start.get();
    }
  }
  CHECK(refused == 7);
  REQUIRE(running != nullptr);
  CHECK(run_tfrun({"ps"}, in_dir(dir)).status == 0);
  running->send_signal(SIGTERM);
  CHECK(running->wait_for_exit(10s));
  CHECK(no_leftovers(running->marker()));
}

TEST_CASE("control: scale and restart wait for the dependencies, as the start does") {
  TempDir dir;
  dir.write("Procfile", "db: " + child("report") + "\nweb: echo web-up; " + child("report") + "\n");
  dir.write("tfrun.toml", "[process.db]\nready = { command = \"test -e up.flag\" }\n\n"
                          "[process.web]\ndepends_on = [\"db\"]\n");
  Tfrun tfrun({"start", "--no-timestamp"}, in_dir(dir));
  REQUIRE(tfrun.wait_for_line(R"(db\.1 +\| ready)"));
  CHECK(run_tfrun({"scale", "web=2"}, in_dir(dir)).status == 0);
  CHECK(run_tfrun({"restart", "web.1"}, in_dir(dir)).status == 0);
  auto ps = run_tfrun({"ps", "web"}, in_dir(dir)).out;
  CHECK(std::regex_search(ps, std::regex(R"(web\.1 +- +pending)")));
  CHECK(std::regex_search(ps, std::regex(R"(web\.2 +- +pending)")));
  CHECK(tfrun.out().find("web-up") == std::string::npos);
  dir.write("up.flag", "");
  REQUIRE(tfrun.wait_for_text_count("web-up", 2));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit(20s));
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("control: reload keeps ports where they are, and a type removed then added back is one instance") {
  Formation formation("web: echo \"$PS port=$PORT\"; " + child("report") + "\nclock: " + child("report") + "\n",
                      {"start", "--no-timestamp"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 2));
  // A type inserted above web: web keeps 5000, the new one may not take it.
  formation.dir.write("Procfile", "mail: echo \"$PS port=$PORT\"; " + child("report") +
                                      "\nweb: echo \"$PS port=$PORT\"; " + child("report") +
                                      "\nclock: " + child("report") + "\n");
  CHECK(formation.ctl({"reload"}).out == "mail.1: start (added)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(mail\.1 +\| mail\.1 port=5200)"));
  CHECK(formation.ctl({"scale", "web=2"}).out == "web.2: add (port 5001)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(web\.2 +\| web\.2 port=5001)"));
  // clock removed, then written again: still one clock.1.
  formation.dir.write("Procfile", "mail: echo \"$PS port=$PORT\"; " + child("report") +
                                      "\nweb: echo \"$PS port=$PORT\"; " + child("report") + "\n");
  CHECK(formation.ctl({"reload"}).out == "clock.1: stop (removed)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(system +\| clock\.1 exited with code 0)"));
  formation.dir.write("Procfile", "mail: echo \"$PS port=$PORT\"; " + child("report") +
                                      "\nweb: echo \"$PS port=$PORT\"; " + child("report") +
                                      "\nclock: echo clock-again; " + child("report") + "\n");
  CHECK(formation.ctl({"reload"}).out == "clock.1: start (added)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(clock\.1 +\| clock-again)"));
  const auto ps = formation.ctl({"ps", "--json", "clock"}).out;
  CHECK(pids_of(ps).size() == 1);
  CHECK(std::count(ps.begin(), ps.end(), '\n') == 1);
}

TEST_CASE("control: a name written on two lines and added by reload runs each line's command") {
  Formation formation("web: " + child("report") + "\n", {"start", "--no-timestamp"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 1));
  formation.dir.write("Procfile", "web: " + child("report") + "\nw2: echo first-line; " + child("report") +
                                      "\nw2: echo second-line; " + child("report") + "\n");
  CHECK(formation.ctl({"reload"}).out == "w2.1: start (added)\nw2.2: start (added)\n");
  REQUIRE(formation.tfrun->wait_for_line(R"(w2\.1 +\| first-line)"));
  REQUIRE(formation.tfrun->wait_for_line(R"(w2\.2 +\| second-line)"));
}

TEST_CASE("control: an answer larger than a slow client's bound still arrives whole for a client that reads") {
  // 8 x 1000 lines of up to 300 bytes: more than the 1 MiB a client may leave unread, all of it backlog.
  Formation formation("a: exec " + test_child() + " lines A 1000 3 stay\n", {"start", "-m", "a=8"});
  REQUIRE(formation.tfrun->wait_for_text_count("done A", 8));
  const auto logs = formation.ctl({"logs", "-n", "1000"});
  CHECK(logs.status == 0);
  CHECK(std::count(logs.out.begin(), logs.out.end(), '\n') == 8 * 1000);
  CHECK(logs.out.size() > 1024 * 1024);
}

TEST_CASE("control: idle connections are closed and never hold more than the budget of descriptors") {
  Formation formation("web: " + child("report") + "\n", {"start"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 1));
  const auto open_descriptors = [&] {
    const auto dir = "/proc/" + std::to_string(formation.tfrun->pid()) + "/fd";
    return std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator());
  };
  const auto before = open_descriptors();
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    idle.push_back(connect_raw(socket_of(formation.dir))); // connected, and never a request
  }
  // Served 32 at a time; each says why it is closed, and a real client gets its answer after them.
  const auto ps = formation.ctl({"ps"});
  CHECK(ps.status == 0);
  CHECK(open_descriptors() <= before + 32);
  const auto answer = read_all(idle.front());
  CHECK(answer == "{\"kind\":\"error\",\"code\":\"bad_request\",\"message\":\"no request within 5 s\"}\n");
  for (const int fd : idle) {
    ::close(fd);
  }
}

TEST_CASE("control: a client does not hang on a formation that cannot answer (tfrun stopped)") {
  Formation formation("web: " + child("report") + "\n", {"start"});
  REQUIRE(formation.tfrun->wait_for_text_count("ready", 1));
  formation.tfrun->send_signal(SIGSTOP);
  const auto ps = formation.ctl({"ps"});
  formation.tfrun->send_signal(SIGCONT);
  CHECK(ps.status == 75);
  CHECK(ps.err == "tfrun: error: the formation did not answer within 10 s (is tfrun stopped, by Ctrl-Z or SIGSTOP?)\n");
  CHECK(formation.ctl({"ps"}).status == 0);
}
