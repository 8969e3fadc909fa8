// `roost import --storage URI [--input FILE|-] [--mode insert|upsert] [--on-error abort|skip]`
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "command_support.hpp"
#include "data_commands.hpp"
#include "ndjson_import.hpp"
#include "store_location.hpp"

namespace roost::app {
namespace {

// The input's file descriptor, closed on scope exit unless it is stdin.
class input_file {
public:
  explicit input_file(const std::string& path) {
    if (path == "-") return;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  }
  ~input_file() {
    if (fd_ != STDIN_FILENO) ::close(fd_);
  }
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  int fd() const noexcept { return fd_; }

  // The size of a regular file, 0 for a pipe or a terminal.
  std::uint64_t size() const {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size)
                                                         : 0;
  }

private:
  int fd_ = STDIN_FILENO;
};

}  // namespace

int import_command(const std::vector<std::string>& args) {
  const flags f(args, {"storage", "input", "mode", "on-error", "batch-size", "max-line-bytes",
                       progress_interval_flag});
  const auto where = store_location::parse(required_flag(f, "storage"));
  import_options options;
  options.mode = mode_flag(f);
  options.on_error = on_error_flag(f);
  options.batch_size = count_flag(f, "batch-size", options.batch_size);
  const auto max_line = count_flag(f, "max-line-bytes", std::size_t{16} << 20);
  input_file in(f.get("input").value_or("-"));
  options.input_bytes = in.size();
  auto target = open_store_for_moving(where, false);
  terminal_run run("import", f);
  line_reader reader(in.fd(), max_line, [] { return interrupt_guard::requested(); });
  const auto result = import_ndjson(*target, reader, options, run.hooks());
  sync_to_disk(where);
  return run.conclude(result, "line",
                      "Run the same import again to finish: what is there already is skipped.");
}

}  // namespace roost::app
