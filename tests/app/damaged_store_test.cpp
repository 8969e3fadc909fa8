// Damaged and read-only stores through the real `roost` binary: stats, export, check
// and serve on files cut short, emptied or scribbled over, for SQLite and LMDB. No
// command may crash (a signal), each refuses with exit code 1 and a message naming the
// file, and the reading commands never write: the damaged file stays byte for byte.
// Then stores on read-only media, and `roost check` on sound stores.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support/file_damage.hpp"
#include "app_support.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// The file a store's data lives in.
std::filesystem::path data_file(store_kind kind, const std::string& uri) {
  const std::filesystem::path path = uri.substr(uri.find(':') + 1);
  return kind == store_kind::lmdb ? path / "data.mdb" : path;
}

// Runs `executable args...` (as `uid` when set) to completion.
run_output run(const std::string& executable, const std::vector<std::string>& args,
               std::optional<uid_t> uid = std::nullopt) {
  child_process child(executable, args, child_options{.as_uid = uid, .capture_stderr = true});
  run_output out;
  std::thread reader([&] { out.out = child.read_rest(); });
  out.exit_code = child.wait(&out.err);
  reader.join();
  return out;
}

enum class damage { cut_in_half, emptied, scribbled };

const char* damage_name(damage d) {
  switch (d) {
    case damage::cut_in_half: return "cut in half";
    case damage::emptied: return "emptied";
    case damage::scribbled: return "16 KiB of garbage in the middle";
  }
  return "?";
}

void apply(damage d, const std::filesystem::path& file) {
  const auto size = std::filesystem::file_size(file);
  switch (d) {
    case damage::cut_in_half: std::filesystem::resize_file(file, size / 2); return;
    case damage::emptied: std::filesystem::resize_file(file, 0); return;
    case damage::scribbled: {
      write_at(file, size / 2 / 4096 * 4096, garbage(16384, 7));
      return;
    }
  }
}

// A store with enough statuses to span hundreds of pages.
std::string make_store(store_kind kind, const temp_dir& dir) {
  {
    auto s = open_store(kind, dir, "s");
    fill_varied(*s, 400);
  }
  return store_uri(kind, dir, "s");
}

}  // namespace

TEST_CASE("reading commands and serve refuse damaged stores without crashing",
          "[commands][process][damage]") {
  for (const auto kind : {store_kind::sqlite, store_kind::lmdb}) {
    for (const auto d : {damage::cut_in_half, damage::emptied, damage::scribbled}) {
      DYNAMIC_SECTION(kind_name(kind) << ", " << damage_name(d)) {
        temp_dir dir;
        const auto uri = make_store(kind, dir);
        const auto file = data_file(kind, uri);
        apply(d, file);
        const auto damaged = read_all(file);
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"stats", "--storage", uri},
              std::vector<std::string>{"export", "--storage", uri, "--output",
                                       (dir / "out").string()},
              std::vector<std::string>{"check", "--storage", uri},
              std::vector<std::string>{"migrate", "--from", uri, "--to",
                                       store_uri(store_kind::sqlite, dir, "target")}}) {
          INFO("roost " << args[0]);
          const auto r = run_roost(args);
          INFO(r.out << r.err);
          CHECK(r.code() == 1);  // not a signal (negative), not success
          CHECK_THAT(r.out + r.err, Catch::Contains(file.string()) || Catch::Contains(uri));
          CHECK_THAT(r.out + r.err, Catch::Contains("damaged") || Catch::Contains("empty") ||
                                        Catch::Contains("cut short"));
          CHECK(read_all(file) == damaged);
        }
        CHECK_FALSE(std::filesystem::exists(dir / "out"));
        CHECK_FALSE(std::filesystem::exists(dir / "target.sqlite3"));
        if (kind == store_kind::lmdb || d != damage::emptied) {
          // serve refuses to start on it (an empty SQLite file is a new, empty database
          // to SQLite, so serve may take it). `timeout` keeps a server that started
          // anyway from hanging the test.
          const auto r = run("/usr/bin/timeout", {"20", roost_binary(), "serve", "--storage", uri,
                                                  "--listen", "127.0.0.1:0"});
          INFO(r.out << r.err);
          CHECK(r.code() == 1);
          CHECK_THAT(r.err, Catch::Contains(file.string()) &&
                                (Catch::Contains("roost check") || Catch::Contains("Restore")));
          CHECK(read_all(file) == damaged);
        }
      }
    }
  }
}

TEST_CASE("roost check passes sound stores and names what it read", "[commands][process][check]") {
  for (const auto kind : {store_kind::sqlite, store_kind::lmdb}) {
    DYNAMIC_SECTION(kind_name(kind)) {
      temp_dir dir;
      const auto uri = make_store(kind, dir);
      const auto before = read_all(data_file(kind, uri));
      const auto r = run_roost({"check", "--storage", uri});
      INFO(r.out << r.err);
      CHECK(r.code() == 0);
      CHECK_THAT(r.out, Catch::Contains("read 3 timelines, 1200 statuses") &&
                            Catch::Contains("ok: no problems found"));
      CHECK(read_all(data_file(kind, uri)) == before);
    }
  }
  CHECK(run_roost({"check", "--storage", "memory:"}).code() == 0);
  temp_dir dir;
  const auto missing = run_roost({"check", "--storage", store_uri(store_kind::lmdb, dir, "none")});
  CHECK(missing.code() == 1);
  CHECK_THAT(missing.err, Catch::Contains("no store at"));
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("reading commands work on read-only media and create nothing",
          "[commands][process][read-only]") {
  // Root may write anywhere; the commands then run as an unprivileged user.
  const std::optional<uid_t> as = ::geteuid() == 0 ? std::optional<uid_t>(65534) : std::nullopt;
  for (const auto kind : {store_kind::sqlite, store_kind::lmdb}) {
    for (const bool read_only_dir : {true, false}) {
      DYNAMIC_SECTION(kind_name(kind)
                      << (read_only_dir ? ", read-only directory" : ", read-only file")) {
        temp_dir dir;
        ::chmod(dir.path().c_str(), 0755);
        const auto uri = make_store(kind, dir);
        const auto file = data_file(kind, uri);
        const auto store_dir = kind == store_kind::lmdb ? file.parent_path() : dir.path();
        // LMDB readers need the reader table in lock.mdb: in a read-only directory it
        // must exist already (LMDB made it when the store was written) and be writable.
        if (kind == store_kind::lmdb) ::chmod((store_dir / "lock.mdb").c_str(), 0666);
        ::chmod(file.c_str(), 0444);
        if (read_only_dir) ::chmod(store_dir.c_str(), 0555);
        std::vector<std::string> before;
        for (const auto& e : std::filesystem::directory_iterator(store_dir))
          before.push_back(e.path().filename());
        const auto bytes = read_all(file);

        const auto stats = run(roost_binary(), {"stats", "--storage", uri, "--format", "json"}, as);
        INFO(stats.err);
        CHECK(stats.code() == 0);
        if (stats.code() == 0) CHECK(nlohmann::json::parse(stats.out)["statuses"] == 1200);
        const auto exported = run(roost_binary(), {"export", "--storage", uri}, as);
        INFO(exported.err);
        CHECK(exported.code() == 0);
        CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 1200);
        CHECK(run(roost_binary(), {"check", "--storage", uri}, as).code() == 0);

        std::vector<std::string> after;
        for (const auto& e : std::filesystem::directory_iterator(store_dir))
          after.push_back(e.path().filename());
        std::sort(before.begin(), before.end());
        std::sort(after.begin(), after.end());
        CHECK(after == before);
        CHECK(read_all(file) == bytes);
        ::chmod(store_dir.c_str(), 0755);
      }
    }
  }
}

TEST_CASE("reading commands work on a read-only file system", "[commands][process][read-only]") {
  temp_dir dir;
  const auto source = dir / "source";
  const auto media = dir / "media";
  std::filesystem::create_directories(source);
  std::filesystem::create_directories(media);
  temp_dir stores;
  make_store(store_kind::sqlite, stores);
  make_store(store_kind::lmdb, stores);
  std::filesystem::copy(stores / "s.sqlite3", source / "s.sqlite3");
  std::filesystem::create_directory(source / "s.lmdb");
  // Without lock.mdb, as a copy of the data alone: LMDB then reads without locks.
  std::filesystem::copy(stores / "s.lmdb" / "data.mdb", source / "s.lmdb" / "data.mdb");
  // A read-only bind mount (root only).
  if (::geteuid() != 0 || ::mount(source.c_str(), media.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    WARN("skipped: a read-only bind mount needs root");
    return;
  }
  const bool read_only =
      ::mount(nullptr, media.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
  if (read_only) {
    for (const auto& uri :
         {"sqlite:" + (media / "s.sqlite3").string(), "lmdb:" + (media / "s.lmdb").string()}) {
      INFO(uri);
      const auto stats = run_roost({"stats", "--storage", uri, "--format", "json"});
      INFO(stats.err);
      CHECK(stats.code() == 0);
      if (stats.code() == 0) CHECK(nlohmann::json::parse(stats.out)["statuses"] == 1200);
      const auto exported = run_roost({"export", "--storage", uri});
      CHECK(exported.code() == 0);
      CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 1200);
      CHECK(run_roost({"check", "--storage", uri}).code() == 0);
    }
  }
  ::umount2(media.c_str(), MNT_DETACH);
  REQUIRE(read_only);
  CHECK_FALSE(std::filesystem::exists(source / "s.lmdb" / "lock.mdb"));
}
