// SPDX-License-Identifier: MIT
// Kubernetes: a Deployment per type (a Job for oneshot types), a ConfigMap for the env files' variables, a
// Secret for those matched by --secret, and a Service per type that binds PORT. One object per file, so that
// `kubectl apply -f DIR` takes them all.
#include "export_common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tfrun::core {

namespace {

using namespace export_detail;

constexpr std::string_view k_format = "kubernetes";

struct Names {
  std::string app;    // DNS label of the app
  std::string config; // ConfigMap
  std::string secret; // Secret
  bool has_config = false;
  bool has_secret = false;
};

// Object names, label values and container names must be DNS-1035 labels. Procfile names may hold `_` and
// capitals, which map one way; anything else is refused rather than silently renamed.
std::string dns_label(std::string_view what, std::string_view name, std::size_t room) {
  std::string out;
  for (const char c : name) {
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c == '_' ? '-' : c;
  }
  const bool chars = std::all_of(out.begin(), out.end(),
                                 [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
  if (out.empty() || !chars || out.front() < 'a' || out.front() > 'z' || out.back() == '-' || out.size() > room) {
    throw ExportError(std::string(name), fmt::format("{}: the {} {} does not make a Kubernetes name (letters, "
                                                     "digits and \"-\", starting with a letter, at most {} "
                                                     "characters)",
                                                     k_format, what, quoted(name), room));
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      chunk = (chunk << 8U) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? k_alphabet[(chunk >> (18 - 6 * k)) & 0x3FU] : '=';
    }
  }
  return out;
}

std::string metadata(std::string_view name, const Names& names, std::string_view component) {
  std::string out = fmt::format("metadata:\n  name: {}\n  labels:\n", yaml_quote(name));
  out += fmt::format("    \"app.kubernetes.io/name\": {}\n    \"app.kubernetes.io/instance\": {}\n",
                     yaml_quote(names.app), yaml_quote(names.app));
  if (!component.empty()) {
    out += fmt::format("    \"app.kubernetes.io/component\": {}\n", yaml_quote(component));
  }
  return out + "    \"app.kubernetes.io/managed-by\": \"tfrun\"\n";
}

std::string selector_labels(const Names& names, std::string_view component, std::string_view indent) {
  return fmt::format("{0}\"app.kubernetes.io/name\": {1}\n{0}\"app.kubernetes.io/instance\": {1}\n"
                     "{0}\"app.kubernetes.io/component\": {2}\n",
                     indent, yaml_quote(names.app), yaml_quote(component));
}

void check_value(const std::string& key, const std::string& value) {
  require_no_nul(key, value, k_format);
  require_utf8(key, value, k_format);
  const bool key_chars = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
  if (!key_chars) {
    throw ExportError(key, fmt::format("{}: {} is not a ConfigMap or Secret key (letters, digits, \"-\", \"_\", "
                                       "\".\")",
                                       k_format, quoted(key)));
  }
}

// The env files' variables split between the ConfigMap and the Secret.
std::vector<ExportFile> env_objects(const ExportInput& input, Names& names) {
  std::string config;
  std::string secret;
  for (const auto& variable : input.env) {
    check_value(variable.key, variable.value);
    if (is_secret(input, variable.key)) {
      secret += fmt::format("  {}: {}\n", yaml_quote(variable.key), yaml_quote(base64(variable.value)));
    } else {
      config += fmt::format("  {}: {}\n", yaml_quote(variable.key), yaml_quote(variable.value));
    }
  }
  std::vector<ExportFile> files;
  names.has_config = !config.empty();
  names.has_secret = !secret.empty();
  if (names.has_config) {
    files.push_back(
        {names.config + "-configmap.yaml",
         "apiVersion: \"v1\"\nkind: \"ConfigMap\"\n" + metadata(names.config, names, "") + "data:\n" + config, 0644});
  }
  if (names.has_secret) {
    files.push_back({names.secret + "-secret.yaml",
                     "apiVersion: \"v1\"\nkind: \"Secret\"\n" + metadata(names.secret, names, "") +
                         "type: \"Opaque\"\ndata:\n" + secret,
                     0644});
  }
  return files;
}

// Kubernetes expands a container's command and explicit env values: `$(NAME)` becomes the variable NAME
// and `$$` becomes `$`. Doubling each `$` that precedes `$` or `(` makes it hand the shell the text as
// written (`$(date)`, `$$`).
std::string escape_reference_expansion(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && (text[i + 1] == '(' || text[i + 1] == '$')) {
      out += '$';
    }
    out += text[i];
  }
  return out;
}

std::string container_env(const ExportInput& input, const ExportType& type, const Names& names) {
  std::string out;
  if (names.has_config || names.has_secret) {
    out += "          envFrom:\n";
    out += names.has_config
               ? fmt::format("            - configMapRef:\n                name: {}\n", yaml_quote(names.config))
               : "";
    out += names.has_secret
               ? fmt::format("            - secretRef:\n                name: {}\n", yaml_quote(names.secret))
               : "";
  }
  Variables explicit_env;
  if (type.settings != nullptr) {
    explicit_env = type.settings->env;
  }
  if (binds_port(input, type.name)) {
    explicit_env.emplace_back("PORT", std::to_string(type.port));
  }
  if (!explicit_env.empty()) {
    out += "          env:\n";
    for (const auto& [key, value] : explicit_env) {
      require_no_nul(key, value, k_format);
      require_utf8(key, value, k_format);
      out += fmt::format("            - name: {}\n              value: {}\n", yaml_quote(key),
                         yaml_quote(escape_reference_expansion(value)));
    }
  }
  return out;
}

std::string readiness_probe(const ExportInput& input, const ExportType& type) {
  if (type.settings == nullptr) {
    return "";
  }
  const auto& ready = type.settings->ready;
  switch (ready.kind) {
  case ReadyCheck::Kind::tcp_port:
    return fmt::format("          readinessProbe:\n            tcpSocket:\n              port: {}\n", ready.port);
  case ReadyCheck::Kind::own_port:
    return fmt::format("          readinessProbe:\n            tcpSocket:\n              port: {}\n", type.port);
  case ReadyCheck::Kind::command:
    return fmt::format("          readinessProbe:\n            exec:\n              command:\n"
                       "                - {}\n                - \"-c\"\n                - {}\n",
                       yaml_quote(input.shell), yaml_quote(ready.command));
  default: return "";
  }
}

std::string container(const ExportInput& input, const ExportType& type, const Names& names) {
  require_utf8("command", type.command, k_format);
  // `command` replaces the image's ENTRYPOINT and CMD: the container's main process is the app itself.
  std::string out = fmt::format("        - name: {}\n          image: {}\n          command:\n",
                                yaml_quote(dns_label("type", type.name, 63)), yaml_quote(input.image));
  for (const auto& word : command_argv(input, type.command, ProgramLookup::app)) {
    out += fmt::format("            - {}\n", yaml_quote(escape_reference_expansion(word)));
  }
  out += container_env(input, type, names);
  if (binds_port(input, type.name)) {
    out += fmt::format("          ports:\n            - name: \"http\"\n              containerPort: {}\n"
                       "              protocol: \"TCP\"\n",
                       type.port);
  }
  return out + readiness_probe(input, type);
}

std::string workload(const ExportInput& input, const ExportType& type, const Names& names, const std::string& name) {
  static constexpr std::string_view k_pod_restart[] = {"Never", "OnFailure", "OnFailure"};
  const auto component = dns_label("type", type.name, 63);
  std::string out =
      type.oneshot ? "apiVersion: \"batch/v1\"\nkind: \"Job\"\n" : "apiVersion: \"apps/v1\"\nkind: \"Deployment\"\n";
  out += metadata(name, names, component) + "spec:\n";
  out += type.oneshot ? fmt::format("  completions: {0}\n  parallelism: {0}\n  backoffLimit: {1}\n", type.count,
                                    type.restart == RestartPolicy::never ? 0 : 6)
                      : fmt::format("  replicas: {}\n  selector:\n    matchLabels:\n{}", type.count,
                                    selector_labels(names, component, "      "));
  out += "  template:\n    metadata:\n      labels:\n" + selector_labels(names, component, "        ");
  out += fmt::format("    spec:\n      terminationGracePeriodSeconds: {}\n", whole_seconds_up(type.timeout));
  if (type.oneshot) {
    out += fmt::format("      restartPolicy: \"{}\"\n", k_pod_restart[static_cast<int>(type.restart)]);
  }
  return out + "      containers:\n" + container(input, type, names);
}

std::string service(const ExportType& type, const Names& names, const std::string& name) {
  const auto component = dns_label("type", type.name, 63);
  return fmt::format("apiVersion: \"v1\"\nkind: \"Service\"\n{}spec:\n  selector:\n{}  ports:\n"
                     "    - name: \"http\"\n      port: {}\n      targetPort: \"http\"\n      protocol: \"TCP\"\n",
                     metadata(name, names, component), selector_labels(names, component, "    "), type.port);
}

} // namespace

std::vector<ExportFile> render_kubernetes(const ExportInput& input) {
  if (input.image.empty()) {
    throw ExportError("--image",
                      fmt::format("{}: --image is required (the container image that holds the app)", k_format));
  }
  require_utf8("--image", input.image, k_format);
  Names names;
  names.app = dns_label("app name", input.app, 56);
  names.config = names.app + "-env";
  names.secret = names.app + "-secret";
  auto files = env_objects(input, names);
  std::vector<std::string> taken;
  for (const auto& type : export_types(input)) {
    const auto name = names.app + "-" + dns_label("type", type.name, 62 - names.app.size());
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
      throw ExportError(type.name, fmt::format("{}: the type {} maps to the name {}, as another type does", k_format,
                                               quoted(type.name), quoted(name)));
    }
    taken.push_back(name);
    files.push_back(
        {name + (type.oneshot ? "-job.yaml" : "-deployment.yaml"), workload(input, type, names, name), 0644});
    if (binds_port(input, type.name) && !type.oneshot) {
      files.push_back({name + "-service.yaml", service(type, names, name), 0644});
    }
  }
  return files;
}

} // namespace tfrun::core
