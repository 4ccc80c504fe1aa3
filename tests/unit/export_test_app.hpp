// SPDX-License-Identifier: MIT
// The example app of the export tests, and golden-file comparison for tests/fixtures/export/.
#pragma once

#include <tfrun/core/export.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace export_test {

using namespace tfrun::core;

inline ProcessSettings settings_named(const std::string& name) {
  ProcessSettings settings;
  settings.name = name;
  return settings;
}

// A shop with a web server, a queue worker and a clock; env values chosen to break naive quoting.
inline ExportInput example_app() {
  Procfile procfile;
  procfile.entries = {
      {"web", "bundle exec puma -p $PORT -C config/puma.rb", 1},
      {"worker", "bundle exec sidekiq -q default -q \"mail\" -e ${RACK_ENV:-production}", 2},
      {"clock", "bin/clock --every '5 min' --format '%Y-%m-%d' 2>&1 # keep \\ as is", 3},
  };
  ExportInput input;
  input.app = "shop";
  input.user = "shop";
  input.root = "/srv/shop";
  input.instances = expand_formation(procfile, parse_formation({"web=2,worker=1,clock=1"}), 5000);
  input.env = {
      {"RACK_ENV", "production", 1},
      {"DATABASE_URL", "postgres://shop:p@ss w0rd@db:5432/shop?sslmode=require&pool=5", 2},
      {"SINGLE_QUOTED", "it's fine", 3},
      {"DOUBLE_QUOTED", "say \"hi\" twice", 4},
      {"HOME_REF", "$HOME/bin:${PATH}", 5},
      {"DATE_FORMAT", "%d/%m/%Y %H:%M 100%", 6},
      {"WINDOWS_PATH", "C:\\Users\\shop\\new", 7},
      {"COLOR", "#ff0000;#00ff00", 8},
      {"MULTILINE", "line one\nline two", 9},
      {"GREETING", "Grüße, 世界 ✓", 10},
      {"SECRET_KEY_BASE", "s3cr3t$with%and\"quote", 11},
      {"STRIPE_API_KEY", "sk_live_0123456789", 12},
  };
  auto web = settings_named("web");
  web.timeout = Duration{10000};
  web.ready.kind = ReadyCheck::Kind::own_port;
  web.env = {{"WEB_CONCURRENCY", "2"}};
  auto worker = settings_named("worker");
  worker.stop_signal = SIGINT;
  worker.timeout = Duration{25000};
  worker.restart = RestartPolicy::on_failure;
  worker.depends_on = {{"web", 5, 1}};
  auto clock = settings_named("clock");
  clock.cwd = "lib/clock";
  clock.timeout = Duration{1500};
  input.processes = {web, worker, clock};
  input.image = "registry.example.com/shop:1.4.2";
  input.secret_patterns = {"SECRET_*", "*_API_KEY"};
  return input;
}

inline std::filesystem::path fixtures_dir() { return std::filesystem::path(TFRUN_TEST_FIXTURES_DIR) / "export"; }

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// TFRUN_UPDATE_GOLDEN=1 rewrites the golden files (review the diff before keeping it).
inline void check_golden(const std::string& format, const std::vector<ExportFile>& files) {
  const auto directory = fixtures_dir() / format;
  std::set<std::string> rendered;
  for (const auto& file : files) {
    rendered.insert(file.path);
    const auto path = directory / file.path;
    if (std::getenv("TFRUN_UPDATE_GOLDEN") != nullptr) {
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << file.content;
    }
    INFO("golden file " << path.string());
    CHECK(file.content == read_file(path));
  }
  std::set<std::string> on_disk;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) {
      on_disk.insert(std::filesystem::relative(entry.path(), directory).generic_string());
    }
  }
  CHECK(on_disk == rendered);
}

} // namespace export_test
