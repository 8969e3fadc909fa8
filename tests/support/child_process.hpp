// A child process running a test helper program or the `roost` binary, with its standard
// output (and, on request, its standard error) as pipes: crash tests read what the child
// reports line by line, then kill it mid-work; command tests follow progress on stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace roost::testing {

/// How a child_process starts.
struct child_options {
  /// Drop to this user and group before exec (REQUIRES root).
  std::optional<uid_t> as_uid;
  /// Give the child's stderr to the test as a second pipe (else it is the test's own).
  bool capture_stderr = false;
};

class child_process {
public:
  /// Starts `executable` with `args`, its stdin on /dev/null. The child only execs: it
  /// never touches the parent's open stores.
  child_process(const std::string& executable, const std::vector<std::string>& args,
                child_options options = {});
  /// As above, dropping to `as_uid` when it is set.
  child_process(const std::string& executable, const std::vector<std::string>& args,
                std::optional<uid_t> as_uid)
      : child_process(executable, args, child_options{.as_uid = as_uid}) {}
  /// Kills (SIGKILL) and reaps the child if it still runs.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// The next line the child wrote to stdout, without its newline; nullopt at the end.
  std::optional<std::string> read_line();
  /// All that remains of stdout, up to its end.
  std::string read_rest();
  /// The next line of stderr (REQUIRES capture_stderr); nullopt at the end.
  std::optional<std::string> read_stderr_line();

  /// Sends `sig` without waiting.
  void signal(int sig);
  /// Sends SIGKILL and reaps the child.
  void kill();
  /// Waits for the child to exit, first reading the rest of a captured stderr into
  /// `rest_of_stderr` when given (so that a child blocked on a full pipe can finish).
  /// Returns its exit code, or -signal when killed by a signal.
  int wait(std::string* rest_of_stderr = nullptr);

  pid_t pid() const noexcept { return pid_; }

private:
  struct line_pipe {
    int fd = -1;
    std::string buffer;
    std::optional<std::string> next_line();
  };

  pid_t pid_ = -1;
  line_pipe out_, err_;
};

}  // namespace roost::testing
