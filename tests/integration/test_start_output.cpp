// SPDX-License-Identifier: MIT
// `tfrun start` output: line integrity under load, partial lines, huge lines, JSON, colour, back-pressure.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string_view>

using namespace tfrun::test;

namespace {

RunOptions plain_text_in(const TempDir& dir) {
  RunOptions options;
  options.cwd = dir.path();
  options.env["TFRUN_COLOR"] = "never";
  return options;
}

// The text after "NAME | " on a line from `name`, or nullopt for other lines.
std::optional<std::string> payload_of(const std::string& line, const std::string& name) {
  const std::string head = name + " ";
  if (line.rfind(head, 0) != 0) {
    return std::nullopt;
  }
  const auto bar = line.find(" | ");
  if (bar == std::string::npos) {
    return std::nullopt;
  }
  return line.substr(bar + 3);
}

// Every generated line "ID:SEQ:LEN:xxx" of each process, grouped by process name in one pass.
std::map<std::string, std::vector<std::string_view>> generated_payloads(const std::string& out) {
  std::map<std::string, std::vector<std::string_view>> by_name;
  std::string_view rest = out;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const auto line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    const auto space = line.find(' ');
    const auto bar = line.find(" | ");
    if (space == std::string_view::npos || bar == std::string_view::npos) {
      continue;
    }
    const auto name = line.substr(0, space);
    const auto payload = line.substr(bar + 3);
    if (payload.size() > name.size() && payload.substr(0, name.size()) == name && payload[name.size()] == ':') {
      by_name[std::string(name)].push_back(payload);
    }
  }
  return by_name;
}

// Checks that `name` wrote exactly `count` lines "ID:SEQ:LEN:xxx" in order, each whole.
void check_generated_lines(const std::map<std::string, std::vector<std::string_view>>& payloads,
                           const std::string& name, int count) {
  int expected_seq = 0;
  int broken = 0;
  const auto found = payloads.find(name);
  const std::vector<std::string_view> none;
  for (const auto payload : found == payloads.end() ? none : found->second) {
    const auto seq_at = name.size() + 1;
    const auto length_at = payload.find(':', seq_at) + 1;
    const auto fill_at = payload.find(':', length_at) + 1;
    const int seq = std::stoi(std::string(payload.substr(seq_at, length_at - seq_at - 1)));
    const auto length = static_cast<std::size_t>(std::stoi(std::string(payload.substr(length_at))));
    const auto fill = payload.substr(fill_at);
    if (seq != expected_seq || fill.size() != length || fill.find_first_not_of('x') != std::string_view::npos) {
      ++broken;
    }
    expected_seq = seq + 1;
  }
  INFO(name);
  CHECK(broken == 0);
  CHECK(expected_seq == count);
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

// The integrity tests run twice: on pipes, and with --pty, where every instance writes to a terminal that
// turns "\n" into "\r\n" (docs/terminal.md).
std::vector<std::string> with_pty(std::vector<std::string> args, bool pty) {
  if (pty) {
    args.emplace_back("--pty");
  }
  return args;
}

} // namespace

TEST_CASE("16 busy children: every line arrives once, whole, prefixed, in order, with a huge and a partial line") {
  const bool pty = GENERATE(false, true);
  INFO("--pty: " << pty);
  TempDir dir;
  const int count = 50000;
  dir.write("Procfile", "g: exec " + test_child() + " lines $PS " + std::to_string(count) + " $PORT stay\n" +
                            "big: exec " + test_child() + " big 1048576 stay\n");
  Tfrun tfrun(with_pty({"start", "--no-timestamp", "g=16", "big=1"}, pty), plain_text_in(dir));
  REQUIRE(tfrun.wait_for_text_count("| done g.", 16, 120s));
  REQUIRE(tfrun.wait_for_line("^big\\.1 +\\| end-without-newline$", 10s)); // shown after the quiet period
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  const auto out = tfrun.out();
  const auto payloads = generated_payloads(out);
  for (int i = 1; i <= 16; ++i) {
    check_generated_lines(payloads, "g." + std::to_string(i), count);
  }
  const auto lines = tfrun.out_lines();
  int whole_big_lines = 0;
  for (const auto& line : lines) {
    if (const auto payload = payload_of(line, "big.1"); payload && *payload == std::string(1048576, 'B')) {
      ++whole_big_lines;
    }
  }
  CHECK(whole_big_lines == 1);
  CHECK(no_leftovers(tfrun.marker()));
}

TEST_CASE("a line longer than 1 MiB is split into marked chunks, never truncated") {
  const bool pty = GENERATE(false, true);
  INFO("--pty: " << pty);
  TempDir dir;
  dir.write("Procfile", "big: exec " + test_child() + " big 2500000 stay\n");
  Tfrun tfrun(with_pty({"start", "--no-timestamp"}, pty), plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^big\\.1 +\\| end-without-newline$", 20s));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  std::size_t total = 0;
  int chunks = 0;
  int continuations = 0;
  for (const auto& line : tfrun.out_lines()) {
    const auto bar = line.find_first_of("|+", 6);
    if (line.rfind("big.1", 0) == 0 && bar != std::string::npos && line[bar + 2] == 'B') {
      total += line.size() - bar - 2;
      ++chunks;
      continuations += line[bar] == '+' ? 1 : 0;
    }
  }
  CHECK(total == 2500000);
  CHECK(chunks == 3);
  CHECK(continuations == 2);
}

TEST_CASE("a partial line is shown after the quiet period and its continuation is marked") {
  TempDir dir;
  dir.write("Procfile",
            "p: exec " + test_child() + " slow-partial 800\nprompt: exec " + test_child() + " partial 'password: '\n");
  Tfrun tfrun({"start", "--no-timestamp", "--quiet-period", "300ms"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^prompt\\.1 +\\| password: $"));
  REQUIRE(tfrun.wait_for_line("^p\\.1 +\\| Loading\\.\\.\\.$"));
  REQUIRE(tfrun.wait_for_line("^p\\.1 +\\+  done$"));
  tfrun.send_signal(SIGINT);
  CHECK(tfrun.wait_for_exit() == 130);
}

TEST_CASE("the last lines of an exiting child and its unterminated last line are never lost") {
  const bool pty = GENERATE(false, true);
  INFO("--pty: " << pty);
  TempDir dir;
  dir.write("Procfile", "burst: " + test_child() + " lines $PS 20000 7; printf 'no newline at the end'\n");
  Tfrun tfrun(with_pty({"start", "--no-timestamp"}, pty), plain_text_in(dir));
  REQUIRE(tfrun.wait_for_exit() == 0);
  const auto out = tfrun.out();
  check_generated_lines(generated_payloads(out), "burst.1", 20000);
  const auto lines = tfrun.out_lines();
  CHECK(std::find(lines.begin(), lines.end(), "burst.1 | no newline at the end") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "system  | burst.1 exited with code 0") != lines.end());
}

TEST_CASE("JSON lines mode") {
  TempDir dir;
  dir.write("Procfile", "web: printf 'caf\\303\\251 \"quoted\" \\377\\n'; exec " + test_child() + " exit 0\n");
  Tfrun tfrun({"start", "--log-format", "json"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_exit() == 0);
  const auto out = tfrun.out();
  CHECK(out.find(R"("process":"web.1","type":"web","line":"café \"quoted\" \ufffd"})") != std::string::npos);
  CHECK(out.find(R"("process":"system","type":"system","line":"web.1 exited with code 0","system":true})") !=
        std::string::npos);
  const std::regex ts(R"(^\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",)");
  for (const auto& line : tfrun.out_lines()) {
    CHECK(std::regex_search(line, ts));
  }
}

TEST_CASE("colour: per-type palette, only the prefix, NO_COLOR and FORCE_COLOR") {
  TempDir dir;
  dir.write("Procfile", "a: exec " + test_child() + " print one\nb: exec " + test_child() + " print two\n");
  auto options = plain_text_in(dir);
  options.env.erase("TFRUN_COLOR");
  options.env["FORCE_COLOR"] = "1";
  options.env["NO_COLOR"] = "";
  const auto run_until_both_printed = [&](const std::vector<std::string>& args) {
    Tfrun tfrun(args, options);
    REQUIRE(tfrun.wait_for_line("one$"));
    REQUIRE(tfrun.wait_for_line("two$"));
    tfrun.send_signal(SIGTERM);
    REQUIRE(tfrun.wait_for_exit() == 143);
    return tfrun.out();
  };
  const auto forced = run_until_both_printed({"start", "--no-timestamp"});
  CHECK(forced.find("\x1b[36ma.1    |\x1b[0m one\n") != std::string::npos);
  CHECK(forced.find("\x1b[33mb.1    |\x1b[0m two\n") != std::string::npos);
  options.env["NO_COLOR"] = "1";
  CHECK(run_until_both_printed({"start", "--no-timestamp"}).find('\x1b') == std::string::npos);
  const auto raw = run_until_both_printed({"start", "--no-prefix", "--color", "always"});
  CHECK(raw.find("\none\n") != std::string::npos);
  CHECK(raw.find("\ntwo\n") != std::string::npos);
}

TEST_CASE("children get stdin /dev/null and no descriptor of tfrun's") {
  TempDir dir;
  dir.write("Procfile", "a: exec " + test_child() + " fds\nb: exec " + test_child() + " fds\n");
  Tfrun tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^a\\.1 +\\| fds 0 1 2$"));
  REQUIRE(tfrun.wait_for_line("^b\\.1 +\\| fds 0 1 2$"));
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
}

TEST_CASE("instances launched while tfrun holds many pipes see only 0 1 2, and each one's output ends with it") {
  // Launches share tfrun's descriptor table and place the pipe in a reserved low descriptor: that one must
  // be released after every launch, or an instance's output would never reach EOF and its stop never end.
  TempDir dir;
  dir.write("Procfile", "keep: exec " + test_child() + " report\na: exec " + test_child() + " fds\n");
  Tfrun tfrun({"start", "--no-timestamp", "-m", "keep=1,a=40"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_text_count("fds 0 1 2\n", 40));
  // Of each instance's pipe, tfrun holds the read end only.
  const auto link_of = [](const std::string& path) {
    std::error_code ignored;
    return std::filesystem::read_symlink(path, ignored).string();
  };
  std::map<std::string, int> tfrun_holds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(tfrun.pid()) + "/fd")) {
    ++tfrun_holds[link_of(entry.path())];
  }
  const auto listed = run_tfrun({"ps", "--json", "a"}, plain_text_in(dir)).out;
  const std::regex pid_field(R"("pid":(\d+))");
  int checked = 0;
  for (auto it = std::sregex_iterator(listed.begin(), listed.end(), pid_field); it != std::sregex_iterator(); ++it) {
    const auto pipe = link_of("/proc/" + (*it)[1].str() + "/fd/1");
    REQUIRE(pipe.starts_with("pipe:"));
    CHECK(tfrun_holds[pipe] == 1);
    ++checked;
  }
  CHECK(checked == 40);
  CHECK(run_tfrun({"stop", "a"}, plain_text_in(dir)).status == 0);
  REQUIRE(tfrun.wait_for_text_count("killed by SIGTERM", 40));
  const auto ps = run_tfrun({"ps", "--json", "a"}, plain_text_in(dir));
  CHECK(ps.status == 0);
  std::size_t stopped = 0;
  for (auto at = ps.out.find("\"state\":\"stopped\""); at != std::string::npos;
       at = ps.out.find("\"state\":\"stopped\"", at + 1)) {
    ++stopped;
  }
  CHECK(stopped == 40);
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(tfrun.out().find("fds 0 1 2 ") == std::string::npos); // nobody got a descriptor more
}

TEST_CASE("stdout closed early (tfrun start | head -1): tfrun stops promptly and stops every child") {
  TempDir dir;
  dir.write("Procfile", "chatty: while true; do echo chatter; done\nquiet: exec " + test_child() + " print hi\n");
  auto options = plain_text_in(dir);
  options.wrapper = {"sh", "-c", "\"$0\" \"$@\" | head -1"};
  Tfrun pipeline({"start"}, options);
  REQUIRE(pipeline.wait_for_exit(10s).has_value());
  CHECK(no_leftovers(pipeline.marker()));
  CHECK(pipeline.out_lines().size() == 1);
}

TEST_CASE("a slow reader: memory stays bounded and no line is lost") {
  const bool pty = GENERATE(false, true);
  INFO("--pty: " << pty);
  TempDir dir;
  dir.write("Procfile", "g: exec " + test_child() + " lines $PS 60000 $PORT stay\n");
  auto options = plain_text_in(dir);
  // Under AddressSanitizer freed blocks sit in a quarantine that inflates RSS; what is measured here is
  // tfrun's own backlog, so the quarantine is switched off (other builds ignore the variable).
  const char* asan = std::getenv("ASAN_OPTIONS");
  options.env["ASAN_OPTIONS"] =
      std::string(asan != nullptr ? asan : "") + ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0";
  Tfrun tfrun(with_pty({"start", "--no-timestamp", "g=4"}, pty), options);
  REQUIRE(tfrun.wait_for_line("g.4 started"));
  const long baseline = rss_kib(tfrun.pid()); // sanitizer builds start far larger than release builds
  tfrun.pause_reading(true);
  long peak = 0;
  // Watch tfrun's memory for a while the reader is paused and children have ~30 MB to write.
  for (int i = 0; i < 100; ++i) {
    peak = std::max(peak, rss_kib(tfrun.pid()));
    tfrun.idle_for(10ms);
  }
  tfrun.pause_reading(false);
  REQUIRE(tfrun.wait_for_text_count("| done g.", 4, 60s));
  tfrun.send_signal(SIGTERM);
  REQUIRE(tfrun.wait_for_exit() == 143);
  const auto out = tfrun.out();
  const auto payloads = generated_payloads(out);
  for (int i = 1; i <= 4; ++i) {
    check_generated_lines(payloads, "g." + std::to_string(i), 60000);
  }
  CHECK(baseline > 0);
  // KiB. The children write about 36 MB while the reader is paused; tfrun may only hold its capped backlog.
  CHECK(peak - baseline < 16 * 1024);
}
