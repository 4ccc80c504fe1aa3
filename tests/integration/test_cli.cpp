// SPDX-License-Identifier: MIT
// `check`, `env`, `version`, `--help` and the exit-status table, through the real binary.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

using namespace tfrun::test;

namespace {

const char* const k_procfile = "web: ./server --port $PORT\nworker: rake jobs:work\nclock: ./clock\n";

Finished tfrun_in(const TempDir& dir, const std::vector<std::string>& args,
                  std::map<std::string, std::string> env = {}) {
  RunOptions options;
  options.cwd = dir.path();
  options.env = std::move(env);
  options.env["PORT"] = ""; // the suite's own environment must not move the base port
  options.env.erase("PORT");
  return run_tfrun(args, options);
}

} // namespace

TEST_CASE("check lists the formation with foreman's ports") {
  TempDir dir;
  dir.write("Procfile", k_procfile);
  const auto result = tfrun_in(dir, {"check", "web=2", "clock=1"});
  CHECK(result.status == 0);
  CHECK(result.out.find("web.1    port 5000") != std::string::npos);
  CHECK(result.out.find("web.2    port 5001") != std::string::npos);
  CHECK(result.out.find("clock.1  port 5200") != std::string::npos);
  CHECK(result.out.find("worker   (not started)") != std::string::npos);
}

TEST_CASE("check shows each type's resolved lifecycle policy and the start order") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\ndb: ./db\nrelease: ./migrate\n");
  dir.write("tfrun.toml", "[process.web]\ndepends_on = [\"release\"]\nrestart = \"on-failure\"\nmax_restarts = 3\n"
                          "stop_signal = \"QUIT\"\n\n[process.release]\noneshot = true\ndepends_on = [\"db\"]\n\n"
                          "[process.db]\nready = { port = \"self\", timeout = \"30s\" }\n");
  const auto result = tfrun_in(dir, {"check"});
  REQUIRE(result.status == 0);
  CHECK(result.out.find("start order: db -> release -> web\n") != std::string::npos);
  CHECK(result.out.find("  web: starts after release; restart on-failure (1 s doubling to 60 s, reset after 60 s up, "
                        "give up after 3 in a row); stop: SIGQUIT to the group, 5 s grace\n") != std::string::npos);
  CHECK(result.out.find("  release: oneshot (runs to completion before its dependents start); starts after db\n") !=
        std::string::npos);
  CHECK(result.out.find("  db: ready when port 5100 accepts (within 30 s)\n") != std::string::npos);
  const auto json = tfrun_in(dir, {"check", "--json"});
  REQUIRE(json.status == 0);
  CHECK(json.out.find("\"restart\":\"on-failure\",\"restart_delay_ms\":1000,\"max_restart_delay_ms\":60000,"
                      "\"healthy_after_ms\":60000,\"max_restarts\":3") != std::string::npos);
  CHECK(json.out.find("\"start_order\":[\"db\",\"release\",\"web\"]") != std::string::npos);
}

TEST_CASE("check --json prints the whole resolved model") {
  TempDir dir;
  dir.write("Procfile", k_procfile);
  dir.write(".env", "DATABASE_URL=\"postgres://x\"\nPORT=7000\nnot a line\n");
  const auto result = tfrun_in(dir, {"check", "--json", "-m", "all=1,worker=0"});
  REQUIRE(result.status == 0);
  CHECK(result.out.find("\"entries\":[{\"name\":\"web\",\"command\":\"./server --port $PORT\",\"line\":1}") !=
        std::string::npos);
  CHECK(result.out.find("\"env\":{\"DATABASE_URL\":\"postgres://x\",\"PORT\":\"7000\"}") != std::string::npos);
  CHECK(result.out.find("\"base_port\":7000") != std::string::npos);
  CHECK(result.out.find("{\"name\":\"clock.1\",\"type\":\"clock\",\"number\":1,\"port\":7200") != std::string::npos);
  CHECK(result.out.find("worker.1") == std::string::npos);
  CHECK(result.out.find("\"warnings\":[{\"file\":\".env\",\"line\":3") != std::string::npos);
  CHECK(result.err.find("tfrun: warning: .env:3:") != std::string::npos);
}

TEST_CASE("check --strict turns a warning into an error") {
  TempDir dir;
  dir.write("Procfile", "web: x\nthis is not an entry\n");
  const auto result = tfrun_in(dir, {"check", "--strict"});
  CHECK(result.status == 65);
  CHECK(result.err.find("tfrun: error: Procfile:2:5: not an entry") != std::string::npos);
}

TEST_CASE("env prints exactly what an instance receives") {
  TempDir dir;
  dir.write("Procfile", k_procfile);
  dir.write(".env", "GREETING=\"hello world\"\nexport NAME=${USER_NAME:-anon}\n");
  const auto web2 = tfrun_in(dir, {"env", "web.2"});
  REQUIRE(web2.status == 0);
  CHECK(web2.out.find("\nGREETING=hello world\n") != std::string::npos);
  CHECK(web2.out.find("\nNAME=anon\n") != std::string::npos);
  CHECK(web2.out.find("\nPORT=5001\n") != std::string::npos);
  CHECK(web2.out.find("\nPS=web.2\n") != std::string::npos);
  CHECK(web2.out.find("\nTFRUN_PROCESS=web.2\n") != std::string::npos);

  const auto oneoff = tfrun_in(dir, {"env", "--json", "-p", "8000"}, {{"USER_NAME", "ada"}});
  REQUIRE(oneoff.status == 0);
  CHECK(oneoff.out.find("\"NAME\":\"ada\"") != std::string::npos);
  CHECK(oneoff.out.find("\"PORT\":\"8000\",\"PS\":\"run.1\"") != std::string::npos);
}

TEST_CASE("command line beats TFRUN_* which beats tfrun.toml") {
  TempDir dir;
  dir.write("Procfile", k_procfile);
  dir.write("tfrun.toml", "port = 6000\n");
  CHECK(tfrun_in(dir, {"env", "web.1"}).out.find("\nPORT=6000\n") != std::string::npos);
  CHECK(tfrun_in(dir, {"env", "web.1"}, {{"TFRUN_PORT", "7000"}}).out.find("\nPORT=7000\n") != std::string::npos);
  CHECK(tfrun_in(dir, {"env", "web.1", "-p", "8000"}, {{"TFRUN_PORT", "7000"}}).out.find("\nPORT=8000\n") !=
        std::string::npos);
}

TEST_CASE("version and help") {
  TempDir dir;
  const auto version = tfrun_in(dir, {"version"});
  CHECK(version.status == 0);
  CHECK(version.out.rfind("tfrun ", 0) == 0);
  const auto help = tfrun_in(dir, {"--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("Exit status:") != std::string::npos);
  CHECK(help.out.find("65    bad input data") != std::string::npos);
  for (const char* command : {"start", "run", "check", "env"}) {
    const auto sub = tfrun_in(dir, {command, "--help"});
    CHECK(sub.status == 0);
    CHECK(sub.out.find("--procfile") != std::string::npos);
  }
}

TEST_CASE("exit status table: each kind of bad input has its own status and message") {
  TempDir dir;
  SECTION("usage: unknown flag") {
    const auto r = tfrun_in(dir, {"start", "--frobnicate"});
    CHECK(r.status == 64);
    CHECK(r.err.find("tfrun: error:") != std::string::npos);
  }
  SECTION("usage: no command") { CHECK(tfrun_in(dir, {}).status == 64); }
  SECTION("usage: non-numeric port names the flag") {
    dir.write("Procfile", k_procfile);
    const auto r = tfrun_in(dir, {"check", "-p", "50x0"});
    CHECK(r.status == 64);
    CHECK(r.err == "tfrun: error: --port: '50x0' is not a port number from 1 to 65535\n");
  }
  SECTION("usage: formation names an unknown type, listing the known ones") {
    dir.write("Procfile", k_procfile);
    const auto r = tfrun_in(dir, {"check", "wbe=2"});
    CHECK(r.status == 64);
    CHECK(r.err == "tfrun: error: formation names unknown process type 'wbe' (known types: web, worker, clock)\n");
  }
  SECTION("usage: bad formation count") {
    dir.write("Procfile", k_procfile);
    const auto r = tfrun_in(dir, {"check", "web=two"});
    CHECK(r.status == 64);
    CHECK(r.err.find("'web=two'") != std::string::npos);
  }
  SECTION("missing input: no Procfile") {
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 66);
    CHECK(r.err == "tfrun: error: Procfile: no such file (name another Procfile with -f FILE)\n");
  }
  SECTION("missing input: a named env file") {
    dir.write("Procfile", k_procfile);
    const auto r = tfrun_in(dir, {"check", "-e", "nope.env"});
    CHECK(r.status == 66);
    CHECK(r.err == "tfrun: error: nope.env: no such env file\n");
  }
  SECTION("bad data: empty Procfile") {
    dir.write("Procfile", "# nothing\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find("Procfile: no process entries") != std::string::npos);
  }
  SECTION("bad data under --strict: duplicate name, both lines named") {
    dir.write("Procfile", "web: a\nworker: b\nweb: c\n");
    const auto r = tfrun_in(dir, {"check", "--strict"});
    CHECK(r.status == 65);
    CHECK(r.err.find("tfrun: error: Procfile:3:1: duplicate process name 'web' (also on line 1)") != std::string::npos);
  }
  SECTION("bad data: unterminated quote in .env") {
    dir.write("Procfile", k_procfile);
    dir.write(".env", "A=1\nB=\"open\nC=3\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find(".env:2:3: unterminated double-quoted value") != std::string::npos);
    CHECK(r.err.find("  B=\"open\n    ^\n") != std::string::npos);
  }
  SECTION("bad data: bad ${ in .env") {
    dir.write("Procfile", k_procfile);
    dir.write(".env", "A=${1x}\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find(".env:1:5: bad substitution '${1x}'") != std::string::npos);
  }
  SECTION("bad data: unknown key in tfrun.toml") {
    dir.write("Procfile", k_procfile);
    dir.write("tfrun.toml", "port = 5000\ncolour = \"always\"\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find("tfrun.toml:2:1: unknown key 'colour'") != std::string::npos);
  }
  SECTION("bad data: [process.X] for a type not in the Procfile") {
    dir.write("Procfile", k_procfile);
    dir.write("tfrun.toml", "[process.wokrer]\nrestart = \"always\"\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find("tfrun.toml:1:") != std::string::npos);
    CHECK(r.err.find("[process.wokrer] names a type that is not in the Procfile") != std::string::npos);
  }
  SECTION("bad data: PORT in the env file is not a number") {
    dir.write("Procfile", k_procfile);
    dir.write(".env", "PORT=abc\n");
    const auto r = tfrun_in(dir, {"check"});
    CHECK(r.status == 65);
    CHECK(r.err.find("PORT='abc'") != std::string::npos);
  }
}
