// SPDX-License-Identifier: MIT
// Boost.JSON, header-only: its implementation compiled once, here (docs/ARCHITECTURE.md says why JSON is
// parsed with it).
#include <boost/json/src.hpp>
