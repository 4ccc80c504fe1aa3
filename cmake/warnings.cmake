# SPDX-License-Identifier: MIT
# Interface targets every project target links: warnings and sanitizers.
add_library(tfrun_warnings INTERFACE)
target_compile_options(tfrun_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wpedantic -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(TFRUN_WERROR)
  target_compile_options(tfrun_warnings INTERFACE -Werror)
endif()

add_library(tfrun_sanitizers INTERFACE)
if(TFRUN_SANITIZE)
  target_compile_options(tfrun_sanitizers INTERFACE -fsanitize=${TFRUN_SANITIZE} -fno-omit-frame-pointer
                                                    -fno-sanitize-recover=all)
  target_link_options(tfrun_sanitizers INTERFACE -fsanitize=${TFRUN_SANITIZE})
endif()
