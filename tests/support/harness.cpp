// SPDX-License-Identifier: MIT
#include "harness.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace tfrun::test {

std::string tfrun_binary() { return TFRUN_TEST_BINARY; }
std::string test_child() { return TFRUN_TEST_CHILD; }

namespace {

std::string random_token() {
  static std::atomic<unsigned> counter{0};
  std::random_device device;
  return std::to_string(::getpid()) + "-" + std::to_string(device()) + "-" + std::to_string(counter++);
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto eq = text.find('=');
    if (eq != std::string::npos) {
      merged[text.substr(0, eq)] = text.substr(eq + 1);
    }
  }
  for (const auto& [name, value] : extra) {
    merged[name] = value;
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

} // namespace

TempDir::TempDir() {
  std::string pattern = std::filesystem::temp_directory_path().string() + "/tfrun-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  std::ofstream out(m_path + "/" + name, std::ios::binary);
  out << content;
}

RunOptions in_dir(const TempDir& dir) {
  RunOptions options;
  options.cwd = dir.path();
  return options;
}

Tfrun::Tfrun(const std::vector<std::string>& args, const RunOptions& options) : m_marker(random_token()) {
  std::vector<std::string> argv = options.wrapper;
  argv.push_back(tfrun_binary());
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = environment_with(options.env);
  env.push_back("TFRUN_TEST_MARKER=" + m_marker);
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  int terminal_slave = -1;
  if (options.terminal) {
    m_terminal = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_terminal < 0 || ::grantpt(m_terminal) != 0 || ::unlockpt(m_terminal) != 0) {
      throw std::runtime_error("cannot open a pseudo-terminal");
    }
    terminal_slave = ::open(::ptsname(m_terminal), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (terminal_slave < 0) {
      throw std::runtime_error("cannot open a pseudo-terminal's slave");
    }
    resize(options.terminal->first, options.terminal->second);
  }
  auto argv_c = c_strings(argv);
  auto env_c = c_strings(env);
  m_pid = ::fork();
  if (m_pid == 0) {
    if (terminal_slave >= 0) {
      ::setsid();
      ::ioctl(terminal_slave, TIOCSCTTY, 0);
    } else {
      ::setpgid(0, 0);
    }
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) {
      ::_exit(121);
    }
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(terminal_slave >= 0 ? terminal_slave : null_fd, STDIN_FILENO);
    if (terminal_slave >= 0) {
      ::dup2(terminal_slave, STDOUT_FILENO);
      ::dup2(terminal_slave, STDERR_FILENO);
    } else {
      ::dup2(options.pipe_stdout ? out_pipe[1] : null_fd, STDOUT_FILENO);
      ::dup2(options.separate_stderr ? err_pipe[1] : out_pipe[1], STDERR_FILENO);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execve(argv_c[0], argv_c.data(), env_c.data());
    if (errno == ENOENT) {
      ::execvpe(argv_c[0], argv_c.data(), env_c.data());
    }
    ::_exit(122);
  }
  if (terminal_slave < 0) {
    ::setpgid(m_pid, m_pid); // (a session leader's group is already its own, and setsid fails in a group leader)
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (terminal_slave >= 0) {
    ::close(terminal_slave);
    ::close(out_pipe[0]);
    // Read from a duplicate: the reader closes what it reads at EOF, and type() still needs the master.
    m_readers.emplace_back([this, fd = ::fcntl(m_terminal, F_DUPFD_CLOEXEC, 0)] { read_loop(fd, m_out, 0); });
  } else {
    m_readers.emplace_back(
        [this, fd = out_pipe[0], rate = options.stdout_bytes_per_second] { read_loop(fd, m_out, rate); });
  }
  m_readers.emplace_back([this, fd = err_pipe[0]] { read_loop(fd, m_err, 0); });
}

Tfrun::~Tfrun() {
  if (!m_status) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    wait_for_exit(5s);
  }
  pause_reading(false);
  for (auto& reader : m_readers) {
    reader.join();
  }
  // Anything the test left behind is killed so one failure does not poison the next tests.
  for (const pid_t pid : processes_with_marker(m_marker)) {
    ::kill(pid, SIGKILL);
  }
  if (m_terminal >= 0) {
    ::close(m_terminal);
  }
}

void Tfrun::type(const std::string& keys) const {
  std::size_t done = 0;
  while (done < keys.size()) {
    const auto wrote = ::write(m_terminal, keys.data() + done, keys.size() - done);
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote <= 0) {
      throw std::runtime_error("cannot type on tfrun's terminal");
    }
    done += static_cast<std::size_t>(wrote);
  }
}

bool Tfrun::wait_for_terminal_mode(bool raw, Seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    termios settings{};
    if (::tcgetattr(m_terminal, &settings) == 0 && ((settings.c_lflag & ICANON) == 0) == raw) {
      return true;
    }
    ::poll(nullptr, 0, 5); // the terminal's mode changes without an event the test could wait on
  }
  return false;
}

void Tfrun::cook_terminal() const {
  termios settings{};
  ::tcgetattr(m_terminal, &settings);
  settings.c_lflag |= ICANON | ECHO | ISIG;
  ::tcsetattr(m_terminal, TCSANOW, &settings);
}

void Tfrun::resize(unsigned short rows, unsigned short columns) const {
  struct winsize size {};
  size.ws_row = rows;
  size.ws_col = columns;
  if (::ioctl(m_terminal, TIOCSWINSZ, &size) != 0) {
    throw std::runtime_error("cannot resize tfrun's terminal");
  }
}

void Tfrun::read_loop(int fd, std::string& into, std::size_t bytes_per_second) {
  char buffer[65536];
  const std::size_t step = bytes_per_second == 0 ? sizeof buffer : 4096;
  while (true) {
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [this] { return !m_paused; });
    }
    const auto n = ::read(fd, buffer, step);
    if (n > 0 && bytes_per_second > 0) {
      // The pace of a slow consumer (a pager, a log shipper): this reader's behaviour, not a wait on tfrun.
      std::this_thread::sleep_for(std::chrono::duration<double>(static_cast<double>(n) / bytes_per_second));
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      const std::lock_guard lock(m_mutex);
      ++m_eof_count;
      m_changed.notify_all();
      break;
    }
    const std::lock_guard lock(m_mutex);
    into.append(buffer, static_cast<std::size_t>(n));
    m_changed.notify_all();
  }
  ::close(fd);
}

void Tfrun::pause_reading(bool paused) {
  const std::lock_guard lock(m_mutex);
  m_paused = paused;
  m_changed.notify_all();
}

std::optional<std::vector<std::string>> Tfrun::wait_for_line(const std::string& pattern, Seconds timeout) {
  const std::regex re(pattern);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(m_mutex);
  std::size_t scanned = 0;
  while (true) {
    // Only whole lines count.
    for (auto newline = m_out.find('\n', scanned); newline != std::string::npos; newline = m_out.find('\n', scanned)) {
      const std::string line = m_out.substr(scanned, newline - scanned);
      scanned = newline + 1;
      std::smatch match;
      if (std::regex_search(line, match, re)) {
        return std::vector<std::string>(match.begin(), match.end());
      }
    }
    if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      return std::nullopt;
    }
  }
}

bool Tfrun::wait_for_text_count(const std::string& needle, int count, Seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(m_mutex);
  std::size_t scanned = 0;
  int found = 0;
  while (true) {
    for (auto at = m_out.find(needle, scanned); at != std::string::npos; at = m_out.find(needle, scanned)) {
      scanned = at + needle.size();
      if (++found >= count) {
        return true;
      }
    }
    scanned = std::max(scanned, m_out.size() >= needle.size() ? m_out.size() - needle.size() + 1 : 0);
    if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      return false;
    }
  }
}

std::optional<int> Tfrun::wait_for_exit(Seconds timeout) {
  if (m_status) {
    return m_status;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t got = ::waitpid(m_pid, &status, WNOHANG);
    if (got == m_pid) {
      m_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      // Output written before exit is still in the pipes: wait for the readers to reach EOF, bounded.
      std::unique_lock lock(m_mutex);
      m_changed.wait_until(lock, std::chrono::steady_clock::now() + 5s,
                           [this] { return m_eof_count == static_cast<int>(m_readers.size()); });
      return m_status;
    }
    // Polling waitpid with a short pause: the test waits for an event with a deadline, not a fixed time.
    ::poll(nullptr, 0, 5);
  }
  return std::nullopt;
}

void Tfrun::send_signal(int sig) const { ::kill(m_pid, sig); }

void Tfrun::idle_for(Seconds duration) {
  std::unique_lock lock(m_mutex);
  const auto until = std::chrono::steady_clock::now() + duration;
  m_changed.wait_until(lock, until, [until] { return std::chrono::steady_clock::now() >= until; });
}

std::string Tfrun::out() const {
  const std::lock_guard lock(m_mutex);
  return m_out;
}

std::string Tfrun::err() const {
  const std::lock_guard lock(m_mutex);
  return m_err;
}

std::vector<std::string> Tfrun::out_lines() const {
  std::vector<std::string> lines;
  std::istringstream in(out());
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

std::vector<pid_t> processes_with_marker(const std::string& marker) {
  std::vector<pid_t> found;
  const std::string needle = "TFRUN_TEST_MARKER=" + marker;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return found;
  }
  while (const dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
      continue;
    }
    const std::string base = std::string("/proc/") + entry->d_name;
    std::ifstream stat(base + "/stat");
    std::string stat_line;
    std::getline(stat, stat_line);
    const auto close = stat_line.rfind(')');
    if (close == std::string::npos || close + 2 >= stat_line.size() || stat_line[close + 2] == 'Z') {
      continue;
    }
    std::ifstream environ_file(base + "/environ", std::ios::binary);
    std::stringstream content;
    content << environ_file.rdbuf();
    const std::string text = content.str();
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\0', start);
      if (end == std::string::npos) {
        end = text.size();
      }
      if (text.compare(start, end - start, needle) == 0) {
        found.push_back(static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10)));
        break;
      }
      start = end + 1;
    }
  }
  ::closedir(proc);
  return found;
}

bool no_leftovers(const std::string& marker, Seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (processes_with_marker(marker).empty()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    ::poll(nullptr, 0, 10);
  }
}

Finished run_tfrun(const std::vector<std::string>& args, const RunOptions& options, Seconds timeout) {
  Tfrun tfrun(args, options);
  const auto status = tfrun.wait_for_exit(timeout);
  Finished finished;
  finished.status = status.value_or(-1);
  finished.out = tfrun.out();
  finished.err = tfrun.err();
  return finished;
}

pid_t first_child(pid_t parent, const std::string& exe, Seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto wanted = exe.empty() ? std::filesystem::path() : std::filesystem::canonical(exe);
  const std::string children_path = "/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children";
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream children(children_path); // reopened each time: /proc files are not re-read after EOF
    pid_t pid = 0;
    std::error_code ec;
    if (children >> pid && pid > 0 &&
        (wanted.empty() || std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) == wanted)) {
      return pid;
    }
    ::poll(nullptr, 0, 1);
  }
  return -1;
}

int tfrun_status(const std::vector<std::string>& args, const std::string& cwd) {
  std::vector<std::string> argv{tfrun_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto argv_c = c_strings(argv);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    if (::chdir(cwd.c_str()) != 0) {
      ::_exit(121);
    }
    ::execv(argv_c[0], argv_c.data());
    ::_exit(122);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

bool runnable_by_others(const std::string& path) {
  for (auto dir = std::filesystem::path(path).parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0) {
      return false;
    }
  }
  return true;
}

bool unshare_available() { return std::system("unshare --pid --fork --mount-proc true >/dev/null 2>&1") == 0; }

} // namespace tfrun::test
