# SPDX-License-Identifier: MIT
# Shell completions (packaging/completions): install rules for bash, zsh and fish, and their CTest test.
# Included from the top CMakeLists.txt after include(GNUInstallDirs) and enable_testing().

set(TFRUN_COMPLETIONS_DIR ${PROJECT_SOURCE_DIR}/packaging/completions)

# bash: the directory bash-completion loads on demand. Its pkg-config completionsdir is an absolute path
# under bash-completion's own prefix (/usr/share/...), so it is used only when it lies under our install
# prefix, and then made relative to it, so that `cmake --install --prefix` still moves it; otherwise (a
# /usr/local or home prefix, a package without bash-completion) the datadir path is the standard one.
set(TFRUN_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(_tfrun_bash_completionsdir bash-completion completionsdir)
  if(_tfrun_bash_completionsdir)
    cmake_path(IS_PREFIX CMAKE_INSTALL_PREFIX "${_tfrun_bash_completionsdir}" NORMALIZE _tfrun_under_prefix)
    if(_tfrun_under_prefix)
      cmake_path(RELATIVE_PATH _tfrun_bash_completionsdir BASE_DIRECTORY ${CMAKE_INSTALL_PREFIX}
                 OUTPUT_VARIABLE TFRUN_BASH_COMPLETION_DIR)
    endif()
  endif()
endif()
message(STATUS "tfrun: bash completion goes to ${TFRUN_BASH_COMPLETION_DIR}")

# bash-completion finds a command's file by the command's name, so it is installed as `tfrun`.
install(FILES ${TFRUN_COMPLETIONS_DIR}/tfrun.bash DESTINATION ${TFRUN_BASH_COMPLETION_DIR} RENAME tfrun)
# zsh: compinit binds `_tfrun` by its #compdef line. PREFIX/share/zsh/site-functions is on the default fpath
# of zsh built from source, of Homebrew's, and of Debian's for /usr/local; Debian's own packages use
# /usr/share/zsh/vendor-completions instead (its zsh does not look in /usr/share/zsh/site-functions), so
# packaging/debian sets this.
set(TFRUN_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/zsh/site-functions CACHE STRING
    "Where the zsh completion is installed (relative to the prefix, or absolute)")
install(FILES ${TFRUN_COMPLETIONS_DIR}/_tfrun DESTINATION ${TFRUN_ZSH_COMPLETION_DIR})
# fish: vendor_completions.d is the directory for completions shipped by packages (not the user's own).
install(FILES ${TFRUN_COMPLETIONS_DIR}/tfrun.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

if(TFRUN_BUILD_TESTS)
  add_test(NAME completions COMMAND bash ${PROJECT_SOURCE_DIR}/tests/completions/test_completions.sh)
  set_tests_properties(completions PROPERTIES LABELS "completions")
endif()
