# SPDX-License-Identifier: MIT
# Man pages (man/*.scd): built with scdoc at build time and installed into the section named by their file name.
# Included from the top CMakeLists.txt after include(GNUInstallDirs).

set(TFRUN_MAN_SOURCES tfrun.1 tfrun.toml.5 tfrun-procfile.5)

find_program(SCDOC scdoc)
if(NOT SCDOC)
  # A build without man pages is still useful to a developer; packagers and CI notice the missing files
  # (.ci/check-install compares every install with packaging/install-manifest.txt).
  message(WARNING "scdoc not found: the man pages are not built or installed")
  return()
endif()

set(TFRUN_MAN_PAGES "")
foreach(page IN LISTS TFRUN_MAN_SOURCES)
  string(REGEX MATCH "[0-9]$" section ${page})
  set(output ${CMAKE_CURRENT_BINARY_DIR}/man/${page})
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND sh -c "\"$0\" < \"$1\" | awk -f \"$3\" > \"$2\"" ${SCDOC} ${CMAKE_CURRENT_SOURCE_DIR}/man/${page}.scd
            ${output} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/man-tidy.awk
    DEPENDS man/${page}.scd cmake/man-tidy.awk
    VERBATIM)
  list(APPEND TFRUN_MAN_PAGES ${output})
  install(FILES ${output} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(tfrun_man ALL DEPENDS ${TFRUN_MAN_PAGES})

# The pages must read cleanly in every man viewer: mandoc's linter reports nothing on them.
find_program(MANDOC mandoc)
if(TFRUN_BUILD_TESTS AND MANDOC)
  add_test(NAME "man: the pages pass mandoc -T lint -W warning"
           COMMAND sh -c "out=$(\"$0\" -T lint -W warning \"$@\" 2>&1); [ -z \"$out\" ] || { echo \"$out\"; exit 1; }"
                   ${MANDOC} ${TFRUN_MAN_PAGES})
endif()
