// The subcommands as a user runs them: the real `roost` binary, its exit codes, files and
// messages; and `roost stats`.
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>

#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "migrate.hpp"
#include "ndjson_export.hpp"
#include "progress.hpp"
#include "storage/blocking.hpp"
#include "store_location.hpp"
#include "store_stats.hpp"

using namespace roost;
using namespace roost::app;
using namespace roost::testing;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

TEST_CASE("roost export, import and migrate from the command line", "[commands][process]") {
  temp_dir dir;
  std::size_t n = 0;
  {
    auto a = open_store(store_kind::sqlite, dir, "a");
    n = fill_varied(*a, 40);
  }
  const auto a = store_uri(store_kind::sqlite, dir, "a");
  const auto b = store_uri(store_kind::lmdb, dir, "b");
  const auto c = store_uri(store_kind::sqlite, dir, "c");
  const auto file = (dir / "out.ndjson").string();

  const auto exported = run_roost({"export", "--storage", a, "--output", file});
  INFO(exported.err);
  REQUIRE(exported.code() == 0);
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));
  const auto text = read_file(file);
  CHECK(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) == n);

  // To stdout, one timeline.
  const auto one = run_roost({"export", "--storage", a, "--timeline", "home"});
  CHECK(one.code() == 0);
  CHECK(std::count(one.out.begin(), one.out.end(), '\n') == 40);
  CHECK(text.find(one.out) != std::string::npos);

  const auto imported = run_roost({"import", "--storage", b, "--input", file});
  INFO(imported.err);
  REQUIRE(imported.code() == 0);
  CHECK_THAT(imported.err, Catch::Contains(app::group_digits(n) + " written"));
  const auto re_exported = run_roost({"export", "--storage", b});
  CHECK(re_exported.out == text);

  const auto migrated = run_roost({"migrate", "--from", b, "--to", c});
  INFO(migrated.err);
  REQUIRE(migrated.code() == 0);
  CHECK_THAT(migrated.err,
             Catch::Contains("both stores hold the same " + app::group_digits(n) + " statuses"));
  CHECK(run_roost({"export", "--storage", c}).out == text);

  // Migrating into a store that differs afterwards is reported and fails.
  {
    auto store = open_store_for_moving(store_location::parse(c), false);
    blocking::put_statuses(*store, {"only in c", put_mode::insert, {{{"id", "x"}}}});
  }
  const auto differs = run_roost({"migrate", "--from", b, "--to", c});
  CHECK(differs.code() == 1);
  CHECK_THAT(differs.err, Catch::Contains("timeline \"only in c\"") && Catch::Contains("differ"));
}

TEST_CASE("export writes into what --output names when it is not a regular file",
          "[commands][process]") {
  temp_dir dir;
  {
    auto a = open_store(store_kind::sqlite, dir, "a");
    fill_varied(*a, 5);
  }
  const auto a = store_uri(store_kind::sqlite, dir, "a");
  const auto expected = run_roost({"export", "--storage", a}).out;
  REQUIRE(!expected.empty());

  SECTION("a symbolic link stays a link; its file gets the export") {
    write_file(dir / "real.ndjson", "old");
    std::filesystem::create_symlink(dir / "real.ndjson", dir / "link.ndjson");
    CHECK(
        run_roost({"export", "--storage", a, "--output", (dir / "link.ndjson").string()}).code() ==
        0);
    CHECK(std::filesystem::is_symlink(dir / "link.ndjson"));
    CHECK(read_file(dir / "real.ndjson") == expected);
  }
  SECTION("a FIFO is written, not replaced") {
    const auto fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    roost_child child({"export", "--storage", a, "--output", fifo.string()});
    const auto got = read_file(fifo);  // opens once the child opens it for writing
    CHECK(child.wait() == 0);
    CHECK(got == expected);
    CHECK(std::filesystem::is_fifo(fifo));
  }
}

TEST_CASE("command-line mistakes and missing stores", "[commands][process]") {
  temp_dir dir;
  const auto missing = store_uri(store_kind::sqlite, dir, "missing");
  CHECK(run_roost({"export"}).code() == 2);
  CHECK(run_roost({"import", "--storage", "memory:", "--mode", "update"}).code() == 2);
  CHECK(run_roost({"import", "--storage", "memory:", "--batch-size", "0"}).code() == 2);
  CHECK(run_roost({"import", "--storage", "memory:", "--on-error", "ignore"}).code() == 2);
  CHECK(run_roost({"migrate", "--from", missing, "--to", missing}).code() == 2);
  const auto no_store = run_roost({"export", "--storage", missing});
  CHECK(no_store.code() == 1);
  CHECK_THAT(no_store.err, Catch::Contains("no store at"));
  CHECK_FALSE(std::filesystem::exists(dir / "missing.sqlite3"));  // not created
  CHECK(run_roost({"stats", "--storage", store_uri(store_kind::lmdb, dir, "nothing")}).code() == 1);
  CHECK(run_roost({"import", "--storage", "memory:", "--input", (dir / "none").string()}).code() ==
        1);
}

TEST_CASE("roost import refuses a file of random bytes without crashing", "[commands][process]") {
  temp_dir dir;
  std::string junk;
  for (int i = 0; i < 200000; ++i) junk += static_cast<char>((i * 7919 + i / 13) % 256);
  write_file(dir / "junk", junk);
  const auto uri = store_uri(store_kind::sqlite, dir, "t");
  const auto abort = run_roost({"import", "--storage", uri, "--input", (dir / "junk").string()});
  CHECK(abort.code() == 1);
  CHECK_THAT(abort.err, Catch::Contains("line 1: "));
  const auto skip = run_roost({"import", "--storage", uri, "--input", (dir / "junk").string(),
                               "--on-error", "skip", "--max-line-bytes", "1000"});
  CHECK(skip.code() == 0);
  CHECK_THAT(skip.err, Catch::Contains("0 written"));
  // Every message is printable: no raw control bytes reach the terminal.
  for (const char c : abort.err + skip.err)
    CHECK((c == '\n' || static_cast<unsigned char>(c) >= 0x20));
}

TEST_CASE("stats lists timelines, counts, unacked counts per level and the size", "[stats]") {
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  blocking::put_statuses(*store,
                         {"b",
                          put_mode::insert,
                          {{{"id", "1"}, {"busybird", {{"level", 2}}}},
                           {{"id", "2"}, {"busybird", {{"level", -1}}}},
                           {{"id", "3"}},
                           {{"id", "4"}, {"busybird", {{"acked_at", "2020-01-01T00:00:00Z"}}}}}});
  blocking::put_statuses(*store, {"a 日本", put_mode::insert, {{{"id", "x"}}}});
  auto stats = collect_stats(*store);
  REQUIRE(stats.timelines.size() == 2);
  CHECK(stats.timelines[0].name == "a 日本");
  CHECK(stats.timelines[1].statuses == 4);
  CHECK(stats.timelines[1].unacked.total == 3);
  CHECK(stats.statuses == 5);
  CHECK(stats.unacked == 4);
  const auto json = stats_json(stats);
  CHECK(json["timelines"][1]["unacked"] ==
        nlohmann::json{{"total", 3}, {"2", 1}, {"-1", 1}, {"0", 1}});
  CHECK(json["timelines"][1]["acked"] == 1);
  CHECK(json["bytes"].is_null());
  const auto text = stats_text(stats);
  CHECK_THAT(text, Catch::Contains("-1: 1, 0: 1, 2: 1"));
  CHECK_THAT(text, Catch::Contains("2 timelines, 5 statuses, 4 unacked"));
  CHECK_THAT(text, Catch::Contains("not stored on disk"));
}

TEST_CASE("roost stats on SQLite and LMDB stores reports their size", "[stats][process]") {
  for (const auto kind : {store_kind::sqlite, store_kind::lmdb}) {
    DYNAMIC_SECTION(kind_name(kind)) {
      temp_dir dir;
      std::size_t n = 0;
      {
        auto s = open_store(kind, dir, "s");
        n = fill_varied(*s, 30);
      }
      const auto uri = store_uri(kind, dir, "s");
      const auto r = run_roost({"stats", "--storage", uri, "--format", "json"});
      INFO(r.err);
      REQUIRE(r.code() == 0);
      const auto json = nlohmann::json::parse(r.out);
      CHECK(json["statuses"] == n);
      CHECK(json["timelines"].size() == 3);
      CHECK(json["bytes"].get<std::uint64_t>() > 0);
      const auto text = run_roost({"stats", "--storage", uri});
      CHECK(text.code() == 0);
      CHECK_THAT(text.out, Catch::Contains("3 timelines, " + std::to_string(n) + " statuses"));
      CHECK_THAT(text.out, Catch::Contains("size on disk: "));
    }
  }
}
