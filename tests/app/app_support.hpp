// Shared by the tests of the data-moving commands: stores of every kind in a temporary
// directory, generated statuses, and running the real `roost` binary as a child process.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "storage/memory_storage.hpp"
#include "storage/status_storage.hpp"

namespace roost::testing {

/// The three bundled backends.
enum class store_kind { memory, sqlite, lmdb };

const char* kind_name(store_kind k);

/// The URI of a store of `kind` called `name` inside `dir` ("memory:" for memory).
std::string store_uri(store_kind kind, const temp_dir& dir, const std::string& name);

/// Opens (creating) that store, truncation off, as the commands do.
std::unique_ptr<status_storage> open_store(store_kind kind, const temp_dir& dir,
                                           const std::string& name);

/// Puts a varied set of statuses into `s`: several timelines (one with a Unicode name,
/// one with spaces and a slash), every timestamp format, levels from -2 to 3, nested
/// fields, numbers, escapes; then acks some through the store. Returns how many.
std::size_t fill_varied(status_storage& s, std::size_t per_timeline = 150);

/// `n` NDJSON lines of small statuses over `timelines` timelines (grouped by timeline, as
/// export writes them), ids unique.
std::string generated_ndjson(std::size_t n, std::size_t timelines = 3);

/// Writes `bytes` to `path`.
void write_file(const std::filesystem::path& path, const std::string& bytes);

/// The `roost` binary under test.
std::string roost_binary();

/// A child process running the `roost` binary with `args`, its stderr and stdout on pipes
/// the test reads (tests/support/child_process.hpp reads a helper's stdout only; these
/// tests follow roost's progress lines on stderr).
class roost_child {
public:
  explicit roost_child(const std::vector<std::string>& args);
  ~roost_child();
  roost_child(const roost_child&) = delete;
  roost_child& operator=(const roost_child&) = delete;

  /// The next line of its stderr, nullopt at the end.
  std::optional<std::string> next_stderr_line();

  /// All that remains of stdout.
  std::string read_stdout();

  /// Sends `sig`.
  void signal(int sig);

  /// Reads the rest of stderr (appending it to `rest` when given) and waits for the
  /// exit; returns the raw waitpid status.
  int wait(std::string* rest = nullptr);

private:
  pid_t pid_ = -1;
  std::FILE* err_ = nullptr;
  std::FILE* out_ = nullptr;
  bool waited_ = false;
};

/// Runs `roost args...` to completion; returns (exit status as from waitpid, stdout, stderr).
struct run_output {
  int status = 0;
  std::string out, err;
  /// The exit code, or -signal when killed by a signal.
  int code() const;
};
run_output run_roost(const std::vector<std::string>& args);

}  // namespace roost::testing
