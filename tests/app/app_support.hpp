// Shared by the tests of the data-moving commands: stores of every kind in a temporary
// directory, generated statuses, and running the real `roost` binary as a child process.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../support/child_process.hpp"
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

/// The `roost` binary with `args` as a child process, its stdout and stderr on pipes
/// (the tests follow roost's progress lines on stderr).
class roost_child : public child_process {
public:
  explicit roost_child(const std::vector<std::string>& args)
      : child_process(roost_binary(), args, child_options{.capture_stderr = true}) {}
};

/// Runs `roost args...` to completion; returns its exit code, stdout and stderr.
struct run_output {
  int exit_code = 0;  ///< the exit code, or -signal when killed by a signal
  std::string out, err;
  int code() const { return exit_code; }
};
run_output run_roost(const std::vector<std::string>& args);

}  // namespace roost::testing
