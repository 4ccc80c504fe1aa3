# SPDX-License-Identifier: MIT
# TFRUN_STATIC: one self-contained executable, for FROM scratch images and for machines without tfrun's
# libraries. Included from the top CMakeLists.txt before the dependencies are looked up, so that the lookups
# pick static archives.

option(TFRUN_STATIC "Link tfrun fully statically (for FROM scratch containers)" OFF)
if(NOT TFRUN_STATIC)
  return()
endif()
if(TFRUN_SANITIZE OR TFRUN_FUZZERS)
  message(FATAL_ERROR "TFRUN_STATIC cannot be combined with sanitizers or fuzzers (their runtimes are shared)")
endif()

set(Boost_USE_STATIC_LIBS ON)
# Also makes pkg_check_modules(RE2 ... IMPORTED_TARGET) pick libre2.a, which Debian's libre2-dev ships.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
# Plain -static rather than -static-pie: `file` and `ldd` then report a static executable, which is what
# images FROM scratch are checked for; the loss is ASLR of the executable's own code.
add_link_options(-static)

# Debian ships fmt and toml++ only as shared libraries. Both have a header-only mode that compiles the library
# into tfrun itself and works with every installation of them, so the static build always uses it. The targets
# are defined here, before find_package would define the shared ones, because src/ links them by name (toml++'s
# package file keeps a target that already exists; fmt::fmt is guarded in the top CMakeLists.txt).
find_path(TFRUN_FMT_INCLUDE_DIR fmt/format-inl.h REQUIRED)
add_library(fmt::fmt INTERFACE IMPORTED)
set_target_properties(fmt::fmt PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1
  INTERFACE_INCLUDE_DIRECTORIES ${TFRUN_FMT_INCLUDE_DIR})
find_path(TFRUN_TOMLPLUSPLUS_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
set_target_properties(tomlplusplus::tomlplusplus PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS TOML_HEADER_ONLY=1
  INTERFACE_INCLUDE_DIRECTORIES ${TFRUN_TOMLPLUSPLUS_INCLUDE_DIR})
