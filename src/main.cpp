// SPDX-License-Identifier: MIT
#include <tfrun/app/main.hpp>

int main(int argc, char** argv) { return tfrun::app::main(argc, argv); }
