#include "child_process.hpp"

#include <cerrno>
#include <csignal>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace roost::testing {

child_process::child_process(const std::string& executable, const std::vector<std::string>& args,
                             child_options options) {
  int out[2], err[2] = {-1, -1};
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  if (options.capture_stderr) REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
  // Built before fork: the child may only call async-signal-safe functions.
  std::vector<std::string> argv_strings{executable};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    if (options.capture_stderr) ::dup2(err[1], STDERR_FILENO);
    if (options.as_uid && (::setgid(*options.as_uid) != 0 || ::setuid(*options.as_uid) != 0))
      ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  out_.fd = out[0];
  if (options.capture_stderr) {
    ::close(err[1]);
    err_.fd = err[0];
  }
}

child_process::~child_process() {
  if (pid_ > 0) kill();
  for (const int fd : {out_.fd, err_.fd})
    if (fd >= 0) ::close(fd);
}

std::optional<std::string> child_process::line_pipe::next_line() {
  for (;;) {
    const auto newline = buffer.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      return line;
    }
    char chunk[4096];
    const ssize_t n = fd < 0 ? 0 : ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (buffer.empty()) return std::nullopt;
      return std::exchange(buffer, {});  // a last line without newline
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> child_process::read_line() { return out_.next_line(); }

std::optional<std::string> child_process::read_stderr_line() { return err_.next_line(); }

std::string child_process::read_rest() {
  std::string rest = std::exchange(out_.buffer, {});
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(out_.fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return rest;
    rest.append(chunk, static_cast<std::size_t>(n));
  }
}

void child_process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void child_process::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait();
}

int child_process::wait(std::string* rest_of_stderr) {
  if (rest_of_stderr)
    while (auto line = err_.next_line()) *rest_of_stderr += *line + "\n";
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1000;
}

}  // namespace roost::testing
