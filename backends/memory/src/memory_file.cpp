// save() and load() of memory_storage.
//
// File format: {"format": "roost-memory", "version": 1, "timelines": [
//   {"name": "...", "revision": N, "statuses": [ {...}, ... ]}, ... ],
//  "settings": [ {"key": "...", "value": "..." or null, "version": N}, ... ]}
// with statuses newest first. "settings" is optional (files saved before settings existed
// have none) and older programs ignore it, so it did not need a new format version; a
// removed setting is kept with a null value so that its version survives. Saving copies each stored
// JSON text straight into the file; loading validates every status exactly as put_statuses does,
// because the file is input from outside like any other.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "memory_state.hpp"
#include "storage/json_input.hpp"

namespace roost {
namespace {

constexpr const char* format_name = "roost-memory";
constexpr int format_version = 1;

[[noreturn]] void fail(errc code, const std::filesystem::path& path, const std::string& what) {
  throw storage_failure(storage_error(code, "memory store file " + path.string() + ": " + what));
}

// Writes `bytes` to `path` and flushes them to disk before returning.
void write_synced(const std::filesystem::path& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(errc::io_error, path, std::string("cannot create: ") + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      fail(errc::io_error, path, std::string("cannot write: ") + std::strerror(err));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail(errc::io_error, path, std::string("cannot flush: ") + std::strerror(err));
  }
  ::close(fd);
}

// Makes a rename inside `dir` durable.
void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already flushed
  ::fsync(fd);
  ::close(fd);
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(errc::io_error, path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail(errc::io_error, path, "cannot read");
  return std::move(buffer).str();
}

}  // namespace

void memory_storage::save(const std::filesystem::path& path) const {
  std::string out;
  {
    std::shared_lock lock(state_->mutex);
    out += "{\"format\":\"" + std::string(format_name) +
           "\",\"version\":" + std::to_string(format_version) + ",\"timelines\":[";
    bool first_timeline = true;
    for (const auto& [name, tl] : state_->timelines) {
      if (!first_timeline) out += ',';
      first_timeline = false;
      out += "{\"name\":" + nlohmann::json(name).dump() +
             ",\"revision\":" + std::to_string(tl.revision()) + ",\"statuses\":[";
      bool first_status = true;
      tl.for_each([&](const std::string& json) {
        if (!first_status) out += ',';
        first_status = false;
        out += json;
      });
      out += "]}";
    }
    out += "],\"settings\":[";
    bool first_setting = true;
    for (const auto& [key, value] : state_->settings) {
      if (!first_setting) out += ',';
      first_setting = false;
      out += "{\"key\":" + nlohmann::json(key).dump() + ",\"value\":" +
             (value.value ? nlohmann::json(*value.value).dump() : std::string("null")) +
             ",\"version\":" + std::to_string(value.version) + "}";
    }
    out += "]}\n";
  }
  auto temporary = path;
  temporary += ".tmp";
  write_synced(temporary, out);
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    fail(errc::io_error, path, "cannot replace: " + ec.message());
  }
  sync_directory(path.parent_path());
}

void memory_storage::load(const std::filesystem::path& path) {
  // Everything is built aside and swapped in at the end; on any error the store is
  // emptied, so a damaged file never leaves a half-loaded store behind.
  decltype(state_->timelines) loaded;
  decltype(state_->settings) loaded_settings;
  try {
    // A status sits four levels down: the file's object, "timelines", a timeline, "statuses".
    nlohmann::json doc;
    try {
      doc = parse_json_input(read_all(path), max_status_depth, "the file", 4);
    } catch (const invalid_request& e) {
      fail(errc::corrupt, path, e.what());
    }
    if (!doc.is_object() || doc.value("format", "") != format_name)
      fail(errc::corrupt, path, "not a Roost memory store file");
    if (!doc.contains("version") || !doc["version"].is_number_integer())
      fail(errc::corrupt, path, "\"version\" is missing");
    if (doc["version"].get<std::int64_t>() > format_version)
      fail(errc::unsupported, path,
           "written by a newer format version " + doc["version"].dump() + ", this program reads " +
               std::to_string(format_version));
    const auto& timelines = doc.at("timelines");
    if (!timelines.is_array()) fail(errc::corrupt, path, "\"timelines\" must be an array");
    for (const auto& t : timelines) {
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string() ||
          !t.contains("statuses") || !t["statuses"].is_array())
        fail(errc::corrupt, path,
             "a timeline entry needs a string \"name\" and a \"statuses\" array");
      const auto name = t["name"].get<std::string>();
      std::vector<prepared_status> statuses;
      statuses.reserve(t["statuses"].size());
      try {
        validate_timeline_name(name);
        for (const auto& s : t["statuses"]) statuses.push_back(prepare_status(s));
      } catch (const invalid_request& e) {
        fail(errc::corrupt, path, "timeline \"" + name + "\": " + e.what());
      }
      auto& tl = loaded[name];
      // Truncation is off while loading: the file holds what was kept before.
      const std::size_t expected = statuses.size();
      tl.put(put_mode::upsert, statuses, storage_limits{.soft_max = 0});
      if (tl.size() != expected)
        fail(errc::corrupt, path, "timeline \"" + name + "\" holds duplicate ids");
      // The change log is not saved: the timeline resumes at its saved revision with an
      // empty log, so a reader's older cursor gets stale_cursor and resyncs.
      const auto revision = t.value("revision", std::uint64_t{0});
      tl.restart_log_at(std::max<std::uint64_t>(revision, 1));
    }
    if (doc.contains("settings")) {
      const auto& settings = doc["settings"];
      if (!settings.is_array()) fail(errc::corrupt, path, "\"settings\" must be an array");
      for (const auto& e : settings) {
        if (!e.is_object() || !e.contains("key") || !e["key"].is_string() ||
            !e.contains("version") || !e["version"].is_number_unsigned() ||
            e["version"].get<std::uint64_t>() == 0 ||
            !(e.value("value", nlohmann::json()).is_null() || e["value"].is_string()))
          fail(errc::corrupt, path,
               "a setting entry needs a string \"key\", a string or null \"value\" and a "
               "positive \"version\"");
        put_setting_request r{e["key"].get<std::string>(), std::nullopt, 0};
        if (e.contains("value") && e["value"].is_string()) r.value = e["value"].get<std::string>();
        try {
          validate_put_setting(r);
        } catch (const invalid_request& x) {
          fail(errc::corrupt, path, "setting \"" + r.key + "\": " + x.what());
        }
        if (!loaded_settings
                 .try_emplace(r.key, setting{std::move(r.value), e["version"].get<std::uint64_t>()})
                 .second)
          fail(errc::corrupt, path, "setting \"" + r.key + "\" appears twice");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    std::unique_lock lock(state_->mutex);
    state_->timelines.clear();
    state_->settings.clear();
    fail(errc::corrupt, path, "not a valid store file: " + json_exception_text(e));
  } catch (...) {
    std::unique_lock lock(state_->mutex);
    state_->timelines.clear();
    state_->settings.clear();
    throw;
  }
  std::unique_lock lock(state_->mutex);
  state_->timelines = std::move(loaded);
  state_->settings = std::move(loaded_settings);
}

}  // namespace roost
