// SPDX-License-Identifier: MIT
// `tfrun export`: the resolved model rendered as the native files of another engine (docs/export.md).
// Pure rendering: the caller reads the inputs, writes the files and removes those of a previous export.
#pragma once

#include <tfrun/core/dotenv.hpp>
#include <tfrun/core/duration.hpp>
#include <tfrun/core/formation.hpp>
#include <tfrun/core/settings.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tfrun::core {

enum class ExportFormat { systemd, supervisord, runit, launchd, kubernetes, compose };

// A value the target cannot represent, or an input the target cannot use. `key()` names the culprit: an
// env-file key, a type, or an option such as "--image".
class ExportError : public std::runtime_error {
public:
  ExportError(std::string key, const std::string& message) : std::runtime_error(message), m_key(std::move(key)) {}
  [[nodiscard]] const std::string& key() const noexcept { return m_key; }

private:
  std::string m_key;
};

struct ExportInput {
  std::string app;     // --app; default: the root folder's name
  std::string user;    // --user; empty: the app name (run_as_user), none for systemd user units
  std::string log_dir; // --log, absolute; empty: /var/log/APP (systemd: the journal)
  std::string root;    // absolute working directory of the app
  std::string shell = "/bin/sh";
  std::vector<Instance> instances;            // expand_formation; types with count 0 are not exported
  std::vector<EnvVariable> env;               // merged env files
  std::vector<ProcessSettings> processes;     // tfrun.toml [process.NAME]
  Duration default_timeout{5000};             // -t / tfrun.toml `timeout`
  std::string image;                          // --image: kubernetes and compose require it
  std::vector<std::string> secret_patterns;   // --secret globs (`*`, `?`) over env-file keys
  std::vector<std::string> port_types{"web"}; // types that bind PORT (kubernetes, compose)
  bool user_units = false;                    // systemd --user-units
};

struct ExportFile {
  std::string path; // relative to the export directory, '/'-separated
  std::string content;
  unsigned mode = 0644;
};

[[nodiscard]] std::optional<ExportFormat> parse_export_format(std::string_view name);
[[nodiscard]] std::string_view to_string(ExportFormat format);
// In the order an "unknown format" message lists them.
[[nodiscard]] const std::vector<std::string_view>& export_format_names();

// Throws ExportError. Files come out in a stable order.
[[nodiscard]] std::vector<ExportFile> render_export(ExportFormat format, const ExportInput& input);

// The folder the engine writes the logs into but does not create itself (supervisord refuses to start without
// it, systemd fails the unit with 209/STDOUT); empty when there is none (the journal, runit's log/run creates
// its own, containers).
[[nodiscard]] std::string log_folder_to_create(ExportFormat format, const ExportInput& input);

[[nodiscard]] std::vector<ExportFile> render_systemd(const ExportInput& input);
[[nodiscard]] std::vector<ExportFile> render_supervisord(const ExportInput& input);
[[nodiscard]] std::vector<ExportFile> render_runit(const ExportInput& input);
[[nodiscard]] std::vector<ExportFile> render_launchd(const ExportInput& input);
[[nodiscard]] std::vector<ExportFile> render_kubernetes(const ExportInput& input);
[[nodiscard]] std::vector<ExportFile> render_compose(const ExportInput& input);

} // namespace tfrun::core
