#include "app_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "storage/blocking.hpp"
#include "store_location.hpp"

namespace roost::testing {

const char* kind_name(store_kind k) {
  switch (k) {
    case store_kind::memory: return "memory";
    case store_kind::sqlite: return "sqlite";
    case store_kind::lmdb: return "lmdb";
  }
  return "?";
}

std::string store_uri(store_kind kind, const temp_dir& dir, const std::string& name) {
  switch (kind) {
    case store_kind::memory: return "memory:";
    case store_kind::sqlite: return "sqlite:" + (dir / (name + ".sqlite3")).string();
    case store_kind::lmdb: return "lmdb:" + (dir / (name + ".lmdb")).string();
  }
  return {};
}

std::unique_ptr<status_storage> open_store(store_kind kind, const temp_dir& dir,
                                           const std::string& name) {
  return app::open_store_for_moving(app::store_location::parse(store_uri(kind, dir, name)), false);
}

std::size_t fill_varied(status_storage& s, std::size_t per_timeline) {
  const std::vector<std::string> timelines = {"home", "日本語のタイムライン 🐦",
                                              "with space/and slash"};
  const std::vector<std::string> created = {"Thu May 16 12:56:23 +0000 2013",
                                            "2013-05-16T21:56:23+09:00", "2013-05-16T12:56:23.125Z",
                                            "Thu, 16 May 2013 12:56:23 GMT"};
  std::size_t total = 0;
  for (std::size_t t = 0; t < timelines.size(); ++t) {
    std::vector<status> batch;
    for (std::size_t i = 0; i < per_timeline; ++i) {
      status st = {{"id", "s" + std::to_string(i) + (i % 7 == 0 ? " ünïcödé/id" : "")},
                   {"text", "status " + std::to_string(i) + " \"quoted\" \\ tab\t ∑ 🐦"},
                   {"user", {{"screen_name", "user" + std::to_string(i % 5)}}},
                   {"numbers", {1, -2, 3.25, 1e100, nullptr, true}},
                   {"busybird", {{"level", static_cast<int>(i % 6) - 2}}}};
      if (i % 11 != 0) st["created_at"] = created[i % created.size()];
      if (i % 13 == 0) st["busybird"]["acked_at"] = "Fri May 17 00:00:00 +0000 2013";
      if (i % 17 == 0) st["id"] = static_cast<int>(100000 + i);  // an integer id
      batch.push_back(std::move(st));
    }
    total += blocking::put_statuses(s, {timelines[t], put_mode::insert, std::move(batch)});
    // Some acks made by the store itself (Twitter style, now).
    blocking::ack_statuses(
        s, {.timeline = timelines[t], .ids = std::vector<std::string>{"s1", "s2", "s3"}});
  }
  return total;
}

std::string generated_ndjson(std::size_t n, std::size_t timelines) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = i * timelines / n;  // grouped by timeline, as export writes them
    status st = {{"id", std::to_string(i)},
                 {"created_at", "2020-01-01T00:00:00Z"},
                 {"text", "generated status number " + std::to_string(i)},
                 {"busybird", {{"level", static_cast<int>(i % 3)}}}};
    if (i % 4 == 0) st["busybird"]["acked_at"] = "2020-01-02T00:00:00Z";
    out += nlohmann::json{{"timeline", "timeline " + std::to_string(t)}, {"status", st}}.dump();
    out += '\n';
  }
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string roost_binary() { return ROOST_BINARY; }

run_output run_roost(const std::vector<std::string>& args) {
  roost_child child(args);
  run_output out;
  // Both pipes at once, so that a child writing much to one never waits for the other.
  std::thread reader([&] { out.out = child.read_rest(); });
  out.exit_code = child.wait(&out.err);
  reader.join();
  return out;
}

}  // namespace roost::testing
