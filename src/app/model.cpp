// SPDX-License-Identifier: MIT
#include <tfrun/app/model.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/files.hpp>
#include <tfrun/app/options_resolution.hpp>
#include <tfrun/core/dotenv.hpp>
#include <tfrun/core/dotenv_json.hpp>
#include <tfrun/core/settings_check.hpp>

#include <algorithm>
#include <ostream>
#include <sys/stat.h>

namespace tfrun::app {
namespace {

struct SettingsFile {
  core::FileSettings settings;
  std::string text;
  bool exists = false;
};

SettingsFile read_settings(const std::string& path, core::Diagnostics& diagnostics) {
  SettingsFile out;
  if (auto text = read_text_file(path)) {
    out.exists = true;
    out.text = std::move(*text);
    out.settings = core::parse_settings(out.text, path, diagnostics);
  }
  return out;
}

core::Procfile read_procfile(const ResolvedOptions& options, bool optional, core::Diagnostics& diagnostics) {
  const auto text = read_text_file(options.procfile_path);
  if (!text && optional) {
    return {};
  }
  if (!text) {
    throw MissingFileError(options.procfile_path + ": no such file (name another Procfile with -f FILE)");
  }
  return core::parse_procfile(*text, options.procfile_path, diagnostics);
}

std::vector<core::EnvVariable> read_env_files(const ResolvedOptions& options, const core::Environment& inherited,
                                              core::Diagnostics& diagnostics) {
  const core::EnvLookup lookup = [&](std::string_view name) { return inherited.get(name); };
  std::vector<std::vector<core::EnvVariable>> files;
  for (std::size_t i = 0; i < options.env_files.size(); ++i) {
    const auto& path = options.env_files[i];
    const auto text = read_text_file(path);
    if (!text) {
      if (options.env_file_required[i]) {
        throw MissingFileError(path + ": no such env file");
      }
      continue;
    }
    files.push_back(core::looks_like_json_env(*text) ? core::parse_json_env(*text, path, diagnostics)
                                                     : core::parse_dotenv(*text, path, lookup, diagnostics));
  }
  return core::merge_env_files(files);
}

std::optional<std::string> procfile_variable(const std::vector<core::EnvVariable>& variables) {
  const auto found = std::find_if(variables.rbegin(), variables.rend(),
                                  [](const core::EnvVariable& variable) { return variable.key == "PROCFILE"; });
  return found == variables.rend() ? std::nullopt : std::optional<std::string>(found->value);
}

void report(const core::Diagnostics& diagnostics, std::ostream& out) {
  for (const auto& diagnostic : diagnostics.items()) {
    out << core::format_diagnostic(diagnostic);
  }
  out.flush();
}

void resolve_formation(Model& model, const LoadRequest& request) {
  try {
    model.formation = core::parse_formation(model.options.formation);
    model.instances = core::expand_formation(model.procfile, model.formation, model.base_port);
  } catch (const core::FormationError& error) {
    throw UsageError(error.what());
  }
  if (model.instances.empty() && !request.allow_empty_formation) {
    throw UsageError("the formation starts no process (every count is 0)");
  }
}

} // namespace

core::ForemanDefaults read_foreman_defaults(core::Diagnostics& diagnostics) {
  const std::string path = ".foreman";
  if (const auto text = read_text_file(path)) {
    return core::parse_foreman_defaults(*text, path, diagnostics);
  }
  return {};
}

Model load_model(const GivenOptions& given, const core::Environment& inherited, const LoadRequest& request,
                 std::ostream& diagnostics_out) {
  core::Diagnostics diagnostics;
  Model model;
  model.inherited = inherited;
  const auto foreman = read_foreman_defaults(diagnostics);
  const auto settings_dir = settings_dir_for(given, foreman);
  auto settings_file = read_settings(join_path(settings_dir, "tfrun.toml"), diagnostics);
  model.has_settings_file = settings_file.exists;
  model.settings = std::move(settings_file.settings);
  if (diagnostics.has_errors()) {
    report(diagnostics, diagnostics_out);
    throw InputError();
  }
  OptionSources sources{given, inherited.get("PROCFILE"), model.settings, foreman, settings_dir};
  model.options = resolve_options(sources);
  model.env_file_variables = read_env_files(model.options, inherited, diagnostics);
  if (const auto named = procfile_variable(model.env_file_variables); named && !given.procfile) {
    // PROCFILE in an env file names the Procfile (honcho); the env files already read stay the ones read.
    sources.procfile_variable = named;
    auto env_files = std::move(model.options.env_files);
    auto required = std::move(model.options.env_file_required);
    model.options = resolve_options(sources);
    model.options.env_files = std::move(env_files);
    model.options.env_file_required = std::move(required);
  }
  model.procfile = read_procfile(model.options, request.procfile_optional, diagnostics);
  if (settings_file.exists) {
    core::check_settings_against_procfile(model.settings, model.procfile, model.options.settings_path,
                                          settings_file.text, diagnostics);
  }
  if (request.strict) {
    diagnostics.promote_warnings();
  }
  report(diagnostics, diagnostics_out);
  if (diagnostics.has_errors()) {
    throw InputError();
  }
  model.warnings = diagnostics.warnings();
  const auto base = core::choose_base_port(model.options.port, model.env_file_variables, inherited);
  if (!base.port) {
    throw Error(base.error_in_file ? core::exit_code::data : core::exit_code::usage, base.error);
  }
  model.base_port = *base.port;
  resolve_formation(model, request);
  return model;
}

core::Environment child_environment(const Model& model, const core::Instance* instance,
                                    const std::string& one_off_type) {
  std::vector<std::pair<std::string, std::string>> process_env;
  core::ChildIdentity identity{"run.1", model.base_port};
  const std::string& type = instance != nullptr ? instance->type : one_off_type;
  if (instance != nullptr) {
    identity = {instance->name, instance->port};
  }
  if (const auto* settings = core::find_process_settings(model.settings, type); settings != nullptr && !type.empty()) {
    process_env = settings->env;
  }
  return core::layer_environment(model.inherited, model.env_file_variables, process_env, identity);
}

std::string working_directory_of(const Model& model, const std::string& type) {
  const auto* settings = core::find_process_settings(model.settings, type);
  if (settings == nullptr || !settings->cwd) {
    return model.options.root_dir;
  }
  const auto directory = join_path(model.options.root_dir, *settings->cwd);
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    const std::string what = ::stat(directory.c_str(), &info) != 0 ? "does not exist" : "is not a directory";
    throw MissingFileError(model.options.settings_path + ":" + std::to_string(settings->cwd_line) + ": cwd '" +
                           *settings->cwd + "' of " + type + " " + what +
                           (directory == *settings->cwd ? std::string() : " (" + directory + ")"));
  }
  return directory;
}

} // namespace tfrun::app
