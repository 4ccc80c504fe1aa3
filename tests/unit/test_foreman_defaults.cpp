
TEST_CASE(".foreman: seeded random input never crashes and gives the same answer twice", "[foreman_defaults][random]") {
  const std::string alphabet = "portenvcolr:: \t\n\n#'\"-=,.0159truefalse\r\xEF\xBB\xBF";
  std::mt19937 random(20260413U);
  std::uniform_int_distribution<std::size_t> length_of(0, 60);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const auto length = length_of(random);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[pick(random)];
    }
    INFO("round " << round);
    Diagnostics first;
    Diagnostics second;
    const auto a = parse_foreman_defaults(text, ".foreman", first);
    const auto b = parse_foreman_defaults(text, ".foreman", second);
    CHECK(report(first) == report(second));
    CHECK(a.port == b.port);
    CHECK(a.env_files == b.env_files);
    for (const auto& d : first.items()) {
      REQUIRE(d.line >= 1);
      REQUIRE(d.source_line.find('\n') == std::string::npos);
    }
  }
}
