// SPDX-License-Identifier: MIT
// Formation specs (`web=2,worker=4`, `all=2`, `web`) and their expansion into named instances with ports
// (docs/formats.md).
#pragma once

#include <tfrun/core/procfile.hpp>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tfrun::core {

// A formation that cannot be used: a bad item or an unknown type. The message names the item.
class FormationError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Formation {
  std::map<std::string, int, std::less<>> counts; // explicitly named types
  std::optional<int> all;                         // `all=N`: every type not named
  bool bare_names = false;                        // a bare NAME was given: unnamed types run 0 times

  [[nodiscard]] bool empty() const { return counts.empty() && !all && !bare_names; }
};

// Parses every SPEC argument (each `ITEM(,ITEM)*`); later counts win. Throws FormationError.
[[nodiscard]] Formation parse_formation(const std::vector<std::string>& specs);

struct Instance {
  std::string type; // the name as written in the Procfile
  int number = 1;   // N in TYPE.N, from 1; counts on across the entries of a name written twice
  std::string name; // "web.1"
  int port = 0;
  std::string command;
  std::size_t entry_index = 0; // the Procfile entry it runs: its position gives the port and the colour
};

constexpr int k_default_base_port = 5000;
constexpr int k_port_block = 100;

// How many of `type` run: formation rules of docs/formats.md (no spec at all: every type once).
[[nodiscard]] int count_for(const Formation& formation, const std::string& type);

// Every instance in Procfile order, TYPE.1..TYPE.N. A name written on two entries runs both, each with the
// count the formation gives the name: the second entry's instances are numbered after the first's, and each
// entry's ports start at its own position's block. Throws FormationError for a type the Procfile lacks
// (listing the known ones) or a port above 65535.
[[nodiscard]] std::vector<Instance> expand_formation(const Procfile& procfile, const Formation& formation,
                                                     int base_port);

// PORT = base + 100 × (index of the entry in the Procfile) + (N − 1), N counted within the entry.
[[nodiscard]] int port_for(int base_port, std::size_t type_index, int number);

// Parses a port given as text (flag, env file, environment). nullopt unless 1..65535.
[[nodiscard]] std::optional<int> parse_port(std::string_view text);

} // namespace tfrun::core
