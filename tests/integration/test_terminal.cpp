// SPDX-License-Identifier: MIT
// `tfrun start --pty` and `tfrun attach` (docs/terminal.md), driven as a user would: tfrun on a terminal the
// test opens, instances on terminals of their own, and an attach client typing into one of them.
#include "../support/harness.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <memory>

using namespace tfrun::test;

namespace {

std::string child(const std::string& mode) { return "exec " + test_child() + " " + mode; }

RunOptions plain_text_in(const TempDir& dir) {
  RunOptions options = in_dir(dir);
  options.env["TFRUN_COLOR"] = "never";
  return options;
}

RunOptions on_terminal(const TempDir& dir, unsigned short rows, unsigned short columns) {
  RunOptions options = plain_text_in(dir);
  options.terminal = std::pair{rows, columns};
  return options;
}

void stop(Tfrun& tfrun) {
  tfrun.send_signal(SIGTERM);
  CHECK(tfrun.wait_for_exit() == 143);
  CHECK(no_leftovers(tfrun.marker()));
}

} // namespace

TEST_CASE("start --pty: a child that colours only on a terminal shows its colours: without it, none") {
  TempDir dir;
  dir.write("Procfile", "c: " + child("color-if-tty") + "\n");
  const auto with = run_tfrun({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  CHECK(with.status == 0);
  CHECK(with.out.find("c.1    | \x1b[31mhello\x1b[0m\n") != std::string::npos);
  const auto without = run_tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
  CHECK(without.status == 0);
  CHECK(without.out.find("c.1    | hello (no tty)\n") != std::string::npos);
}

TEST_CASE("start --pty: no carriage return reaches the output: a progress bar is one line, its last state") {
  TempDir dir;
  dir.write("Procfile", "p: " + child("progress 3000") + "\n");
  const auto finished = run_tfrun({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  CHECK(finished.status == 0);
  CHECK(finished.out.find('\r') == std::string::npos);
  CHECK(finished.out.find("p.1    | progress 3000/3000\np.1    | done\n") != std::string::npos);
  CHECK(finished.out.find("progress 2999/3000") == std::string::npos);
}

TEST_CASE("start --pty: cursor movement never reaches the output, colours do") {
  TempDir dir;
  // Node's readline: erase, then the prompt at column 1; a window title; a backspace.
  dir.write("Procfile",
            "p: printf 'connecting...\\033[1G\\033[0Kdebug> \\033]0;title\\007\\033[32mok\\033[0m!\\b\\n'\n");
  const auto finished = run_tfrun({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  CHECK(finished.status == 0);
  CHECK(finished.out.find("p.1    | debug> \x1b[32mok\x1b[0m\n") != std::string::npos);
}

TEST_CASE("start --pty: tfrun logs shows an instance's lines as its output does, without carriage returns") {
  TempDir dir;
  dir.write("Procfile", "p: " + child("progress 50 stay") + "\n");
  Tfrun tfrun({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(tfrun.wait_for_line("^p\\.1 +\\| done$"));
  const auto logs = run_tfrun({"logs", "p.1"}, in_dir(dir));
  CHECK(logs.status == 0);
  CHECK(logs.out == "p.1 | progress 50/50\np.1 | done\n");
  stop(tfrun);
}

TEST_CASE("start --pty: each instance's terminal is tfrun's width less the prefix, and follows a resize") {
  TempDir dir;
  dir.write("Procfile", "w: " + child("winch") + "\n");
  // "HH:MM:SS w.1    | " is 18 columns: 100 - 18 = 82.
  Tfrun tfrun({"start", "--pty"}, on_terminal(dir, 30, 100));
  REQUIRE(tfrun.wait_for_line("w\\.1 +\\| size 30 82 tty"));
  tfrun.resize(40, 150);
  const bool resized = tfrun.wait_for_line("w\\.1 +\\| size 40 132 tty").has_value();
  INFO(tfrun.out());
  REQUIRE(resized);
  tfrun.resize(10, 25); // narrower than the prefix leaves room for: 20 columns still
  REQUIRE(tfrun.wait_for_line("w\\.1 +\\| size 10 20 tty"));
  stop(tfrun);
}

TEST_CASE("without --pty, SIGWINCH still reaches every instance as before") {
  TempDir dir;
  dir.write("Procfile", "w: " + child("winch") + "\n");
  Tfrun tfrun({"start"}, on_terminal(dir, 30, 100));
  REQUIRE(tfrun.wait_for_line("w\\.1 +\\| size 0 0 pipe"));
  tfrun.resize(40, 150);
  REQUIRE(tfrun.wait_for_text_count("size 0 0 pipe", 2));
  stop(tfrun);
}

TEST_CASE("attach: type into a child blocked on input, see it answered, detach, the formation runs on") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\nother: " + child("report") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $")); // the prompt, after the quiet period
  Tfrun client({"attach", "ask.1"}, on_terminal(dir, 24, 90));
  REQUIRE(client.wait_for_text_count("Your name? ", 1)); // the backlog: the prompt is on the screen at once
  REQUIRE(formation.wait_for_line("^system +\\| attach ask\\.1 \\(uid \\d+, pid \\d+\\)$"));
  client.type("Ada\r");
  REQUIRE(client.wait_for_text_count("Hello, Ada\r\n", 1));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Hello, Ada$")); // the multiplexed stream has it too
  client.type("\x1d");                                           // Ctrl-]
  REQUIRE(client.wait_for_exit() == 0);
  CHECK(client.out().find("detached from ask.1") != std::string::npos);
  REQUIRE(formation.wait_for_line("^system +\\| detach ask\\.1 "));
  const auto ps = run_tfrun({"ps", "ask.1", "other.1"}, in_dir(dir));
  CHECK(ps.status == 0);
  CHECK(std::count(ps.out.begin(), ps.out.end(), '\n') == 3); // header and two running rows
  CHECK(ps.out.find("running") != std::string::npos);
  stop(formation);
}

TEST_CASE("attach: Ctrl-Z reaches the program as a key and does not stop it") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $"));
  Tfrun client({"attach", "ask.1"}, on_terminal(dir, 24, 80));
  REQUIRE(client.wait_for_text_count("Your name? ", 1));
  client.type("\x1aZed\r");
  REQUIRE(client.wait_for_text_count("Hello, \x1aZed\r\n", 1));
  client.type("\x1d");
  CHECK(client.wait_for_exit() == 0);
  stop(formation);
}

TEST_CASE("attach: a closed stdout ends the attachment cleanly instead of killing the client") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $"));
  auto options = on_terminal(dir, 24, 80);
  // Its stdout a pipe whose reader is gone: the backlog cannot be shown.
  options.wrapper = {"bash", "-c", "set -o pipefail; \"$0\" \"$@\" | true"};
  Tfrun client({"attach", "ask.1"}, options);
  CHECK(client.wait_for_exit() == 0);
  CHECK(client.out().find("detached from ask.1") != std::string::npos);
  REQUIRE(formation.wait_for_line("^system +\\| detach ask\\.1 "));
  stop(formation);
}

TEST_CASE("attach: python's input() on its terminal answers what is typed") {
  TempDir dir;
  dir.write("Procfile", "py: python3 -c 'import time; name = input(\"Your name? \"); print(\"Hello, \" + name, "
                        "flush=True); time.sleep(600)'\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^py\\.1 +\\| Your name\\? $"));
  Tfrun client({"attach", "py"}, on_terminal(dir, 24, 80));
  REQUIRE(client.wait_for_text_count("Your name? ", 1));
  client.type("Grace\r");
  REQUIRE(client.wait_for_text_count("Hello, Grace", 1));
  REQUIRE(formation.wait_for_line("^py\\.1 +\\| Hello, Grace$"));
  client.type("\x1d");
  CHECK(client.wait_for_exit() == 0);
  stop(formation);
}

TEST_CASE("attach: the client's window is the instance's while attached, the formation's after") {
  TempDir dir;
  dir.write("Procfile", "w: " + child("winch") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^w\\.1 +\\| size 24 80 tty$")); // no terminal on tfrun's side: 80x24
  Tfrun client({"attach", "w.1"}, on_terminal(dir, 33, 111));
  REQUIRE(formation.wait_for_line("^w\\.1 +\\| size 33 111 tty$"));
  client.resize(35, 120);
  REQUIRE(formation.wait_for_line("^w\\.1 +\\| size 35 120 tty$"));
  client.send_signal(SIGTERM);
  CHECK(client.wait_for_exit() == 143);
  REQUIRE(formation.wait_for_text_count("size 24 80 tty", 2));
  stop(formation);
}

TEST_CASE("attach: input from a pipe is typed, and the end of it detaches") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $"));
  dir.write("input", "Grace\n");
  const auto client = run_tfrun({"attach", "ask.1"}, [&] {
    auto options = in_dir(dir);
    options.wrapper = {"sh", "-c", "exec \"$0\" \"$@\" < input"};
    return options;
  }());
  CHECK(client.status == 0);
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Hello, Grace$"));
  stop(formation);
}

TEST_CASE("attach: keys an instance never reads are bounded in tfrun, and neither side ever blocks") {
  TempDir dir;
  dir.write("Procfile", "deaf: " + child("report") + "\n"); // never reads its stdin
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^deaf\\.1 +\\| ready"));
  Tfrun client({"attach", "deaf.1"}, on_terminal(dir, 24, 80));
  REQUIRE(client.wait_for_text_count("attached to deaf.1", 1));
  client.type(std::string(2 * 1024 * 1024, 'y')); // a paste far larger than the terminal takes
  REQUIRE(client.wait_for_text_count("deaf.1 is not reading what is typed: what comes past 64 KiB is dropped", 1));
  client.type("\x1d"); // the client never blocked: it still sees its detach key
  CHECK(client.wait_for_exit() == 0);
  // The instance is free for the next client at once.
  Tfrun next({"attach", "deaf.1"}, on_terminal(dir, 24, 80));
  REQUIRE(next.wait_for_text_count("attached to deaf.1", 1));
  next.type("\x1d");
  CHECK(next.wait_for_exit() == 0);
  stop(formation);
}

TEST_CASE("attach: stopped with SIGTSTP the client puts the terminal back, and continued it takes it again") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $"));
  Tfrun client({"attach", "ask.1"}, on_terminal(dir, 24, 80));
  REQUIRE(client.wait_for_terminal_mode(true));
  client.send_signal(SIGTSTP);
  REQUIRE(client.wait_for_terminal_mode(false)); // as the shell needs it while the client is stopped
  client.send_signal(SIGCONT);
  REQUIRE(client.wait_for_terminal_mode(true));
  // Stopped by SIGSTOP (no chance to put the terminal back), the shell's settings put back meanwhile.
  client.send_signal(SIGSTOP);
  client.cook_terminal();
  client.send_signal(SIGCONT);
  REQUIRE(client.wait_for_terminal_mode(true));
  client.type("\x1d");
  CHECK(client.wait_for_exit() == 0);
  CHECK(client.wait_for_terminal_mode(false));
  stop(formation);
}

TEST_CASE("attach: the formation stopping ends the attachment with status 0") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("^ask\\.1 +\\| Your name\\? $"));
  Tfrun client({"attach", "ask.1"}, on_terminal(dir, 24, 80));
  REQUIRE(client.wait_for_text_count("Your name? ", 1));
  formation.send_signal(SIGTERM);
  CHECK(formation.wait_for_exit() == 143);
  CHECK(client.wait_for_exit() == 0);
  CHECK(client.out().find("the formation closed the connection (it stopped)") != std::string::npos);
  CHECK(no_leftovers(formation.marker()));
}

TEST_CASE("attach: refused with a clear message and status for no terminal, a second client, a wrong name") {
  TempDir dir;
  dir.write("Procfile", "ask: " + child("ask") + "\nplain: " + child("report") + "\n");
  dir.write("tfrun.toml", "[process.ask]\npty = true\n");
  // tfrun.toml's pty applies only on a terminal: tfrun runs on one here.
  Tfrun formation({"start", "--no-timestamp", "-m", "ask=1,plain=2"}, on_terminal(dir, 24, 120));
  REQUIRE(formation.wait_for_line("ask\\.1 +\\| Your name\\? "));

  const auto no_terminal = run_tfrun({"attach", "plain.1"}, in_dir(dir));
  CHECK(no_terminal.status == 69);
  CHECK(no_terminal.err.find("plain.1 has no terminal to attach to: start the formation with --pty, or set "
                             "pty = true in [process.plain] of tfrun.toml") != std::string::npos);

  const auto two = run_tfrun({"attach", "plain"}, in_dir(dir));
  CHECK(two.status == 64);
  CHECK(two.err.find("names 2 (plain.1, plain.2): name one") != std::string::npos);

  const auto unknown = run_tfrun({"attach", "nope.1"}, in_dir(dir));
  CHECK(unknown.status == 64);
  CHECK(unknown.err.find("no instance or type matches 'nope.1'") != std::string::npos);

  Tfrun first({"attach", "ask"}, on_terminal(dir, 24, 80)); // a type with one instance names it
  REQUIRE(first.wait_for_text_count("attached to ask.1", 1));
  const auto second = run_tfrun({"attach", "ask.1"}, in_dir(dir));
  CHECK(second.status == 75);
  CHECK(second.err.find("ask.1 is attached by another client (uid ") != std::string::npos);
  first.type("\x1d");
  CHECK(first.wait_for_exit() == 0);
  stop(formation);
}

TEST_CASE("attach: a client that does not read is dropped: the instance and the formation never wait for it") {
  TempDir dir;
  dir.write("Procfile", "g: exec " + test_child() + " lines $PS 200000 $PORT stay\n");
  Tfrun formation({"start", "--no-timestamp", "--pty"}, plain_text_in(dir));
  REQUIRE(formation.wait_for_line("g\\.1 started"));
  // On a terminal nobody reads: the client blocks on its screen, and reads the formation no more.
  Tfrun client({"attach", "g.1"}, on_terminal(dir, 24, 80));
  client.pause_reading(true);
  REQUIRE(
      formation.wait_for_line("^system +\\| control: dropped the client attached to g\\.1 \\(uid \\d+, pid \\d+\\), "
                              "too slow to read its output$",
                              60s));
  REQUIRE(formation.wait_for_text_count("| done g.1", 1, 60s));
  client.pause_reading(false);
  CHECK(client.wait_for_exit() == 75);
  // Said by the formation when its reason reached the client, else by the client, which finds it running.
  CHECK(client.out().find("did not read g.1's output fast enough") != std::string::npos);
  stop(formation);
}

TEST_CASE("check --json shows what tfrun.toml asks of each type's terminal") {
  TempDir dir;
  dir.write("Procfile", "a: x\nb: y\n");
  dir.write("tfrun.toml", "pty = true\n[process.b]\npty = false\n");
  const auto json = run_tfrun({"check", "--json"}, in_dir(dir));
  CHECK(json.status == 0);
  const auto processes = json.out.find(R"("processes":)");
  REQUIRE(processes != std::string::npos);
  const auto a = json.out.find(R"({"type":"a",)", processes);
  const auto b = json.out.find(R"({"type":"b",)", processes);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(json.out.find(R"("pty":true)", a) < b);
  CHECK(json.out.find(R"("pty":false)", b) != std::string::npos);
}

TEST_CASE("tfrun.toml's pty is not applied without a terminal or with JSON logs: --no-pty overrides it") {
  TempDir dir;
  dir.write("Procfile", "c: " + child("color-if-tty") + "\n");
  dir.write("tfrun.toml", "pty = true\n");
  const auto piped = run_tfrun({"start", "--no-timestamp"}, plain_text_in(dir));
  CHECK(piped.out.find("hello (no tty)") != std::string::npos);
  Tfrun json({"start", "--log-format", "json"}, on_terminal(dir, 24, 100));
  CHECK(json.wait_for_exit() == 0);
  CHECK(json.out().find("hello (no tty)") != std::string::npos);
  Tfrun off({"start", "--no-pty"}, on_terminal(dir, 24, 100));
  CHECK(off.wait_for_exit() == 0);
  CHECK(off.out().find("hello (no tty)") != std::string::npos);
  Tfrun on({"start"}, on_terminal(dir, 24, 100));
  CHECK(on.wait_for_exit() == 0);
  CHECK(on.out().find("\x1b[31mhello") != std::string::npos);
}

TEST_CASE("start --pty: an instance on a terminal gets no terminal hints, one on a pipe does") {
  TempDir dir;
  dir.write("Procfile", "e: echo \"force=${FORCE_COLOR-unset} clicolor=${CLICOLOR_FORCE-unset}\"\n");
  auto options = in_dir(dir);
  options.wrapper = {"env", "-u", "FORCE_COLOR", "-u", "CLICOLOR_FORCE", "-u", "NO_COLOR"};
  const auto on_pty = run_tfrun({"start", "--color", "always", "--no-prefix", "--pty"}, options);
  CHECK(on_pty.status == 0);
  CHECK(on_pty.out.find("force=unset clicolor=unset") != std::string::npos);
  const auto on_pipe = run_tfrun({"start", "--color", "always", "--no-prefix"}, options);
  CHECK(on_pipe.status == 0);
  CHECK(on_pipe.out.find("force=1 clicolor=1") != std::string::npos);
}
