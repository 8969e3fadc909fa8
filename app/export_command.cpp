// `roost export --storage URI [--timeline NAME ...] [--output FILE|-]`
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "command_support.hpp"
#include "data_commands.hpp"
#include "ndjson_export.hpp"
#include "progress.hpp"
#include "storage/blocking.hpp"
#include "store_location.hpp"

namespace roost::app {
namespace {

// The output: stdout; or a new or regular FILE, written under a temporary name and
// renamed over FILE only when the export is complete, so that an interrupted export never
// looks finished; or anything else FILE names (a device such as /dev/null, a FIFO, a
// symbolic link), written in place: renaming over it would replace it.
class output {
public:
  explicit output(const std::string& path) : path_(path == "-" ? "" : path) {
    if (path_.empty()) return;
    struct stat st {};
    const bool replaceable =
        ::lstat(path_.c_str(), &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
    const auto& target = replaceable ? (partial_ = path_ + ".partial") : path_;
    fd_ = ::open(target.c_str(),
                 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (replaceable ? O_NOFOLLOW : 0), 0644);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + target);
  }
  ~output() {
    if (!path_.empty() && fd_ >= 0) {
      ::close(fd_);
      if (!partial_.empty()) ::unlink(partial_.c_str());
    }
  }
  output(const output&) = delete;
  output& operator=(const output&) = delete;

  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;  // Ctrl-C is handled between pages
        throw std::system_error(errno, std::generic_category(),
                                "writing " + (path_.empty() ? std::string("stdout") : path_));
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // True when an unfinished export leaves nothing behind (a temporary file).
  bool discards_unfinished() const noexcept { return !partial_.empty(); }

  void commit() {
    if (path_.empty()) return;
    const int fd = std::exchange(fd_, -1);
    if (partial_.empty()) {
      if (::close(fd) != 0)
        throw std::system_error(errno, std::generic_category(), "writing " + path_);
      return;
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      const int e = errno;
      ::unlink(partial_.c_str());
      throw std::system_error(e, std::generic_category(), "writing " + partial_);
    }
    if (std::rename(partial_.c_str(), path_.c_str()) != 0) {
      const int e = errno;
      ::unlink(partial_.c_str());
      throw std::system_error(e, std::generic_category(), "renaming " + partial_);
    }
  }

private:
  std::string path_, partial_;
  int fd_ = STDOUT_FILENO;
};

// A timeline asked for by name must be there: an export of nothing that exits 0 hides a
// typo until the backup is needed. Checked before the output is created.
void require_timelines(status_storage& source, const store_location& where,
                       const std::vector<std::string>& wanted) {
  if (wanted.empty()) return;
  const auto names = blocking::timeline_names(source);
  std::vector<std::string> missing;
  for (const auto& name : wanted)
    if (std::find(names.begin(), names.end(), name) == names.end())
      missing.push_back(nlohmann::json(name).dump());
  if (missing.empty()) return;
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  std::string have;
  for (const auto& n : names) have += (have.empty() ? "" : ", ") + nlohmann::json(n).dump();
  throw std::runtime_error("no timeline " + list + " in " + where.uri + " (it has " +
                           (have.empty() ? std::string("none") : have) + "); nothing was written");
}

}  // namespace

int export_command(const std::vector<std::string>& args) {
  const flags f(args, {"storage", "timeline", "output", progress_interval_flag}, {"timeline"});
  const auto where = store_location::parse(required_flag(f, "storage"));
  const auto timelines = f.all("timeline");
  auto source = open_store_for_moving(where, true);
  require_timelines(*source, where, timelines);
  output out(f.get("output").value_or("-"));
  terminal_run run("export", f);
  const auto total = run.worth_counting() ? count_all_statuses(*source, timelines) : 0;
  const auto result = export_ndjson(
      *source, timelines, [&](std::string_view chunk) { out.write(chunk); }, run.hooks(), total);
  if (result.stopped) {
    run.say("interrupted after " + group_digits(result.statuses) +
            " statuses; the output is incomplete" +
            (out.discards_unfinished() ? " and was removed" : ""));
    return terminal_run::stopped_exit_code();
  }
  out.commit();
  run.say("done: " + group_digits(result.statuses) + " statuses of " +
          group_digits(result.timelines) + " timelines");
  return 0;
}

}  // namespace roost::app
