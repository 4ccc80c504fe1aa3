// SPDX-License-Identifier: MIT
#include <tfrun/core/formation.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace tfrun::core;

namespace {

Procfile procfile_of(const std::vector<std::string>& names) {
  Procfile procfile;
  int line = 1;
  for (const auto& name : names) {
    procfile.entries.push_back({name, "run " + name, line++});
  }
  return procfile;
}

// "web.1:5000" for each instance.
std::vector<std::string> instances_of(const std::vector<Instance>& instances) {
  std::vector<std::string> out;
  for (const auto& instance : instances) {
    out.push_back(instance.name + ":" + std::to_string(instance.port));
  }
  return out;
}

std::string formation_error(const std::vector<std::string>& specs) {
  try {
    (void)parse_formation(specs);
  } catch (const FormationError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string expansion_error(const Procfile& procfile, const Formation& formation, int base_port) {
  try {
    (void)expand_formation(procfile, formation, base_port);
  } catch (const FormationError& error) {
    return error.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("formation: no spec at all runs every type once", "[formation]") {
  const auto formation = parse_formation({});
  CHECK(formation.empty());
  CHECK(count_for(formation, "web") == 1);
  CHECK(count_for(formation, "anything") == 1);
  CHECK(count_for(Formation{}, "web") == 1);
}

TEST_CASE("formation: NAME=COUNT", "[formation]") {
  const auto formation = parse_formation({"web=2"});
  CHECK_FALSE(formation.empty());
  CHECK(formation.counts == std::map<std::string, int, std::less<>>{{"web", 2}});
  CHECK_FALSE(formation.all);
  CHECK_FALSE(formation.bare_names);
  CHECK(count_for(formation, "web") == 2);
  // foreman: naming some types runs only those.
  CHECK(count_for(formation, "worker") == 0);
}

TEST_CASE("formation: several items in one spec", "[formation]") {
  const auto formation = parse_formation({"web=2,worker=4"});
  CHECK(count_for(formation, "web") == 2);
  CHECK(count_for(formation, "worker") == 4);
  CHECK(count_for(formation, "clock") == 0);
}

TEST_CASE("formation: several specs combine and a later count wins", "[formation]") {
  const auto formation = parse_formation({"web=2,worker=4", "web=3", "clock=1"});
  CHECK(count_for(formation, "web") == 3);
  CHECK(count_for(formation, "worker") == 4);
  CHECK(count_for(formation, "clock") == 1);

  const auto within_one = parse_formation({"web=1,web=5"});
  CHECK(count_for(within_one, "web") == 5);

  const auto all_later = parse_formation({"all=1", "all=3"});
  CHECK(formation_error({"all=1", "all=3"}) == "(no error)");
  CHECK(all_later.all == 3);
}

TEST_CASE("formation: all=N sets every type not named", "[formation]") {
  const auto formation = parse_formation({"all=2"});
  CHECK(formation.all == 2);
  CHECK(formation.counts.empty());
  CHECK(count_for(formation, "web") == 2);
  CHECK(count_for(formation, "worker") == 2);

  const auto mixed = parse_formation({"all=2,web=5"});
  CHECK(count_for(mixed, "web") == 5);
  CHECK(count_for(mixed, "worker") == 2);

  const auto none = parse_formation({"all=0", "web=1"});
  CHECK(count_for(none, "web") == 1);
  CHECK(count_for(none, "worker") == 0);
}

TEST_CASE("formation: a bare NAME runs that type once and the others not at all", "[formation]") {
  const auto formation = parse_formation({"web"});
  CHECK(formation.bare_names);
  CHECK(count_for(formation, "web") == 1);
  CHECK(count_for(formation, "worker") == 0);

  const auto two = parse_formation({"web", "worker"});
  CHECK(count_for(two, "web") == 1);
  CHECK(count_for(two, "worker") == 1);
  CHECK(count_for(two, "clock") == 0);

  // A bare name after a count is a later count of 1.
  const auto later = parse_formation({"web=3", "web"});
  CHECK(count_for(later, "web") == 1);

  // Unless also named by all=N, which covers the unnamed types.
  const auto with_all = parse_formation({"web,all=2"});
  CHECK(count_for(with_all, "web") == 1);
  CHECK(count_for(with_all, "worker") == 2);
}

TEST_CASE("formation: x=0 disables a type", "[formation]") {
  const auto formation = parse_formation({"all=1,clock=0"});
  CHECK(count_for(formation, "web") == 1);
  CHECK(count_for(formation, "clock") == 0);
}

TEST_CASE("formation: blanks around items and around '=' are ignored", "[formation]") {
  const auto formation = parse_formation({" web = 2 ,\tworker=4\t", "  clock  "});
  CHECK(formation.counts == std::map<std::string, int, std::less<>>{{"web", 2}, {"worker", 4}, {"clock", 1}});
  CHECK(formation.bare_names);
}

TEST_CASE("formation: leading zeros and large counts are whole numbers", "[formation]") {
  CHECK(count_for(parse_formation({"web=007"}), "web") == 7);
  CHECK(count_for(parse_formation({"web=2147483647"}), "web") == 2147483647);
}

TEST_CASE("formation: bad items are errors naming the item", "[formation]") {
  const std::string count = "': the count must be a non-negative whole number";
  const std::string shape = "': expected NAME=COUNT, all=COUNT or NAME";
  CHECK(formation_error({"web=x"}) == "invalid formation item 'web=x" + count);
  CHECK(formation_error({"web=-1"}) == "invalid formation item 'web=-1" + count);
  CHECK(formation_error({"web=+1"}) == "invalid formation item 'web=+1" + count);
  CHECK(formation_error({"web="}) == "invalid formation item 'web=" + count);
  CHECK(formation_error({"web= "}) == "invalid formation item 'web=" + count); // the item is trimmed
  CHECK(formation_error({"web=1.5"}) == "invalid formation item 'web=1.5" + count);
  CHECK(formation_error({"web=2x"}) == "invalid formation item 'web=2x" + count);
  CHECK(formation_error({"web=1 2"}) == "invalid formation item 'web=1 2" + count);
  CHECK(formation_error({"web=2=3"}) == "invalid formation item 'web=2=3" + count);
  CHECK(formation_error({"web=99999999999"}) == "invalid formation item 'web=99999999999" + count);
  CHECK(formation_error({"all=x"}) == "invalid formation item 'all=x" + count);
  CHECK(formation_error({"=2"}) == "invalid formation item '=2" + shape);
  CHECK(formation_error({" = 2"}) == "invalid formation item '= 2" + shape);
  CHECK(formation_error({"we b=2"}) == "invalid formation item 'we b=2" + shape);
  CHECK(formation_error({"web.1=2"}) == "invalid formation item 'web.1=2" + shape);
  CHECK(formation_error({"web:2"}) == "invalid formation item 'web:2" + shape);
  // The first bad item of a list is the one reported.
  CHECK(formation_error({"web=1,worker=y,clock=z"}) == "invalid formation item 'worker=y" + count);
}

TEST_CASE("formation: empty items are errors naming the spec", "[formation]") {
  CHECK(formation_error({""}) == "invalid formation '': empty item");
  CHECK(formation_error({"  "}) == "invalid formation '  ': empty item");
  CHECK(formation_error({"web=1,"}) == "invalid formation 'web=1,': empty item");
  CHECK(formation_error({",web=1"}) == "invalid formation ',web=1': empty item");
  CHECK(formation_error({"web=1,,worker=2"}) == "invalid formation 'web=1,,worker=2': empty item");
  CHECK(formation_error({"web=1, ,worker=2"}) == "invalid formation 'web=1, ,worker=2': empty item");
  CHECK(formation_error({"web=1", ","}) == "invalid formation ',': empty item");
}

TEST_CASE("expand_formation: every type once by default, ports in blocks of 100", "[formation]") {
  const auto procfile = procfile_of({"web", "worker", "clock"});
  const auto instances = expand_formation(procfile, parse_formation({}), 5000);
  CHECK(instances_of(instances) == std::vector<std::string>{"web.1:5000", "worker.1:5100", "clock.1:5200"});
  REQUIRE(instances.size() == 3);
  CHECK(instances[1].type == "worker");
  CHECK(instances[1].number == 1);
  CHECK(instances[1].command == "run worker");
}

TEST_CASE("expand_formation: alpha=2 runs alpha twice and bravo not at all (foreman)", "[formation]") {
  const auto procfile = procfile_of({"alpha", "bravo"});
  const auto instances = expand_formation(procfile, parse_formation({"alpha=2"}), 5000);
  CHECK(instances_of(instances) == std::vector<std::string>{"alpha.1:5000", "alpha.2:5001"});
  REQUIRE(instances.size() == 2);
  CHECK(instances[1].type == "alpha");
  CHECK(instances[1].number == 2);
  CHECK(instances[1].command == "run alpha");
}

TEST_CASE("expand_formation: base 4000 with foo=3,bar=2 (foreman)", "[formation]") {
  const auto procfile = procfile_of({"foo", "bar"});
  const auto instances = expand_formation(procfile, parse_formation({"foo=3,bar=2"}), 4000);
  CHECK(instances_of(instances) ==
        std::vector<std::string>{"foo.1:4000", "foo.2:4001", "foo.3:4002", "bar.1:4100", "bar.2:4101"});
}

TEST_CASE("expand_formation: a skipped type keeps its port block", "[formation]") {
  const auto procfile = procfile_of({"web", "worker", "clock"});
  const auto instances = expand_formation(procfile, parse_formation({"clock=2", "web=0"}), 5000);
  CHECK(instances_of(instances) == std::vector<std::string>{"clock.1:5200", "clock.2:5201"});

  const auto bare = expand_formation(procfile, parse_formation({"worker"}), 3000);
  CHECK(instances_of(bare) == std::vector<std::string>{"worker.1:3100"});
}

TEST_CASE("expand_formation: instances follow Procfile order, not formation order", "[formation]") {
  const auto procfile = procfile_of({"web", "worker"});
  const auto instances = expand_formation(procfile, parse_formation({"worker=1,web=1"}), 5000);
  CHECK(instances_of(instances) == std::vector<std::string>{"web.1:5000", "worker.1:5100"});
}

TEST_CASE("expand_formation: all=0 gives no instances", "[formation]") {
  const auto procfile = procfile_of({"web", "worker"});
  CHECK(expand_formation(procfile, parse_formation({"all=0"}), 5000).empty());
}

TEST_CASE("expand_formation: an unknown type is an error listing the known types", "[formation]") {
  const auto procfile = procfile_of({"web", "worker", "clock"});
  CHECK(expansion_error(procfile, parse_formation({"wbe=2"}), 5000) ==
        "formation names unknown process type 'wbe' (known types: web, worker, clock)");
  // x=0 of an unknown type is still a typo worth reporting.
  CHECK(expansion_error(procfile, parse_formation({"nope=0"}), 5000) ==
        "formation names unknown process type 'nope' (known types: web, worker, clock)");
  CHECK(expansion_error(procfile, parse_formation({"ghost"}), 5000) ==
        "formation names unknown process type 'ghost' (known types: web, worker, clock)");
  CHECK(expansion_error(procfile_of({"web"}), parse_formation({"Web=1"}), 5000) ==
        "formation names unknown process type 'Web' (known types: web)");
  // all=N names no type, so it cannot be unknown.
  CHECK(expansion_error(procfile, parse_formation({"all=1"}), 5000) == "(no error)");
}

TEST_CASE("expand_formation: a port above 65535 is an error naming the instance", "[formation]") {
  const auto procfile = procfile_of({"web", "worker"});
  CHECK(expansion_error(procfile, parse_formation({}), 65500) ==
        "port 65600 for worker.1 is above 65535: choose a lower base port");
  CHECK(expansion_error(procfile, parse_formation({"web=3", "worker=0"}), 65534) ==
        "port 65536 for web.3 is above 65535: choose a lower base port");
  // The highest port itself is fine.
  CHECK(instances_of(expand_formation(procfile, parse_formation({"web=2", "worker=0"}), 65534)) ==
        std::vector<std::string>{"web.1:65534", "web.2:65535"});
  // A huge count fails on the first port out of range instead of building millions of instances.
  CHECK(expansion_error(procfile, parse_formation({"web=2147483647"}), 5000) ==
        "port 65536 for web.60537 is above 65535: choose a lower base port");
}

TEST_CASE("expand_formation: a name written twice runs both entries, numbered on, ports by position (foreman)",
          "[formation]") {
  const auto procfile = procfile_of({"web", "css", "js", "css"});
  const auto instances = expand_formation(procfile, {}, 3000);
  CHECK(instances_of(instances) == std::vector<std::string>{"web.1:3000", "css.1:3100", "js.1:3200", "css.2:3300"});
  CHECK(instances[3].type == "css");
  CHECK(instances[3].number == 2);
  CHECK(instances[3].entry_index == 3);
  CHECK(instances[3].command == "run css");

  // The count is the name's, so each entry gets it; the numbers go on across the entries.
  CHECK(instances_of(expand_formation(procfile, parse_formation({"css=2", "web=0", "js=0"}), 5000)) ==
        std::vector<std::string>{"css.1:5100", "css.2:5101", "css.3:5300", "css.4:5301"});
  CHECK(instances_of(expand_formation(procfile, parse_formation({"css"}), 5000)) ==
        std::vector<std::string>{"css.1:5100", "css.2:5300"});
}

TEST_CASE("port_for follows foreman's formula", "[formation]") {
  CHECK(port_for(5000, 0, 1) == 5000);
  CHECK(port_for(5000, 0, 3) == 5002);
  CHECK(port_for(5000, 2, 1) == 5200);
  CHECK(port_for(4000, 1, 2) == 4101);
  CHECK(k_default_base_port == 5000);
  CHECK(k_port_block == 100);
}

TEST_CASE("parse_port accepts 1..65535 in plain decimal only", "[formation]") {
  CHECK(parse_port("1") == 1);
  CHECK(parse_port("5000") == 5000);
  CHECK(parse_port("65535") == 65535);
  CHECK(parse_port("08080") == 8080);
  for (const char* bad :
       {"", "0", "65536", "-1", "+80", " 80", "80 ", "80x", "0x50", "8.0", "abc", "99999999999999999999"}) {
    INFO('\'' << bad << '\'');
    CHECK_FALSE(parse_port(bad));
  }
}

TEST_CASE("formation: seeded random specs either parse to counts >= 0 or throw FormationError", "[formation][random]") {
  const std::string alphabet = "weball=,,== \t0123456789-+x_.:";
  std::mt19937 random(4000U);
  std::uniform_int_distribution<std::size_t> length_of(0, 24);
  std::uniform_int_distribution<std::size_t> spec_count(0, 3);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  int parsed_ok = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::string> specs(spec_count(random));
    for (auto& spec : specs) {
      const auto length = length_of(random);
      for (std::size_t i = 0; i < length; ++i) {
        spec += alphabet[pick(random)];
      }
    }
    try {
      const auto formation = parse_formation(specs);
      ++parsed_ok;
      for (const auto& [name, count] : formation.counts) {
        CHECK_FALSE(name.empty());
        CHECK(count >= 0);
      }
      if (formation.all) {
        CHECK(*formation.all >= 0);
      }
      CHECK(count_for(formation, "web") >= 0);
    } catch (const FormationError& error) {
      CHECK(std::string(error.what()).starts_with("invalid formation"));
    }
  }
  // The alphabet is meant to reach both outcomes; an input generator that only makes errors tests little.
  CHECK(parsed_ok > 100);
}
