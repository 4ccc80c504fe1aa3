// SPDX-License-Identifier: MIT
// `tfrun export FORMAT DIR`: render the native files of another engine and write them, replacing (only)
// the files of a previous export of the same app.
#include <tfrun/app/commands.hpp>

#include <tfrun/app/errors.hpp>
#include <tfrun/app/files.hpp>
#include <tfrun/app/inherited_environment.hpp>
#include <tfrun/app/model.hpp>
#include <tfrun/core/dotenv.hpp>
#include <tfrun/core/exit_codes.hpp>
#include <tfrun/core/export.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace tfrun::app {
namespace {

namespace fs = std::filesystem;

std::string known_formats() {
  std::string out;
  for (const auto name : core::export_format_names()) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

core::ExportInput export_input(const Model& model, const ExportRequest& request) {
  core::ExportInput input;
  std::error_code ec;
  const auto root = fs::weakly_canonical(fs::absolute(model.options.root_dir), ec);
  input.root = root.string();
  input.app = request.app.value_or(root.filename().string());
  input.user = request.user;
  input.log_dir = request.log_dir.empty() ? "" : fs::absolute(request.log_dir).lexically_normal().string();
  input.instances = model.instances;
  input.env = model.env_file_variables;
  input.processes = model.settings.processes;
  input.default_timeout = model.options.timeout;
  input.image = request.image;
  input.secret_patterns = request.secrets;
  if (!request.port_types.empty()) {
    input.port_types = request.port_types;
  }
  input.user_units = request.user_units;
  return input;
}

// The manifest of what an export of APP wrote into DIR: the next export removes exactly these.
fs::path manifest_path(const fs::path& dir, const std::string& app) { return dir / (".tfrun-export-" + app); }

void remove_previous_export(const fs::path& dir, const std::string& app) {
  std::ifstream manifest(manifest_path(dir, app));
  std::string relative;
  while (std::getline(manifest, relative)) {
    std::error_code ignored;
    const auto path = dir / relative;
    fs::remove(path, ignored);
    // Directories the export created are removed once empty (runit's service/env/ folders).
    for (auto parent = path.parent_path(); parent != dir && fs::is_empty(parent, ignored);
         parent = parent.parent_path()) {
      fs::remove(parent, ignored);
    }
  }
}

void write_files(const fs::path& dir, const std::string& app, const std::vector<core::ExportFile>& files) {
  fs::create_directories(dir);
  remove_previous_export(dir, app);
  std::ofstream manifest(manifest_path(dir, app));
  for (const auto& file : files) {
    const auto path = dir / file.path;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << file.content;
    if (!out) {
      throw SystemError("cannot write " + path.string());
    }
    fs::permissions(path, static_cast<fs::perms>(file.mode));
    manifest << file.path << '\n';
    std::cout << "wrote " << path.string() << '\n';
  }
}

// foreman's export created the log folder too: an engine that finds it missing refuses the whole config or
// fails every unit. A folder that cannot be made here (not root, no such parent) is a warning, since the files
// are right and the folder may be made on the machine that runs them.
void create_log_folder(const std::string& folder) {
  if (folder.empty()) {
    return;
  }
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    std::cerr << "tfrun: warning: cannot create the log folder " << folder << " (" << ec.message()
              << "): create it before the engine starts the app\n";
  }
}

// "FILE:LINE: " of the env-file line that defined `key`, to point at what an export refused.
std::string env_file_location(const Model& model, const std::string& key) {
  const auto& files = model.options.env_files;
  for (auto file = files.rbegin(); file != files.rend(); ++file) {
    const auto text = read_text_file(*file);
    core::Diagnostics ignored;
    const auto variables = text ? core::parse_dotenv(
                                      *text, *file, [](std::string_view) { return std::nullopt; }, ignored)
                                : std::vector<core::EnvVariable>{};
    for (const auto& variable : variables) {
      if (variable.key == key) {
        return *file + ":" + std::to_string(variable.line) + ": ";
      }
    }
  }
  return "";
}

// compose and kubernetes run one service per type; a name written on two Procfile entries (which `start`
// runs as two commands) would silently lose one of them there.
void refuse_split_type(core::ExportFormat format, const Model& model, const std::string& format_name) {
  if (format != core::ExportFormat::compose && format != core::ExportFormat::kubernetes) {
    return;
  }
  const auto& entries = model.procfile.entries;
  for (auto first = entries.begin(); first != entries.end(); ++first) {
    const auto again =
        std::find_if(first + 1, entries.end(), [&](const core::ProcfileEntry& e) { return e.name == first->name; });
    if (again != entries.end()) {
      throw Error(core::exit_code::data, format_name + ": process type '" + first->name + "' is written on lines " +
                                             std::to_string(first->line) + " and " + std::to_string(again->line) +
                                             " of " + model.options.procfile_path + ", and " + format_name +
                                             " runs one service per type: give one of them a name of its own");
    }
  }
}

} // namespace

int export_command(const Invocation& invocation) {
  const auto& request = invocation.export_request;
  const auto format = core::parse_export_format(request.format);
  if (!format) {
    throw UsageError("unknown export format '" + request.format + "' (known formats: " + known_formats() + ")");
  }
  if (request.dir.empty() && !request.dry_run) {
    throw UsageError("export: name the directory to write into (or use --dry-run)");
  }
  auto given = invocation.options;
  if (request.dry_run && request.dir.find('=') != std::string::npos) {
    given.formation.insert(given.formation.begin(), request.dir); // `export systemd --dry-run web=2`: no DIR
  }
  const auto model = load_model(given, inherited_environment(), LoadRequest{}, std::cerr);
  refuse_split_type(*format, model, request.format);
  const auto input = export_input(model, request);
  std::vector<core::ExportFile> files;
  try {
    files = core::render_export(*format, input);
  } catch (const core::ExportError& error) {
    const bool flag = error.key().rfind("--", 0) == 0;
    throw Error(flag ? core::exit_code::usage : core::exit_code::data,
                (flag ? "" : env_file_location(model, error.key())) + error.what());
  }
  if (request.dry_run) {
    for (const auto& file : files) {
      std::cout << "# " << file.path << "\n" << file.content << (file.content.ends_with('\n') ? "" : "\n");
    }
    return core::exit_code::success;
  }
  try {
    write_files(request.dir, input.app, files);
    create_log_folder(core::log_folder_to_create(*format, input));
  } catch (const fs::filesystem_error& error) {
    throw SystemError(error.what());
  }
  return core::exit_code::success;
}

} // namespace tfrun::app
