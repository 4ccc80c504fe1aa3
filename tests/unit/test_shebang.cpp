// SPDX-License-Identifier: MIT
#include <tfrun/core/shebang.hpp>

#include <catch2/catch.hpp>

using tfrun::core::shebang_interpreter;

TEST_CASE("shebang: the interpreter is the first word after #!, as the kernel reads it") {
  CHECK(shebang_interpreter("#!/bin/sh\necho") == "/bin/sh");
  CHECK(shebang_interpreter("#! /usr/bin/env ruby -w\n") == "/usr/bin/env");
  CHECK(shebang_interpreter("#!\t/opt/py\r\n") == "/opt/py");
  CHECK(shebang_interpreter("#!/nonexistent") == "/nonexistent");
}

TEST_CASE("shebang: none when the file does not start with #! or names nothing") {
  CHECK_FALSE(shebang_interpreter("echo hi\n"));
  CHECK_FALSE(shebang_interpreter(" #!/bin/sh\n"));
  CHECK_FALSE(shebang_interpreter("#!   \n"));
  CHECK_FALSE(shebang_interpreter(""));
}
