// SPDX-License-Identifier: MIT
// Export behaviour beyond the golden files: policies, dependencies, and the exact error texts.
#include "export_test_app.hpp"

#include <algorithm>

using namespace export_test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string& content_of(const std::vector<ExportFile>& files, const std::string& path) {
  const auto found = std::find_if(files.begin(), files.end(), [&](const auto& file) { return file.path == path; });
  REQUIRE(found != files.end());
  return found->content;
}

std::vector<std::string> paths_of(const std::vector<ExportFile>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) {
    out.push_back(file.path);
  }
  return out;
}

// A release step that must finish before web starts, and a web that reports readiness by command.
ExportInput with_release() {
  ExportInput input;
  input.app = "blog";
  input.root = "/srv/blog";
  input.image = "blog:latest";
  Procfile procfile;
  procfile.entries = {{"release", "bin/migrate", 1}, {"web", "bin/web", 2}, {"worker", "bin/worker", 3}};
  input.instances = expand_formation(procfile, parse_formation({"release=1,web=1,worker=1"}), 5000);
  auto release = settings_named("release");
  release.oneshot = true;
  auto web = settings_named("web");
  web.depends_on = {{"release", 1, 1}};
  web.ready.kind = ReadyCheck::Kind::command;
  web.ready.command = "curl -fs localhost:$PORT/up";
  auto worker = settings_named("worker");
  worker.depends_on = {{"web", 1, 1}};
  input.processes = {release, web, worker};
  return input;
}

template <typename Render> std::string error_of(Render render, const ExportInput& input, std::string* key = nullptr) {
  try {
    (void)render(input);
  } catch (const ExportError& error) {
    if (key != nullptr) {
      *key = error.key();
    }
    return error.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("export: a oneshot is a oneshot unit, a finished-successfully dependency and a Job", "[export]") {
  const auto input = with_release();
  const auto systemd = render_systemd(input);
  const auto& release = content_of(systemd, "blog-release.1.service");
  CHECK(contains(release, "Type=oneshot\nRemainAfterExit=yes\n"));
  CHECK(contains(release, "Restart=no\n"));
  const auto& web = content_of(systemd, "blog-web.1.service");
  CHECK(contains(web, "Requires=blog-release.1.service\nAfter=blog-release.1.service\n"));
  CHECK(contains(content_of(systemd, "blog-worker.1.service"), "Wants=blog-web.1.service\nAfter=blog-web.1.service\n"));

  const auto compose = render_compose(input)[0].content;
  CHECK(contains(compose,
                 "    depends_on:\n      \"release\":\n        condition: \"service_completed_successfully\"\n"));
  CHECK(contains(compose, "    healthcheck:\n      test:\n        - \"CMD-SHELL\"\n"
                          "        - \"curl -fs localhost:$$PORT/up\"\n"));
  CHECK(contains(compose, "      \"web\":\n        condition: \"service_healthy\"\n"));

  const auto kubernetes = render_kubernetes(input);
  CHECK(paths_of(kubernetes) == std::vector<std::string>{"blog-release-job.yaml", "blog-web-deployment.yaml",
                                                         "blog-web-service.yaml", "blog-worker-deployment.yaml"});
  const auto& job = content_of(kubernetes, "blog-release-job.yaml");
  CHECK(contains(job, "kind: \"Job\"\n"));
  CHECK(contains(job, "  completions: 1\n  parallelism: 1\n  backoffLimit: 0\n"));
  CHECK(contains(job, "      restartPolicy: \"Never\"\n"));
  CHECK(contains(content_of(kubernetes, "blog-web-deployment.yaml"),
                 "          readinessProbe:\n            exec:\n              command:\n"));
}

TEST_CASE("export: a type scaled to 0 is left out, and so are dependencies on it", "[export]") {
  auto input = with_release();
  input.instances.erase(input.instances.begin()); // release=0
  const auto systemd = render_systemd(input);
  CHECK(paths_of(systemd) == std::vector<std::string>{"blog.target", "blog-web.1.service", "blog-worker.1.service"});
  CHECK_FALSE(contains(content_of(systemd, "blog-web.1.service"), "release"));
  CHECK_FALSE(contains(render_compose(input)[0].content, "release"));
}

TEST_CASE("export: restart policies per engine", "[export]") {
  auto input = with_release();
  input.processes[2].restart = RestartPolicy::never;
  CHECK(contains(content_of(render_systemd(input), "blog-worker.1.service"), "Restart=no\n"));
  CHECK(contains(render_supervisord(input)[0].content, "[program:blog-worker-1]"));
  const auto supervisord = render_supervisord(input)[0].content;
  CHECK(contains(supervisord, "[program:blog-release-1]\ncommand=/bin/sh -c 'exec bin/migrate'\ndirectory=/srv/blog\n"
                              "user=blog\nautostart=true\nautorestart=false\nstartsecs=0\n"));
  CHECK(contains(supervisord, "[program:blog-web-1]\ncommand=/bin/sh -c 'exec bin/web'\ndirectory=/srv/blog\n"
                              "user=blog\nautostart=true\nautorestart=true\nstartsecs=1\n"));
  CHECK(contains(content_of(render_launchd(input), "blog-worker-1.plist"), "<key>KeepAlive</key>\n  <false/>\n"));
  CHECK(contains(content_of(render_launchd(input), "blog-web-1.plist"), "<key>KeepAlive</key>\n  <true/>\n"));
  CHECK(contains(render_compose(input)[0].content, "    restart: \"no\"\n"));
}

TEST_CASE("export: secret patterns are globs over the whole key", "[export]") {
  auto input = with_release();
  input.env = {{"API_TOKEN", "a", 1}, {"TOKEN", "b", 2}, {"DB_PASS1", "c", 3}, {"DB_PASS12", "d", 4}};
  input.secret_patterns = {"*_TOKEN", "DB_PASS?"};
  const auto files = render_kubernetes(input);
  const auto& secret = content_of(files, "blog-secret-secret.yaml");
  const auto& config = content_of(files, "blog-env-configmap.yaml");
  CHECK(contains(secret, "  \"API_TOKEN\": \"YQ==\"\n  \"DB_PASS1\": \"Yw==\"\n"));
  CHECK(contains(config, "  \"TOKEN\": \"b\"\n  \"DB_PASS12\": \"d\"\n"));
}

TEST_CASE("export errors name the key and say why", "[export]") {
  auto input = with_release();
  std::string key;
  input.env = {{"my.key", "x", 1}};
  CHECK(error_of(render_systemd, input, &key) ==
        "systemd: \"my.key\" is not a variable name systemd accepts (letters, digits and \"_\", not starting with "
        "a digit)");
  CHECK(key == "my.key");
  input.env = {{"NUL", std::string("a\0b", 3), 1}};
  CHECK(error_of(render_launchd, input, &key) ==
        "launchd: the value of \"NUL\" contains a NUL byte, which no process environment can hold");
  CHECK(key == "NUL");
  input.env = {{"TWO", "a\nb", 1}};
  CHECK(error_of(render_supervisord, input) ==
        "supervisord: the value of \"TWO\" cannot be represented in supervisord's environment setting (a line "
        "break, both kinds of quotes, a quote at either end, or \";\"/\"#\" after a blank)");
  input.env = {{"PAD", "x ", 1}};
  CHECK(error_of(render_runit, input) == "runit: the value of \"PAD\" ends in a blank, which an envdir drops");
  input.env = {{"BELL", "\a", 1}};
  CHECK(error_of(render_launchd, input) ==
        "launchd: the value of \"BELL\" contains a character a property list cannot hold");
  input.env = {{"LATIN1", "caf\xe9", 1}};
  CHECK(error_of(render_kubernetes, input) ==
        "kubernetes: the value of \"LATIN1\" is not valid UTF-8, which kubernetes files cannot hold");
  input.env.clear();
  input.image.clear();
  CHECK(error_of(render_compose, input, &key) ==
        "compose: --image is required (the container image that holds the app)");
  CHECK(key == "--image");
}

TEST_CASE("export errors about names and options", "[export]") {
  auto input = with_release();
  input.app = "my app";
  CHECK(error_of(render_systemd, input) ==
        "systemd: the app name \"my app\" is not usable in a unit name (letters, digits, \":\", \"_\", \".\", \"-\")");
  CHECK(error_of(render_kubernetes, input) ==
        "kubernetes: the app name \"my app\" does not make a Kubernetes name (letters, digits and \"-\", starting "
        "with a letter, at most 56 characters)");
  input.app = "blog";
  input.user = "blog";
  input.user_units = true;
  CHECK(error_of(render_systemd, input) ==
        "systemd: user units run as the user who starts them; --user cannot be combined with --user-units");
  input = with_release();
  input.processes[0].restart = RestartPolicy::always;
  CHECK(error_of(render_systemd, input) == "systemd: the oneshot type \"release\" cannot have restart = \"always\" "
                                           "(systemd refuses Restart=always for Type=oneshot)");
  input = with_release();
  input.root = "srv/blog";
  CHECK(error_of(render_systemd, input) == "systemd: working directory \"srv/blog\" must be an absolute path");
  input = with_release();
  input.instances.push_back({"Web", 1, "Web.1", 5300, "x"});
  CHECK(error_of(render_kubernetes, input) ==
        "kubernetes: the type \"Web\" maps to the name \"blog-web\", as another type does");
}

TEST_CASE("kubernetes: a shell's $(...) in a command is escaped from Kubernetes' own expansion") {
  ExportInput input;
  input.app = "blog";
  input.root = "/srv/blog";
  input.image = "blog:latest";
  Procfile procfile;
  procfile.entries = {{"web", "echo started at $(date) by $$ on $PORT", 1}};
  input.instances = expand_formation(procfile, parse_formation({}), 5000);
  const auto files = render_kubernetes(input);
  const auto& deployment = content_of(files, "blog-web-deployment.yaml");
  CHECK(contains(deployment, "\"echo started at $$(date) by $$$ on $PORT\""));
}

TEST_CASE("export: without --user the processes run as the app's user, never silently as root", "[export]") {
  auto input = with_release();
  CHECK(contains(content_of(render_systemd(input), "blog-web.1.service"), "\nUser=blog\n"));
  CHECK(contains(render_supervisord(input)[0].content, "\nuser=blog\n"));
  CHECK(contains(content_of(render_runit(input), "blog-web-1/run"), "exec chpst -u 'blog' -P "));
  CHECK(
      contains(content_of(render_launchd(input), "blog-web-1.plist"), "<key>UserName</key>\n  <string>blog</string>"));
  input.user = "root";
  CHECK(contains(content_of(render_systemd(input), "blog-web.1.service"), "\nUser=root\n"));
  input.user.clear();
  input.user_units = true; // user units run as whoever starts them
  CHECK_FALSE(contains(content_of(render_systemd(input), "blog-web.1.service"), "User="));
}

TEST_CASE("export: the engine starts the app itself, or a shell that execs it", "[export]") {
  auto input = with_release();
  input.instances[1].command = "/usr/bin/web-server --port 5000";
  input.instances[2].command = "bin/worker; bin/cleanup";
  const auto systemd = render_systemd(input);
  CHECK(contains(content_of(systemd, "blog-release.1.service"), "\nExecStart=/bin/sh -c \"exec bin/migrate\"\n"));
  CHECK(contains(content_of(systemd, "blog-web.1.service"), "\nExecStart=/usr/bin/web-server --port 5000\n"));
  CHECK(contains(content_of(systemd, "blog-worker.1.service"), "\nExecStart=/bin/sh -c \"bin/worker; bin/cleanup\"\n"));
  CHECK(contains(render_supervisord(input)[0].content, "\ncommand=/usr/bin/web-server --port 5000\n"));
  CHECK(contains(content_of(render_runit(input), "blog-web-1/run"),
                 "\"$envdir\" '/usr/bin/web-server' '--port' '5000'\n"));
  // A container runtime looks a bare name up in the container's PATH: no shell needed.
  CHECK(contains(render_compose(input)[0].content, "    entrypoint:\n      - \"bin/migrate\"\n    restart:"));
}

TEST_CASE("export: the stop signal reaches the process group unless signal_target is main", "[export]") {
  auto input = with_release();
  input.processes[1].signal_target = SignalTarget::main;
  const auto systemd = render_systemd(input);
  CHECK(contains(content_of(systemd, "blog-release.1.service"), "\nKillMode=control-group\n"));
  CHECK(contains(content_of(systemd, "blog-web.1.service"), "\nKillMode=mixed\n"));
  const auto supervisord = render_supervisord(input)[0].content;
  CHECK(contains(supervisord, "[program:blog-release-1]\n"));
  CHECK(contains(supervisord.substr(supervisord.find("[program:blog-web-1]")), "\nstopasgroup=false\n"));
  CHECK(contains(content_of(render_runit(input), "blog-release-1/control/t"), "kill -15 -$pid && kill -CONT -$pid\n"));
  CHECK(contains(content_of(render_runit(input), "blog-web-1/control/t"), "kill -15 $pid && kill -CONT $pid\n"));
}
