
TEST_CASE("json env: seeded random input never crashes and gives the same answer twice", "[dotenv_json][random]") {
  // Biased towards JSON's structure, so most inputs get past the first byte.
  const std::string alphabet = "{}[]\"\"::,,  \n\\u0aD8-1e.tfnrul\xC3\xA9";
  std::mt19937 random(20260412U);
  std::uniform_int_distribution<std::size_t> length_of(0, 80);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int round = 0; round < 4000; ++round) {
    std::string text = "{\"";
    const auto length = length_of(random);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[pick(random)];
    }
    INFO("round " << round);
    Diagnostics first_diagnostics;
    Diagnostics second_diagnostics;
    const auto first = variables_of(text, first_diagnostics);
    CHECK(first == variables_of(text, second_diagnostics));
    CHECK(first_diagnostics.items().size() == second_diagnostics.items().size());
    // Either variables, or an error and none.
    if (first_diagnostics.has_errors()) {
      REQUIRE(first.empty());
    }
    for (const auto& variable : first) {
      REQUIRE(variable.find('=') > 0);
    }
  }
}
