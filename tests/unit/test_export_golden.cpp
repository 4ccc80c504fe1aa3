// SPDX-License-Identifier: MIT
// Every format rendered for the example app, compared byte for byte with tests/fixtures/export/<format>/.
#include "export_test_app.hpp"

#include <algorithm>

using namespace export_test;

namespace {

ExportInput without(ExportInput input, const std::string& key) {
  input.env.erase(std::remove_if(input.env.begin(), input.env.end(), [&](const auto& v) { return v.key == key; }),
                  input.env.end());
  return input;
}

unsigned mode_of(const std::vector<ExportFile>& files, const std::string& path) {
  const auto found = std::find_if(files.begin(), files.end(), [&](const auto& file) { return file.path == path; });
  REQUIRE(found != files.end());
  return found->mode;
}

} // namespace

TEST_CASE("export golden: systemd", "[export]") { check_golden("systemd", render_systemd(example_app())); }

TEST_CASE("export golden: systemd user units", "[export]") {
  auto input = example_app();
  input.user.clear();
  input.user_units = true;
  input.log_dir = "/home/shop/log";
  const auto files = render_systemd(input);
  REQUIRE(files.size() == 5);
  CHECK(files[0].content.find("WantedBy=default.target\n") != std::string::npos);
  CHECK(files[1].content.find("User=") == std::string::npos);
  CHECK(files[1].content.find("StandardOutput=append:/home/shop/log/web.1.log\nStandardError=inherit\n") !=
        std::string::npos);
}

TEST_CASE("export golden: supervisord (a line break cannot be represented, so without MULTILINE)", "[export]") {
  check_golden("supervisord", render_supervisord(without(example_app(), "MULTILINE")));
}

TEST_CASE("export golden: runit", "[export]") {
  const auto files = render_runit(example_app());
  check_golden("runit", files);
  CHECK(mode_of(files, "shop-web-1/run") == 0755);
  CHECK(mode_of(files, "shop-web-1/log/run") == 0755);
  CHECK(mode_of(files, "shop-web-1/env/PORT") == 0644);
}

TEST_CASE("export golden: launchd", "[export]") { check_golden("launchd", render_launchd(example_app())); }

TEST_CASE("export golden: kubernetes", "[export]") { check_golden("kubernetes", render_kubernetes(example_app())); }

TEST_CASE("export golden: compose", "[export]") { check_golden("compose", render_compose(example_app())); }

TEST_CASE("export: render_export dispatches on the format", "[export]") {
  const auto input = without(example_app(), "MULTILINE");
  for (const auto name : export_format_names()) {
    const auto format = parse_export_format(name);
    REQUIRE(format);
    CHECK(to_string(*format) == name);
    CHECK_FALSE(render_export(*format, input).empty());
  }
  CHECK(render_export(ExportFormat::compose, input)[0].content == render_compose(input)[0].content);
}

TEST_CASE("export: format names", "[export]") {
  CHECK(export_format_names() ==
        std::vector<std::string_view>{"systemd", "supervisord", "runit", "launchd", "kubernetes", "compose"});
  CHECK_FALSE(parse_export_format("upstart"));
  CHECK_FALSE(parse_export_format("Systemd"));
}
