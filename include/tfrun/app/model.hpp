// SPDX-License-Identifier: MIT
// Everything `start`, `run`, `check` and `env` need, read from disk and resolved once.
#pragma once

#include <tfrun/app/options.hpp>
#include <tfrun/core/diagnostics.hpp>
#include <tfrun/core/environment.hpp>
#include <tfrun/core/foreman_defaults.hpp>
#include <tfrun/core/formation.hpp>
#include <tfrun/core/procfile.hpp>
#include <tfrun/core/settings.hpp>

#include <iosfwd>
#include <vector>

namespace tfrun::app {

struct Model {
  ResolvedOptions options;
  core::Procfile procfile;
  core::FileSettings settings;
  bool has_settings_file = false;
  std::vector<core::EnvVariable> env_file_variables; // merged, later files win
  core::Environment inherited;
  int base_port = core::k_default_base_port;
  core::Formation formation;
  std::vector<core::Instance> instances;
  std::vector<core::Diagnostic> warnings;
};

struct LoadRequest {
  bool strict = false; // warnings are errors
  bool allow_empty_formation = false;
  bool procfile_optional = false; // `run` works without a Procfile (a container's init needs none)
};

// Reads tfrun.toml, the Procfile and the env files; prints every diagnostic to `diagnostics_out`; throws
// InputError, MissingFileError or UsageError when the app cannot be run as described.
[[nodiscard]] Model load_model(const GivenOptions& given, const core::Environment& inherited,
                               const LoadRequest& request, std::ostream& diagnostics_out);

// The environment of one instance (or of a one-off when `instance` is null). A one-off named after a
// Procfile type (`one_off_type`) gets that type's tfrun.toml `env` too, exactly as `start` gives it.
[[nodiscard]] core::Environment child_environment(const Model& model, const core::Instance* instance,
                                                  const std::string& one_off_type = {});

// Where the instances of `type` run: the app's root, or the type's tfrun.toml `cwd` under it. Throws
// MissingFileError naming tfrun.toml's line when that is not a directory.
[[nodiscard]] std::string working_directory_of(const Model& model, const std::string& type);

// foreman's `.foreman`, read from the current directory as foreman reads it (absent: no defaults).
[[nodiscard]] core::ForemanDefaults read_foreman_defaults(core::Diagnostics& diagnostics);

} // namespace tfrun::app
