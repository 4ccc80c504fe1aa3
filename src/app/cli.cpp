// SPDX-License-Identifier: MIT
#include <tfrun/app/cli.hpp>

#include <tfrun/core/command_words.hpp>
#include <tfrun/core/exit_codes.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <unistd.h>

namespace tfrun::app {
namespace {

constexpr const char* k_exit_status_epilogue = R"(
Exit status:
  0     success
  1-255 start: the status of the process whose exit stopped the formation (128+n if killed by signal n);
        130/143 when tfrun itself was stopped by SIGINT/SIGTERM
        run: the command's status; 128+n if killed by signal n; 126 not executable; 127 not found
  64    usage error: unknown flag, bad flag value, unknown process type in a formation
  65    bad input data: a malformed Procfile, env file or tfrun.toml
  66    missing input file: no Procfile, a named env file that does not exist
  69    start: an instance was not ready in time; ps, restart...: no tfrun start runs in this project;
        attach: the instance has no terminal (start --pty)
  70    internal error in tfrun
  71    system error: the OS refused (fork, pipe, signals)
  74    start: writing the output failed (a full disk)
  75    start: another tfrun start runs in this project; a control client too slow for logs -f or attach;
        attach: another client is attached
  76    control protocol error (docs/control.md)
  77    a control command from a user other than tfrun's

Every option can also be set in tfrun.toml and in a TFRUN_<OPTION> variable
(command line > environment > tfrun.toml > .foreman > defaults). The options every command shares may also
come before it, as honcho users write them: tfrun -f Procfile.dev -e .env.dev start. See tfrun(1).)";

// Raw option text, kept as text so bad values get tfrun's own messages naming the flag.
struct RawOptions {
  std::string procfile, root, port, timeout, color, log_format, quiet_period;
  std::vector<std::string> env_files, formation, quiet;
  bool no_timestamp = false, no_prefix = false, no_terminal_hints = false;
  bool pty = false;
  CLI::Option* pty_opt{};
  CLI::Option *procfile_opt{}, *root_opt{}, *env_opt{}, *port_opt{}, *timeout_opt{}, *color_opt{}, *log_format_opt{},
      *quiet_opt{}, *formation_opt{};
};

void add_input_options(CLI::App& app, RawOptions& raw) {
  raw.procfile_opt = app.add_option("-f,--procfile", raw.procfile, "Procfile to read (default: Procfile)")
                         ->envname("TFRUN_PROCFILE")
                         ->type_name("FILE");
  raw.root_opt = app.add_option("-d,--root,--app-root", raw.root, "app root directory (default: the Procfile's folder)")
                     ->envname("TFRUN_ROOT")
                     ->type_name("DIR");
  // One value per occurrence (repeat the flag or separate with commas): `run -e .env echo hi` runs echo.
  raw.env_opt =
      app.add_option("-e,--env", raw.env_files,
                     "env file, one per -e: repeat it or comma-separate (default: .env in the root if present)")
          ->envname("TFRUN_ENV")
          ->type_name("FILE")
          ->delimiter(',')
          ->allow_extra_args(false);
  raw.port_opt =
      app.add_option("-p,--port", raw.port, "base port (default: PORT from env files, then $PORT, then 5000)")
          ->envname("TFRUN_PORT")
          ->type_name("N");
}

void add_output_options(CLI::App& app, RawOptions& raw) {
  raw.timeout_opt = app.add_option("-t,--timeout", raw.timeout, "grace period before SIGKILL (default: 5)")
                        ->envname("TFRUN_TIMEOUT")
                        ->type_name("SECONDS");
  raw.color_opt = app.add_option("--color", raw.color,
                                 "colour the prefixes: auto, always or never; alone (or -c): always; --no-color: never")
                      ->envname("TFRUN_COLOR")
                      ->type_name("WHEN");
  app.add_flag("--no-timestamp", raw.no_timestamp, "omit the time column")->envname("TFRUN_NO_TIMESTAMP");
  app.add_flag("--no-prefix", raw.no_prefix, "print the children's lines without time and name")
      ->envname("TFRUN_NO_PREFIX");
  raw.log_format_opt = app.add_option("--log-format", raw.log_format, "text or json (one object per line)")
                           ->envname("TFRUN_LOG_FORMAT")
                           ->type_name("FORMAT");
  raw.quiet_opt =
      app.add_option("--quiet-period", raw.quiet_period, "show a partial line after this much silence (default: 1s)")
          ->envname("TFRUN_QUIET_PERIOD")
          ->type_name("DURATION");
}

void add_formation_option(CLI::App& app, RawOptions& raw) {
  raw.formation_opt = app.add_option("-m,--formation,-c,--concurrency", raw.formation,
                                     "formation, e.g. web=2,worker=4 or all=2; repeatable")
                          ->envname("TFRUN_FORMATION")
                          ->type_name("SPEC")
                          ->allow_extra_args(false);
}

std::optional<std::string> given(const CLI::Option* option, const std::string& value) {
  if (option == nullptr || option->count() == 0) {
    return std::nullopt;
  }
  return value;
}

GivenOptions to_given(const RawOptions& raw) {
  GivenOptions out;
  out.procfile = given(raw.procfile_opt, raw.procfile);
  out.root = given(raw.root_opt, raw.root);
  out.env_files_given = raw.env_opt != nullptr && raw.env_opt->count() > 0;
  out.env_files = raw.env_files;
  out.port = given(raw.port_opt, raw.port);
  out.timeout = given(raw.timeout_opt, raw.timeout);
  out.color = given(raw.color_opt, raw.color);
  out.log_format = given(raw.log_format_opt, raw.log_format);
  out.quiet_period = given(raw.quiet_opt, raw.quiet_period);
  out.no_timestamp = raw.no_timestamp;
  out.no_prefix = raw.no_prefix;
  out.no_terminal_hints = raw.no_terminal_hints;
  out.formation = raw.formation;
  out.quiet = raw.quiet;
  if (raw.pty_opt != nullptr && raw.pty_opt->count() > 0) {
    out.pty = raw.pty;
  }
  return out;
}

void define_export(CLI::App& sub, RawOptions& raw, ExportRequest& request, std::vector<std::string>& specs) {
  sub.add_option("format", request.format, "systemd, supervisord, runit, launchd, kubernetes or compose")
      ->required()
      ->type_name("FORMAT");
  sub.add_option("dir", request.dir, "directory to write into (not needed with --dry-run)")->type_name("DIR");
  add_input_options(sub, raw);
  add_formation_option(sub, raw);
  sub.add_option("spec", specs, "formation (as for start)")->type_name("SPEC");
  raw.timeout_opt = sub.add_option("-t,--timeout", raw.timeout, "grace period before SIGKILL (default: 5)")
                        ->envname("TFRUN_TIMEOUT")
                        ->type_name("SECONDS");
  sub.add_option("-a,--app", request.app, "app name (default: the root folder's name)")->type_name("NAME");
  sub.add_option("-u,--user", request.user, "user the processes run as")->type_name("USER");
  sub.add_option("-l,--log", request.log_dir, "log directory (default: /var/log/APP)")->type_name("DIR");
  sub.add_option("-r,--run", request.pid_dir, "foreman's pid directory: accepted, not used (no format needs one)")
      ->type_name("DIR");
  sub.add_option("--template", request.template_dir, "not supported: tfrun writes its own files (see --dry-run)")
      ->type_name("DIR");
  sub.add_option("--image", request.image, "container image (kubernetes, compose)")->type_name("IMAGE");
  sub.add_option("--secret", request.secrets, "env keys to put in a Secret, glob; repeatable (kubernetes)")
      ->type_name("PATTERN");
  sub.add_option("--port-type", request.port_types, "types that bind $PORT; repeatable (default: web)")
      ->type_name("TYPE");
  sub.add_flag("--user-units", request.user_units, "systemd units for systemctl --user");
  sub.add_flag("-n,--dry-run", request.dry_run, "print the files instead of writing them");
}

// Each subcommand binds its own RawOptions: CLI11 counts an option per subcommand.
struct Subcommands {
  CLI::App* start{};
  CLI::App* run{};
  CLI::App* check{};
  CLI::App* env{};
  CLI::App* export_files{};
  CLI::App* version{};
  RawOptions start_raw, run_raw, check_raw, env_raw, export_raw;
};

// `only`: when the first word names a subcommand, only that one gets its options (the others are still
// named, for help and errors). Defining every subcommand's options was a quarter of the instructions of
// `tfrun run -- true` (docs/benchmarks.md, "Init").
void define_commands(CLI::App& app, Subcommands& sub, Invocation& invocation, std::vector<std::string>& start_specs,
                     std::string_view only) {
  const auto wanted = [only](std::string_view name) { return only.empty() || only == name; };
  RawOptions* raw = &sub.start_raw;
  sub.start = app.add_subcommand("start", "run the formation: every process type of the Procfile");
  if (wanted("start")) {
    add_input_options(*sub.start, *raw);
    add_output_options(*sub.start, *raw);
    add_formation_option(*sub.start, *raw);
    sub.start->add_option("spec", start_specs, "formation: web=2 worker=4, all=2, or a bare type name")
        ->type_name("SPEC");
    sub.start
        ->add_option("-q,--quiet", sub.start_raw.quiet, "hide the output of these types; repeatable or comma-separated")
        ->envname("TFRUN_QUIET")
        ->type_name("TYPE")
        ->delimiter(',')
        ->allow_extra_args(false);
    sub.start
        ->add_flag("--no-terminal-hints", sub.start_raw.no_terminal_hints,
                   "give the children no PYTHONUNBUFFERED, FORCE_COLOR or CLICOLOR_FORCE when tfrun colours")
        ->envname("TFRUN_NO_TERMINAL_HINTS");
    sub.start_raw.pty_opt =
        sub.start
            ->add_flag(
                "--pty,!--no-pty", sub.start_raw.pty,
                "give every instance a pseudo-terminal (for tfrun attach); --no-pty: none, whatever tfrun.toml says")
            ->envname("TFRUN_PTY");
  }

  raw = &sub.run_raw;
  sub.run = app.add_subcommand("run", "run a one-off command in the app's environment");
  if (wanted("run")) {
    add_input_options(*sub.run, *raw);
    add_output_options(*sub.run, *raw);
    sub.run
        ->add_option("--signal-target", invocation.signal_target, "where forwarded signals go: group (default) or main")
        ->envname("TFRUN_SIGNAL_TARGET")
        ->type_name("TARGET");
  }
  sub.run->prefix_command();

  raw = &sub.check_raw;
  sub.check = app.add_subcommand("check", "validate the Procfile, env files and tfrun.toml; show the formation");
  if (wanted("check")) {
    add_input_options(*sub.check, *raw);
    add_formation_option(*sub.check, *raw);
    sub.check->add_option("spec", start_specs, "formation to show (as for start)")->type_name("SPEC");
    sub.check->add_flag("--json", invocation.json, "print the whole resolved model as JSON");
    sub.check->add_flag("--strict", invocation.strict, "treat warnings as errors");
  }

  raw = &sub.env_raw;
  sub.env = app.add_subcommand("env", "print the environment an instance (or a one-off) would receive");
  if (wanted("env")) {
    add_input_options(*sub.env, *raw);
    add_formation_option(*sub.env, *raw);
    sub.env->add_option("instance", invocation.instance, "an instance such as web.1 (default: a one-off)")
        ->type_name("NAME.N");
    sub.env->add_flag("--json", invocation.json, "print a JSON object");
  }

  raw = &sub.export_raw;
  sub.export_files = app.add_subcommand("export", "write the native files of another process manager");
  if (wanted("export")) {
    define_export(*sub.export_files, *raw, invocation.export_request, start_specs);
  }

  sub.version = app.add_subcommand("version", "print tfrun's version");
}

const RawOptions* chosen_options(const Subcommands& sub, Command command) {
  switch (command) {
  case Command::start: return &sub.start_raw;
  case Command::run: return &sub.run_raw;
  case Command::check: return &sub.check_raw;
  case Command::env: return &sub.env_raw;
  case Command::export_files: return &sub.export_raw;
  default: return nullptr;
  }
}

Command chosen_command(const Subcommands& sub) {
  if (sub.start->parsed()) {
    return Command::start;
  }
  if (sub.run->parsed()) {
    return Command::run;
  }
  if (sub.check->parsed()) {
    return Command::check;
  }
  if (sub.env->parsed()) {
    return Command::env;
  }
  if (sub.export_files->parsed()) {
    return Command::export_files;
  }
  return sub.version->parsed() ? Command::version : Command::none;
}

// foreman's export options that mean nothing to tfrun's formats: said once, not silently dropped.
void explain_foreman_export_options(Invocation& invocation) {
  const auto& request = invocation.export_request;
  if (!request.template_dir.empty()) {
    invocation.early_output = "tfrun: error: export --template: tfrun has no export templates; it writes each "
                              "format itself (see the files with --dry-run, and docs/export.md)\n";
    invocation.early_status = core::exit_code::usage;
  }
  if (!request.pid_dir.empty()) {
    invocation.warnings.push_back("export --run " + request.pid_dir +
                                  ": ignored: none of tfrun's export formats writes a pid file");
  }
}

// ---- Live control of a running formation (docs/control.md): ps, restart, stop, signal, scale, logs, reload ----
struct ControlCommands {
  CLI::App *ps{}, *restart{}, *stop{}, *signal{}, *scale{}, *logs{}, *reload{}, *attach{};
  std::string procfile, root;
};

// `only` as for define_commands: when another subcommand is invoked, these are named but get no options.
void define_control_commands(CLI::App& app, CLI::App& start, Invocation& invocation, ControlCommands& control,
                             std::string_view only) {
  const auto socket_help = "control socket (default: .tfrun/control.sock in the project; docs/control.md)";
  if (only.empty() || only == "start") {
    start.add_option("--socket", invocation.socket, socket_help)->envname("TFRUN_SOCKET")->type_name("PATH");
  }
  control.ps = app.add_subcommand("ps", "list the instances of the formation running here");
  control.restart = app.add_subcommand("restart", "restart instances (all when none is named), or start stopped ones");
  control.stop = app.add_subcommand("stop", "stop instances (all when none is named); the formation goes on");
  control.signal = app.add_subcommand("signal", "send a signal to instances of the formation running here");
  control.scale = app.add_subcommand("scale", "change how many instances of each type run: web=3 worker=0");
  control.logs = app.add_subcommand("logs", "the last lines of instances, then with -f every new one");
  control.reload = app.add_subcommand("reload", "read the files again; restart only the types that changed");
  control.attach =
      app.add_subcommand("attach", "connect this terminal to an instance's (start --pty); Ctrl-] detaches");
  if (!only.empty()) {
    return;
  }
  control.ps->add_flag("--json", invocation.json, "one JSON object per instance");
  control.signal->add_option("signal", invocation.signal_name, "HUP, SIGUSR1, 10...")->required()->type_name("SIGNAL");
  control.scale->add_option("counts", invocation.names, "TYPE=COUNT...")->required()->type_name("TYPE=COUNT");
  control.logs->add_flag("-f,--follow", invocation.follow, "keep printing new lines until the formation stops");
  control.logs->add_option("-n,--lines", invocation.lines, "how many recent lines per instance (default: 10)")
      ->type_name("N");
  control.attach->add_option("name", invocation.names, "the instance, such as web.1 (or a type with one instance)")
      ->required()
      ->expected(1)
      ->type_name("NAME");
  for (auto* sub : {control.ps, control.restart, control.stop, control.signal, control.scale, control.logs,
                    control.reload, control.attach}) {
    if (sub != control.scale && sub != control.reload && sub != control.attach) {
      sub->add_option("names", invocation.names, "instances or types, wildcards allowed (web.1, web, 'w*')")
          ->type_name("NAME");
    }
    sub->add_option("--socket", invocation.socket, socket_help)->envname("TFRUN_SOCKET")->type_name("PATH");
    // `logs -f` follows, as `tail -f` does: there the Procfile is only --procfile.
    sub->add_option(sub == control.logs ? "--procfile" : "-f,--procfile", control.procfile,
                    "find the project from this Procfile")
        ->type_name("FILE");
    sub->add_option("-d,--root", control.root, "the project's directory (default: .)")->type_name("DIR");
  }
}

Command chosen_control_command(const ControlCommands& control, Invocation& invocation) {
  const std::pair<CLI::App*, Command> commands[] = {
      {control.ps, Command::ps},         {control.restart, Command::restart}, {control.stop, Command::stop},
      {control.signal, Command::signal}, {control.scale, Command::scale},     {control.logs, Command::logs},
      {control.reload, Command::reload}, {control.attach, Command::attach}};
  for (const auto& [sub, command] : commands) {
    if (sub->parsed()) {
      if (!control.procfile.empty()) {
        invocation.options.procfile = control.procfile;
      }
      if (!control.root.empty()) {
        invocation.options.root = control.root;
      }
      return command;
    }
  }
  return Command::none;
}
// ---- end of live control ----

// `tfrun run -- CMD [ARGS...]` with nothing else on the line and no TFRUN_* variable: a container's
// ENTRYPOINT, run at every start. It means exactly the defaults, so it needs no parser: building CLI11's
// model of every option was 60 % of the instructions tfrun spends as an init (docs/benchmarks.md, "Init").
bool plain_run(int argc, const char* const* argv) {
  if (argc < 4 || std::string_view(argv[1]) != "run" || std::string_view(argv[2]) != "--") {
    return false;
  }
  // The variables the options read (every envname() in this file but TFRUN_NO_TERMINAL_HINTS, which changes
  // nothing for `run`): one of them set is an option given.
  static constexpr std::string_view k_option_variables[] = {
      "TFRUN_COLOR",        "TFRUN_ENV",           "TFRUN_FORMATION", "TFRUN_LOG_FORMAT", "TFRUN_NO_PREFIX",
      "TFRUN_NO_TIMESTAMP", "TFRUN_PORT",          "TFRUN_PROCFILE",  "TFRUN_QUIET",      "TFRUN_QUIET_PERIOD",
      "TFRUN_ROOT",         "TFRUN_SIGNAL_TARGET", "TFRUN_SOCKET",    "TFRUN_TIMEOUT"};
  for (char** variable = environ; *variable != nullptr; ++variable) {
    const std::string_view entry(*variable);
    if (!entry.starts_with("TFRUN_")) {
      continue;
    }
    const auto name = entry.substr(0, entry.find('='));
    if (std::find(std::begin(k_option_variables), std::end(k_option_variables), name) != std::end(k_option_variables)) {
      return false;
    }
  }
  return true;
}

} // namespace

Invocation parse_command_line(int argc, const char* const* argv) {
  Invocation invocation;
  if (plain_run(argc, argv)) {
    invocation.command = Command::run;
    invocation.options = to_given(RawOptions{});
    invocation.argv.assign(argv + 3, argv + argc);
    return invocation;
  }
  CLI::App app{"tfrun: run a Procfile app: every process, one output stream, clean shutdown", "tfrun"};
  app.footer(k_exit_status_epilogue);
  app.set_version_flag("-v,-V,--version", "tfrun " + std::string(TFRUN_VERSION));
  app.require_subcommand(1);
  Subcommands sub;
  std::vector<std::string> start_specs;
  const std::string_view first = argc > 1 ? argv[1] : "";
  const bool names_one = first == "start" || first == "run" || first == "check" || first == "env" || first == "export";
  define_commands(app, sub, invocation, start_specs, names_one ? first : std::string_view());
  ControlCommands control;
  define_control_commands(app, *sub.start, invocation, control, names_one ? first : std::string_view());
  // CLI11 rejects what follows `--` in a prefix command, so `tfrun run [OPTIONS] -- CMD ARGS` is split
  // here: everything after the first `--` that follows `run` is the command, untouched.
  auto words = core::normalize_command_words(std::vector<std::string>(argv + 1, argv + argc));
  std::vector<std::string> after_dashes;
  const auto run_at = !words.empty() && words.front() == "run" ? words.begin() : words.end();
  if (const auto dashes = std::find(run_at, words.end(), "--"); run_at != words.end() && dashes != words.end()) {
    after_dashes.assign(dashes + 1, words.end());
    words.erase(dashes, words.end());
  }
  std::reverse(words.begin(), words.end()); // CLI11 takes the vector in reverse order
  try {
    app.parse(words);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      std::ostringstream out;
      std::ostringstream err;
      app.exit(error, out, err);
      invocation.early_output = out.str();
      invocation.early_status = 0;
      return invocation;
    }
    std::string message = error.what();
    if (!message.empty()) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    invocation.early_output = "tfrun: error: " + message + "\nRun 'tfrun --help' for more information.\n";
    invocation.early_status = core::exit_code::usage;
    return invocation;
  }
  invocation.command = chosen_command(sub);
  if (invocation.command == Command::none) {
    invocation.command = chosen_control_command(control, invocation);
  }
  if (const auto* raw = chosen_options(sub, invocation.command)) {
    invocation.options = to_given(*raw);
  }
  invocation.options.formation.insert(invocation.options.formation.end(), start_specs.begin(), start_specs.end());
  if (invocation.command == Command::run) {
    invocation.argv = after_dashes.empty() ? sub.run->remaining() : after_dashes;
  }
  explain_foreman_export_options(invocation);
  return invocation;
}

} // namespace tfrun::app
