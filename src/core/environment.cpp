// SPDX-License-Identifier: MIT
#include <tfrun/core/environment.hpp>

#include <tfrun/core/formation.hpp>

#include <algorithm>

namespace tfrun::core {

Environment Environment::from_entries(const std::vector<std::string>& entries) {
  Environment env;
  for (const auto& entry : entries) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      continue;
    }
    env.set(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

void Environment::set(const std::string& name, std::string value) {
  const auto it = std::find_if(m_variables.begin(), m_variables.end(),
                               [&](const auto& variable) { return variable.first == name; });
  if (it != m_variables.end()) {
    it->second = std::move(value);
  } else {
    m_variables.emplace_back(name, std::move(value));
  }
}

std::optional<std::string> Environment::get(std::string_view name) const {
  const auto it = std::find_if(m_variables.begin(), m_variables.end(),
                               [&](const auto& variable) { return variable.first == name; });
  if (it == m_variables.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> Environment::to_entries() const {
  std::vector<std::string> out;
  out.reserve(m_variables.size());
  for (const auto& [name, value] : m_variables) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<EnvVariable> merge_env_files(const std::vector<std::vector<EnvVariable>>& files) {
  std::vector<EnvVariable> merged;
  for (const auto& file : files) {
    for (const auto& variable : file) {
      const auto it = std::find_if(merged.begin(), merged.end(),
                                   [&](const EnvVariable& existing) { return existing.key == variable.key; });
      if (it != merged.end()) {
        *it = variable;
      } else {
        merged.push_back(variable);
      }
    }
  }
  return merged;
}

Environment layer_environment(const Environment& inherited, const std::vector<EnvVariable>& env_files,
                              const std::vector<std::pair<std::string, std::string>>& process_env,
                              const ChildIdentity& identity) {
  Environment env = inherited;
  for (const auto& variable : env_files) {
    env.set(variable.key, variable.value);
  }
  for (const auto& [name, value] : process_env) {
    env.set(name, value);
  }
  for (auto& [name, value] : identity_variables(identity)) {
    env.set(name, std::move(value));
  }
  return env;
}

std::vector<std::pair<std::string, std::string>> identity_variables(const ChildIdentity& identity) {
  std::vector<std::pair<std::string, std::string>> out;
  if (identity.port) {
    out.emplace_back("PORT", std::to_string(*identity.port));
  }
  // PS is foreman's name for it, HONCHO_PROCESS_NAME honcho's, FOREMAN_WORKER_NAME node-foreman's: a script
  // written for any of them finds its instance name.
  for (const char* name : k_identity_names) {
    out.emplace_back(name, identity.name);
  }
  return out;
}

BasePortChoice choose_base_port(std::optional<int> flag, const std::vector<EnvVariable>& env_files,
                                const Environment& inherited) {
  if (flag) {
    return {flag, {}};
  }
  const auto from_files = std::find_if(env_files.rbegin(), env_files.rend(),
                                       [](const EnvVariable& variable) { return variable.key == "PORT"; });
  if (from_files != env_files.rend()) {
    if (const auto port = parse_port(from_files->value)) {
      return {port, {}};
    }
    return {std::nullopt,
            "PORT='" + from_files->value + "' (line " + std::to_string(from_files->line) +
                " of an env file) is not a port number from 1 to 65535",
            true};
  }
  // An empty inherited PORT counts as unset, as `${PORT:-3000}` counts it (`PORT= bin/dev`); one written
  // empty in an env file stays an error in that file.
  if (const auto value = inherited.get("PORT"); value && !value->empty()) {
    if (const auto port = parse_port(*value)) {
      return {port, {}};
    }
    return {std::nullopt, "PORT='" + *value + "' in the environment is not a port number from 1 to 65535"};
  }
  return {k_default_base_port, {}};
}

} // namespace tfrun::core
