// A child process running a test helper program, with its standard output as a pipe:
// crash tests read what the child reports line by line, then SIGKILL it mid-work.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace roost::testing {

class child_process {
public:
  /// Starts `executable` with `args`; when `as_uid` is set the child drops to that user
  /// and group first (REQUIRES root). The child only execs: it never touches the
  /// parent's open stores.
  child_process(const std::string& executable, const std::vector<std::string>& args,
                std::optional<uid_t> as_uid = std::nullopt);
  /// Kills (SIGKILL) and reaps the child if it still runs.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The next line the child wrote, without its newline; nullopt at the end of output.
  std::optional<std::string> read_line();
  /// Sends SIGKILL and reaps the child.
  void kill();
  /// Waits for the child to exit; returns its exit code, or -signal when killed.
  int wait();

  pid_t pid() const noexcept { return pid_; }

private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

}  // namespace roost::testing
