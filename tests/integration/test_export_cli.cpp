// SPDX-License-Identifier: MIT
// `tfrun export` through the real binary: files written, re-export, dry run, bad requests.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace tfrun::test;
namespace fs = std::filesystem;

TEST_CASE("export writes one unit per instance and a re-export removes only its own old files") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\nworker: ./work\n");
  dir.write(".env", "SECRET_KEY=\"a b $c %d\"\n");
  const auto out = dir.path() + "/units";
  const auto first = run_tfrun({"export", "systemd", out, "-a", "shop", "web=2"}, in_dir(dir));
  REQUIRE(first.status == 0);
  CHECK(first.out.find("wrote " + out + "/shop-web.2.service\n") != std::string::npos);
  CHECK(fs::exists(out + "/shop.target"));
  dir.write("units/unrelated.service", "[Unit]\n");
  const auto second = run_tfrun({"export", "systemd", out, "-a", "shop", "worker=1"}, in_dir(dir));
  REQUIRE(second.status == 0);
  CHECK_FALSE(fs::exists(out + "/shop-web.1.service"));
  CHECK(fs::exists(out + "/shop-worker.1.service"));
  CHECK(fs::exists(out + "/unrelated.service"));
}

TEST_CASE("export --dry-run prints the files, and bad requests are usage errors") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\n");
  const auto dry = run_tfrun({"export", "supervisord", "--dry-run", "-a", "shop"}, in_dir(dir));
  CHECK(dry.status == 0);
  CHECK(dry.out.find("[program:shop-web-1]") != std::string::npos);
  const auto unknown = run_tfrun({"export", "upstart", "out"}, in_dir(dir));
  CHECK(unknown.status == 64);
  CHECK(unknown.err == "tfrun: error: unknown export format 'upstart' (known formats: systemd, supervisord, "
                       "runit, launchd, kubernetes, compose)\n");
  const auto no_image = run_tfrun({"export", "kubernetes", "--dry-run"}, in_dir(dir));
  CHECK(no_image.status == 64);
  CHECK(no_image.err.find("--image") != std::string::npos);
}

TEST_CASE("export into a place the OS refuses is a system error (71)") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\n");
  dir.write("blocker", "a file where a directory is needed\n");
  const auto result = run_tfrun({"export", "systemd", dir.path() + "/blocker/units"}, in_dir(dir));
  CHECK(result.status == 71);
  CHECK(result.err.rfind("tfrun: error: ", 0) == 0);
}

TEST_CASE("export creates the log folder that supervisord and systemd need but do not create") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\n");
  const auto logs = dir.path() + "/var/log/shop";
  const auto supervisord =
      run_tfrun({"export", "supervisord", dir.path() + "/sv", "-a", "shop", "-l", logs}, in_dir(dir));
  CHECK(supervisord.status == 0);
  CHECK(fs::is_directory(logs));
  fs::remove_all(dir.path() + "/var");
  const auto systemd = run_tfrun({"export", "systemd", dir.path() + "/units", "-a", "shop", "-l", logs}, in_dir(dir));
  CHECK(systemd.status == 0);
  CHECK(fs::is_directory(logs));
  dir.write("blocker", "a file where the log folder's parent should be\n");
  const auto blocked = run_tfrun(
      {"export", "supervisord", dir.path() + "/sv", "-a", "shop", "-l", dir.path() + "/blocker/log"}, in_dir(dir));
  CHECK(blocked.status == 0);
  CHECK(blocked.err.rfind("tfrun: warning: cannot create the log folder " + dir.path() + "/blocker/log (", 0) == 0);
}

TEST_CASE("export names the env file and line of a value the format cannot hold") {
  TempDir dir;
  dir.write("Procfile", "web: ./server\n");
  dir.write(".env", "A=1\nMULTI=\"two\nlines\"\n");
  const auto result = run_tfrun({"export", "supervisord", "--dry-run", "-a", "shop"}, in_dir(dir));
  CHECK(result.status == 65);
  CHECK(result.err.rfind("tfrun: error: .env:2: supervisord: the value of \"MULTI\" cannot be represented", 0) == 0);
}
