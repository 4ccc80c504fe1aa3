// SPDX-License-Identifier: MIT
// The environment a child receives, built in layers (docs/formats.md). Later layers win:
// inherited < env files in order < per-type `env` from tfrun.toml < PORT and the instance name variables.
#pragma once

#include <tfrun/core/dotenv.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tfrun::core {

// An ordered set of NAME=VALUE pairs; setting a name again replaces its value in place.
class Environment {
public:
  Environment() = default;
  // Parses "NAME=VALUE" strings as found in environ; entries without '=' are ignored.
  static Environment from_entries(const std::vector<std::string>& entries);

  void set(const std::string& name, std::string value);
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& variables() const { return m_variables; }
  // "NAME=VALUE" strings for exec.
  [[nodiscard]] std::vector<std::string> to_entries() const;

private:
  std::vector<std::pair<std::string, std::string>> m_variables;
};

// Variables of several env files merged in order: later files win.
[[nodiscard]] std::vector<EnvVariable> merge_env_files(const std::vector<std::vector<EnvVariable>>& files);

struct ChildIdentity {
  std::string name;        // "web.1" or "run.1"
  std::optional<int> port; // PORT; none for a type with no port
};

// The variables that carry an instance's name: tfrun's own and those of foreman, honcho and node-foreman.
constexpr const char* k_identity_names[] = {"PS", "TFRUN_PROCESS", "HONCHO_PROCESS_NAME", "FOREMAN_WORKER_NAME"};

// PORT (when the identity has one) and every name in k_identity_names, set to the instance's name.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> identity_variables(const ChildIdentity& identity);

[[nodiscard]] Environment layer_environment(const Environment& inherited, const std::vector<EnvVariable>& env_files,
                                            const std::vector<std::pair<std::string, std::string>>& process_env,
                                            const ChildIdentity& identity);

// Base port: -p > PORT from the env files > inherited PORT > 5000 (foreman's order); an empty inherited
// PORT is unset. A nullopt port means `error` names what was not a port.
struct BasePortChoice {
  std::optional<int> port;
  std::string error;          // non-empty when a given value is not a port
  bool error_in_file = false; // the bad value came from an env file (bad input data, not usage)
};
[[nodiscard]] BasePortChoice choose_base_port(std::optional<int> flag, const std::vector<EnvVariable>& env_files,
                                              const Environment& inherited);

} // namespace tfrun::core
