// SPDX-License-Identifier: MIT
// A drop-in for foreman, honcho and node-foreman: their flags, their files and their habits, through the real
// binary as their users type them (docs/migrating.md).
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

// Runs tfrun in `dir` with plain text output and no PORT of the suite's own.
RunOptions plain_in(const TempDir& dir, std::map<std::string, std::string> env = {}) {
  RunOptions options;
  options.cwd = dir.path();
  options.env = std::move(env);
  options.env.emplace("TFRUN_COLOR", "never");
  options.env.emplace("PORT", ""); // empty counts as unset
  return options;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts tfrun, waits for every pattern in turn, stops it with SIGTERM and checks nothing is left.
std::string start_until(const std::vector<std::string>& args, const RunOptions& options,
                        const std::vector<std::string>& patterns) {
  Tfrun tfrun(args, options);
  for (const auto& pattern : patterns) {
    INFO("waiting for /" << pattern << "/ in:\n" << tfrun.out() << tfrun.err());
    CHECK(tfrun.wait_for_line(pattern));
  }
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
  return tfrun.out() + tfrun.err();
}

} // namespace

TEST_CASE("options -e and -m take one value per occurrence, repeated or comma-separated") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print \"web $A$B\"") + "\nworker: " + child("print worker") + "\n");
  dir.write(".env", "A=a\n");
  dir.write(".env.local", "B=b\n");

  const auto run = run_tfrun({"run", "-e", ".env", "echo", "hi"}, plain_in(dir));
  CHECK(run.status == 0);
  CHECK(run.out == "hi\n");

  // `start -e .env web`: web is the formation, not a second env file.
  const auto out =
      start_until({"start", "-e", ".env", "-e", ".env.local", "web"}, plain_in(dir), {"web\\.1 +\\| web ab"});
  CHECK_FALSE(contains(out, "worker.1"));
  CHECK(contains(start_until({"start", "-e", ".env,.env.local", "-m", "web=1", "-m", "worker=0"}, plain_in(dir),
                             {"web\\.1 +\\| web ab"}),
                 "web.1"));

  const auto exported =
      run_tfrun({"export", "supervisord", "-m", "web=2", "-m", "worker=0", "-u", "app", "out"}, plain_in(dir));
  CHECK(exported.status == 0);
  const auto conf = read_file(dir.path() + "/out/" + std::filesystem::path(dir.path()).filename().string() + ".conf");
  CHECK(contains(conf, "-web-2]"));
  CHECK_FALSE(contains(conf, "-worker-1]"));
}

TEST_CASE("the shared options may come before the command, as honcho and node-foreman users write them") {
  TempDir dir;
  dir.write("Procfile.dev", "web: " + child("print \"web $PORT $FROM\"") + "\n");
  dir.write(".env.dev", "FROM=dev\n");
  CHECK(contains(start_until({"-f", "Procfile.dev", "-e", ".env.dev", "--port", "6000", "start"}, plain_in(dir),
                             {"web\\.1 +\\| web 6000 dev"}),
                 "web.1"));
  std::filesystem::create_directory(dir.path() + "/app");
  dir.write("app/Procfile", "web: ./server\n");
  const auto check = run_tfrun({"--app-root", "app", "--no-colour", "check"}, plain_in(dir));
  CHECK(check.status == 0);
  CHECK(contains(check.out, "app/Procfile"));
  const auto run = run_tfrun({"-e", ".env.dev", "run", "printenv", "FROM"}, plain_in(dir));
  CHECK(run.status == 0);
  CHECK(run.out == "dev\n");
}

TEST_CASE("foreman's and honcho's spellings") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print \"$PS $HONCHO_PROCESS_NAME $FOREMAN_WORKER_NAME\"") +
                            "\nworker: " + child("print \"worker up\"") + "\n");

  SECTION("check begins with foreman's line") {
    const auto check = run_tfrun({"check"}, plain_in(dir));
    CHECK(check.status == 0);
    CHECK(check.out.rfind("valid procfile detected (web, worker)\n", 0) == 0);
  }
  SECTION("-c NAME=N is honcho's concurrency") {
    const auto check = run_tfrun({"check", "-c", "web=2,worker=0"}, plain_in(dir));
    CHECK(contains(check.out, "web.2"));
    CHECK(contains(check.out, "worker  (not started)"));
    CHECK(contains(run_tfrun({"check", "--concurrency", "web=3"}, plain_in(dir)).out, "web.3"));
  }
  SECTION("a bare -c and --color force colour, --no-color and --no-colour turn it off") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"start", "-c", "web"}, std::vector<std::string>{"start", "--color", "web"}}) {
      CHECK(contains(start_until(args, plain_in(dir), {"web\\.1.*web\\.1 web\\.1 web\\.1"}), "\x1b["));
    }
    auto forced = plain_in(dir, {{"FORCE_COLOR", "1"}});
    forced.env.erase("TFRUN_COLOR");
    CHECK_FALSE(contains(start_until({"start", "--no-colour", "web"}, forced, {"web\\.1 +\\| web\\.1"}), "\x1b["));
    CHECK_FALSE(contains(start_until({"--no-color", "start", "web"}, forced, {"web\\.1 +\\| web\\.1"}), "\x1b["));
  }
  SECTION("each process gets its name as PS, HONCHO_PROCESS_NAME and FOREMAN_WORKER_NAME") {
    start_until({"start"}, plain_in(dir), {"web\\.1 +\\| web\\.1 web\\.1 web\\.1$"});
  }
  SECTION("-q TYPE hides that type's output, not tfrun's lines about it") {
    const auto out = start_until({"start", "-q", "web"}, plain_in(dir), {"worker\\.1 +\\| worker up"});
    CHECK(contains(out, "web.1 started"));
    CHECK_FALSE(contains(out, "| web.1 web.1 web.1"));
    const auto unknown = run_tfrun({"start", "--quiet", "wbe"}, plain_in(dir));
    CHECK(unknown.status == 64);
    CHECK(unknown.err == "tfrun: error: --quiet: unknown process type 'wbe' (known types: web, worker)\n");
  }
  SECTION("-v prints the version") {
    const auto version = run_tfrun({"-v"}, plain_in(dir));
    CHECK(version.status == 0);
    CHECK(version.out.rfind("tfrun ", 0) == 0);
  }
  SECTION("export: -r is accepted and ignored with a warning, --template is refused saying what to use") {
    const auto pid_dir = run_tfrun({"export", "systemd", "-r", "/var/run/shop", "-u", "app", "-n"}, plain_in(dir));
    CHECK(pid_dir.status == 0);
    CHECK(contains(pid_dir.err, "tfrun: warning: export --run /var/run/shop: ignored"));
    const auto templates = run_tfrun({"export", "systemd", "--template", "tpl", "out"}, plain_in(dir));
    CHECK(templates.status == 64);
    CHECK(contains(templates.err, "tfrun: error: export --template: tfrun has no export templates"));
  }
  SECTION("PROCFILE in the environment or an env file names the Procfile (honcho)") {
    dir.write("Procfile.other", "other: ./other\n");
    CHECK(contains(run_tfrun({"check"}, plain_in(dir, {{"PROCFILE", "Procfile.other"}})).out, "(other)"));
    dir.write(".env", "PROCFILE=Procfile.other\n");
    CHECK(contains(run_tfrun({"check"}, plain_in(dir)).out, "(other)"));
    CHECK(contains(run_tfrun({"check", "-f", "Procfile"}, plain_in(dir)).out, "(web, worker)"));
  }
}

TEST_CASE("a name written twice runs both entries with distinct names and foreman's ports by position") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print \"web $PORT $PS\"") + "\ncss: " + child("print \"tailwind $PORT $PS\"") +
                            "\njs: " + child("print \"js $PORT\"") + "\ncss: " + child("print \"sass $PORT $PS\"") +
                            "\n");
  const auto out =
      start_until({"start"}, plain_in(dir),
                  {"css\\.1 +\\| tailwind 5100 css\\.1", "css\\.2 +\\| sass 5300 css\\.2", "js\\.1 +\\| js 5200"});
  CHECK(contains(out, "tfrun: warning: Procfile:4:1: duplicate process name 'css' (also on line 2)"));

  const auto two_each = start_until({"start", "css=2"}, plain_in(dir),
                                    {"css\\.2 +\\| tailwind 5101 css\\.2", "css\\.4 +\\| sass 5301 css\\.4"});
  CHECK_FALSE(contains(two_each, "web.1"));

  const auto json = run_tfrun({"check", "--json"}, plain_in(dir));
  CHECK(json.status == 0);
  CHECK(contains(json.out,
                 "{\"name\":\"css\",\"command\":\"" + child("print \\\"tailwind $PORT $PS\\\"") + "\",\"line\":2}"));
  CHECK(contains(json.out,
                 "{\"name\":\"css\",\"command\":\"" + child("print \\\"sass $PORT $PS\\\"") + "\",\"line\":4}"));
  CHECK(contains(json.out, "{\"name\":\"css.2\",\"type\":\"css\",\"number\":2,\"port\":5300"));
  CHECK(contains(run_tfrun({"check"}, plain_in(dir)).out, "valid procfile detected (web, css, js, css)"));

  const auto env = run_tfrun({"env", "css.2"}, plain_in(dir));
  CHECK(contains(env.out, "\nPORT=5300\n"));
  CHECK(contains(env.out, "\nPS=css.2\n"));

  // Exported per instance, each with its own command; refused where the target runs one service per type.
  const auto units = run_tfrun({"export", "systemd", "-u", "app", "--dry-run"}, plain_in(dir));
  CHECK(units.status == 0);
  CHECK(contains(units.out, "-css.2.service\n"));
  CHECK(contains(units.out, "print \\\"sass $$PORT $$PS\\\""));
  const auto compose = run_tfrun({"export", "compose", "--image", "app:1", "--dry-run"}, plain_in(dir));
  CHECK(compose.status == 65);
  CHECK(contains(compose.err, "tfrun: error: compose: process type 'css' is written on lines 2 and 4 of Procfile, "
                              "and compose runs one service per type"));

  const auto strict = run_tfrun({"check", "--strict"}, plain_in(dir));
  CHECK(strict.status == 65);
  CHECK(contains(strict.err, "tfrun: error: Procfile:4:1: duplicate process name 'css' (also on line 2)"));
}

TEST_CASE(".foreman gives defaults, and tfrun.toml and the command line win over it") {
  TempDir dir;
  dir.write("Procfile.dev", "web: ./web\nworker: ./worker\n");
  dir.write(".env.dev", "A=1\n");
  dir.write(".foreman", "procfile: Procfile.dev\nport: 7000\nformation: web=2,worker=0\nenv: .env.dev\napp: shop\n");
  const auto check = run_tfrun({"check"}, plain_in(dir));
  CHECK(check.status == 0);
  CHECK(contains(check.out, "Procfile.dev: 2 process types, 1 variable from env files, base port 7000"));
  CHECK(contains(check.out, "web.2  port 7001"));
  CHECK(contains(check.err, "tfrun: warning: .foreman:5:1: key 'app' is not one tfrun reads"));

  CHECK(contains(run_tfrun({"check", "-p", "8000", "-m", "worker=1"}, plain_in(dir)).out, "worker.1  port 8100"));
  dir.write("tfrun.toml", "port = 9000\n");
  CHECK(contains(run_tfrun({"check"}, plain_in(dir)).out, "base port 9000"));

  dir.write(".foreman", "port: 99999\n");
  const auto bad = run_tfrun({"check"}, plain_in(dir));
  CHECK(bad.status == 65);
  CHECK(contains(bad.err, "tfrun: error: .foreman:1:7: port: '99999' is not a port number from 1 to 65535"));
}

TEST_CASE("the base port: -p, then PORT in an env file, then the caller's PORT, then 5000 (foreman's order)") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print \"web $PORT\"") + "\nworker: " + child("print \"worker $PORT\"") + "\n");
  start_until({"start"}, plain_in(dir, {{"PORT", "3000"}}), {"web\\.1 +\\| web 3000", "worker\\.1 +\\| worker 3100"});
  start_until({"start"}, plain_in(dir), {"web\\.1 +\\| web 5000"});
  dir.write(".env", "PORT=9000\n");
  start_until({"start"}, plain_in(dir, {{"PORT", "3000"}}), {"web\\.1 +\\| web 9000", "worker\\.1 +\\| worker 9100"});
  start_until({"start", "-p", "4000"}, plain_in(dir, {{"PORT", "3000"}}), {"worker\\.1 +\\| worker 4100"});
}

TEST_CASE("node-foreman's JSON env files flatten nested keys") {
  TempDir dir;
  dir.write("Procfile", "web: ./web\n");
  dir.write("env.json",
            "{\n  \"port\": 4000,\n  \"db\": {\"url\": \"postgres://x\", \"pool\": 5},\n  \"hosts\": [\"a\"]\n}\n");
  const auto env = run_tfrun({"env", "web.1", "-e", "env.json"}, plain_in(dir));
  CHECK(env.status == 0);
  CHECK(contains(env.out, "\nDB_URL=postgres://x\n"));
  CHECK(contains(env.out, "\nDB_POOL=5\n"));
  CHECK(contains(env.out, "\nHOSTS_0=a\n"));
  CHECK(contains(env.out, "\nPORT=4000\n")); // the file's PORT is the base port
  dir.write("bad.json", "{\n  \"a\": 1,\n  \"b\" 2\n}\n");
  const auto bad = run_tfrun({"check", "-e", "bad.json"}, plain_in(dir));
  CHECK(bad.status == 65);
  CHECK(contains(bad.err, "tfrun: error: bad.json:3:7: invalid JSON env file: ':' expected"));
}

TEST_CASE("format edges: a lone CR ends a Procfile line, $(...) in .env, a BOM past the start") {
  TempDir dir;
  dir.write("Procfile", "web: " + child("print \"web [$CMD]\"") + "\rworker: " + child("print worker") + "\r");
  dir.write(".env", "DIR=/srv\nCMD=$(cat ${DIR}/key)\n\xEF\xBB\xBFLATE=1\n");
  const auto out = start_until({"start"}, plain_in(dir),
                               {"web\\.1 +\\| web \\[\\$\\(cat /srv/key\\)\\]$", "worker\\.1 +\\| worker$"});
  CHECK(contains(out, ".env:3:1: skipped line: invalid character U+FEFF (a byte order mark) in key"));
}

TEST_CASE("Rails 7's bin/dev, with foreman replaced by tfrun") {
  TempDir dir;
  dir.write("Procfile.dev", "web: " + child("print \"Listening on http://127.0.0.1:$PORT\"") +
                                "\ncss: " + child("print \"tailwindcss --watch ($PORT)\"") +
                                "\njs: " + child("print \"esbuild --watch ($PORT)\"") + "\n");
  std::filesystem::create_directory(dir.path() + "/bin");
  // Rails 7.0's bin/dev, word for word but for the tool's name (and without its `gem install foreman`).
  dir.write("bin/dev",
            "#!/usr/bin/env sh\n\nexport PORT=\"${PORT:-3000}\"\n\nexec tfrun start -f Procfile.dev \"$@\"\n");
  auto options = plain_in(dir);
  options.env["PATH"] = std::filesystem::path(tfrun_binary()).parent_path().string() + ":" + std::getenv("PATH");
  options.wrapper = {"sh", "-c", "shift; exec sh bin/dev \"$@\"", "sh"}; // drops the tfrun path the harness adds

  const auto out =
      start_until({}, options,
                  {"web\\.1 +\\| Listening on http://127.0.0.1:3000$", "css\\.1 +\\| tailwindcss --watch \\(3100\\)$",
                   "js\\.1 +\\| esbuild --watch \\(3200\\)$"});
  CHECK_FALSE(contains(out, "warning"));
  options.env["PORT"] = "4000";
  start_until({"web=1", "css=0", "js=0"}, options, {"web\\.1 +\\| Listening on http://127.0.0.1:4000$"});
}
