// SPDX-License-Identifier: MIT
#pragma once

namespace tfrun::app {

// The whole program: parse the command line, run the command, map errors to the exit-status table.
int main(int argc, char** argv);

} // namespace tfrun::app
