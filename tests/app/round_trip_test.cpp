// Export -> import -> export gives the same bytes, and migrate copies a store exactly,
// for every pair of backends (memory, SQLite, LMDB).
#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "line_reader.hpp"
#include "migrate.hpp"
#include "ndjson_export.hpp"
#include "ndjson_import.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/storage_wrapper.hpp"

using namespace roost;
using namespace roost::app;
using namespace roost::testing;

namespace {

const store_kind all_kinds[] = {store_kind::memory, store_kind::sqlite, store_kind::lmdb};

import_result import_text(status_storage& target, std::string text, import_options options = {}) {
  line_reader reader(std::move(text), 1 << 20);
  return import_ndjson(target, reader, options, {});
}

// Every id of every timeline, in timeline order.
std::map<std::string, std::vector<std::string>> ids_of(status_storage& s) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& name : blocking::timeline_names(s))
    for (const auto& st :
         blocking::get_statuses(s, {.timeline = name, .count = status_count::all()}))
      out[name].push_back(*status_id(st));
  return out;
}

}  // namespace

TEST_CASE("export, import, export gives identical NDJSON for every pair of backends",
          "[round-trip]") {
  for (const auto from : all_kinds) {
    for (const auto to : all_kinds) {
      DYNAMIC_SECTION(kind_name(from) << " -> " << kind_name(to)) {
        temp_dir dir;
        auto a = open_store(from, dir, "a");
        const auto n = fill_varied(*a);
        const auto first = export_ndjson_string(*a);
        CHECK(static_cast<std::size_t>(std::count(first.begin(), first.end(), '\n')) == n);

        auto b = open_store(to, dir, "b");
        const auto imported = import_text(*b, first, {.batch_size = 64});
        REQUIRE(imported.outcome == run_outcome::completed);
        CHECK(imported.totals.written == n);
        CHECK(imported.totals.invalid == 0);
        const auto second = export_ndjson_string(*b);
        CHECK(second == first);
        CHECK(compare_stores(*a, *b).same());
        CHECK(ids_of(*a) == ids_of(*b));

        // Importing again (insert) writes nothing; upsert rewrites the same bytes.
        const auto again = import_text(*b, first);
        CHECK(again.totals.written == 0);
        CHECK(again.totals.unchanged == n);
        const auto upserted = import_text(*b, first, {.mode = put_mode::upsert});
        CHECK(upserted.totals.written == n);
        CHECK(export_ndjson_string(*b) == first);
      }
    }
  }
}

TEST_CASE("export of chosen timelines, in the order given", "[round-trip]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  fill_varied(*a, 10);
  const auto text = export_ndjson_string(*a, {"with space/and slash", "home", "no such timeline"});
  const auto home = text.find("{\"timeline\":\"home\"");
  const auto slash = text.find("{\"timeline\":\"with space/and slash\"");
  REQUIRE(home != std::string::npos);
  CHECK(slash < home);
  CHECK(text.find("日本語") == std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 20);
}

TEST_CASE("export pages through long timelines without losing or repeating", "[round-trip]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  std::vector<status> many;
  for (int i = 0; i < 2500; ++i)
    many.push_back({{"id", i}, {"created_at", "2020-01-01T00:00:00Z"}});
  blocking::put_statuses(*a, {"t", put_mode::insert, many});
  std::string out;
  std::size_t pages = 0;
  const auto r = export_ndjson(
      *a, {},
      [&](std::string_view chunk) {
        out += chunk;
        ++pages;
      },
      {}, 0, 100);
  CHECK(r.statuses == 2500);
  CHECK(pages == 25);
  auto b = make_memory_storage({.limits = {.soft_max = 0}});
  import_text(*b, out);
  CHECK(ids_of(*a) == ids_of(*b));
}

TEST_CASE("a stopped export ends between pages", "[round-trip]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  fill_varied(*a, 50);
  std::size_t pages = 0;
  run_hooks hooks;
  hooks.progress = [&](std::size_t, double) { ++pages; };
  hooks.stop_requested = [&] { return pages == 2; };
  std::string out;
  const auto r = export_ndjson(
      *a, {}, [&](std::string_view chunk) { out += chunk; }, hooks, 0, 10);
  CHECK(r.stopped);
  CHECK(r.statuses == 20);
  CHECK(std::count(out.begin(), out.end(), '\n') == 20);
}

TEST_CASE("export notices a timeline changed while it was read", "[round-trip]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  fill_varied(*a, 50);
  run_hooks hooks;
  hooks.progress = [&](std::size_t, double) {
    blocking::put_statuses(*a, {"home", put_mode::insert, {{{"id", "late"}}}});
  };
  CHECK_THROWS_WITH(export_ndjson(
                        *a, {"home"}, [](std::string_view) {}, hooks, 0, 10),
                    Catch::Contains("changed while it was exported"));
}

TEST_CASE("migrate copies every pair of backends and the check agrees", "[migrate]") {
  for (const auto from : all_kinds) {
    for (const auto to : all_kinds) {
      DYNAMIC_SECTION(kind_name(from) << " -> " << kind_name(to)) {
        temp_dir dir;
        auto a = open_store(from, dir, "a");
        const auto n = fill_varied(*a);
        auto b = open_store(to, dir, "b");
        const auto result = migrate_statuses(*a, *b, {.batch_size = 70}, {});
        REQUIRE(result.outcome == run_outcome::completed);
        CHECK(result.read == n);
        CHECK(result.totals.written == n);
        CHECK(result.timelines == 3);
        const auto cmp = compare_stores(*a, *b);
        CHECK(cmp.same());
        CHECK(cmp.statuses == n);
        CHECK(cmp.timelines == 3);
        const auto verified = verify_migration(*a, *b, result);
        CHECK(verified.same());
        CHECK(verified.statuses == n);
        CHECK(result.copied.size() == 3);
        CHECK(export_ndjson_string(*a) == export_ndjson_string(*b));
        for (const auto& name : blocking::timeline_names(*a))
          CHECK(blocking::get_unacked_counts(*a, name) == blocking::get_unacked_counts(*b, name));
      }
    }
  }
}

namespace {

// A source whose store returns one damaged text: the third status of timeline "bad".
class damaging_storage : public storage_wrapper {
public:
  using storage_wrapper::storage_wrapper;

protected:
  void do_get_statuses(prepared_get request, texts_callback done) override {
    const bool bad = request.timeline == "bad";
    storage_wrapper::do_get_statuses(
        std::move(request),
        [bad, done = std::move(done)](const storage_error& error, std::vector<std::string> texts) {
          if (bad && texts.size() > 2) texts[2] = texts[2].substr(0, texts[2].size() / 2);
          done(error, std::move(texts));
        });
  }
};

}  // namespace

TEST_CASE("migrate stops at a damaged source status and writes none of its batch",
          "[migrate][errors]") {
  auto inner = make_memory_storage();
  std::vector<status> statuses;
  for (int i = 0; i < 5; ++i) statuses.push_back({{"id", "s" + std::to_string(i)}});
  blocking::put_statuses(*inner, {"bad", put_mode::insert, statuses});
  blocking::put_statuses(*inner, {"a-good", put_mode::insert, statuses});
  damaging_storage source(*inner);
  auto target = make_memory_storage();
  CHECK_THROWS_WITH(migrate_statuses(source, *target, {}, {}),
                    Catch::Contains("timeline \"bad\" is damaged") &&
                        Catch::Contains("status text 2 of the request") &&
                        Catch::Contains("not valid JSON"));
  // "a-good" comes first and was copied whole; nothing of "bad" was written.
  CHECK(blocking::timeline_names(*target) == std::vector<std::string>{"a-good"});
}

TEST_CASE("a stopped migration resumes without duplicates", "[migrate]") {
  temp_dir dir;
  auto a = open_store(store_kind::sqlite, dir, "a");
  const auto n = fill_varied(*a, 200);
  auto b = open_store(store_kind::lmdb, dir, "b");
  int batches = 0;
  run_hooks hooks;
  hooks.progress = [&](std::size_t, double) { ++batches; };
  hooks.stop_requested = [&] { return batches >= 4; };
  const auto first = migrate_statuses(*a, *b, {.batch_size = 50}, hooks);
  CHECK(first.outcome == run_outcome::stopped);
  CHECK(first.totals.written == 200);
  CHECK_FALSE(compare_stores(*a, *b).same());
  const auto second = migrate_statuses(*a, *b, {.batch_size = 50}, {});
  CHECK(second.outcome == run_outcome::completed);
  CHECK(second.totals.written == n - 200);
  CHECK(second.totals.unchanged == 200);
  CHECK(compare_stores(*a, *b).same());
}

TEST_CASE("the check after a migration trusts only an unchanged source", "[migrate]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  auto b = make_memory_storage({.limits = {.soft_max = 0}});
  fill_varied(*a, 30);
  const auto copied = migrate_statuses(*a, *b, {}, {});
  REQUIRE(verify_migration(*a, *b, copied).same());

  SECTION("a change in the target") {
    blocking::delete_statuses(*b, {"home", delete_selection::ids({"s5"})});
    const auto v = verify_migration(*a, *b, copied);
    CHECK_FALSE(v.same());
    CHECK(v.differences[0] == "timeline \"home\": 30 statuses in the source, 29 in the target");
  }
  SECTION("a change in the source after the copy") {
    blocking::put_statuses(*a, {"home", put_mode::insert, {{{"id", "new"}}}});
    const auto v = verify_migration(*a, *b, copied);
    CHECK_FALSE(v.same());
    CHECK(v.differences[1] == "timeline \"home\": 1 only in the source: \"new\"");
  }
  SECTION("a source timeline changed back to equal content still compares equal") {
    blocking::delete_statuses(*a, {"home", delete_selection::ids({"s5"})});
    blocking::delete_statuses(*b, {"home", delete_selection::ids({"s5"})});
    CHECK(verify_migration(*a, *b, copied).same());  // compared in full: revision moved
  }
}

TEST_CASE("the comparison reports what differs", "[migrate]") {
  auto a = make_memory_storage({.limits = {.soft_max = 0}});
  auto b = make_memory_storage({.limits = {.soft_max = 0}});
  fill_varied(*a, 30);
  migrate_statuses(*a, *b, {}, {});
  REQUIRE(compare_stores(*a, *b).same());

  SECTION("a missing status") {
    blocking::delete_statuses(*b, {"home", delete_selection::ids({"s5"})});
    const auto cmp = compare_stores(*a, *b);
    CHECK_FALSE(cmp.same());
    REQUIRE(cmp.differences.size() == 3);  // the third: unacked counts
    CHECK(cmp.differences[0] ==
          "timeline \"home\": 30 statuses in the first store, 29 in the second store");
    CHECK(cmp.differences[1] == "timeline \"home\": 1 only in the first store: \"s5\"");
  }
  SECTION("an ack") {
    blocking::ack_statuses(*b, {.timeline = "home", .ids = std::vector<std::string>{"s5"}});
    const auto cmp = compare_stores(*a, *b);
    REQUIRE(cmp.differences.size() == 3);
    CHECK_THAT(cmp.differences[1], Catch::EndsWith("1 differ in content: \"s5\""));
    CHECK_THAT(cmp.differences[2], Catch::Contains("unacked counts differ"));
  }
  SECTION("a changed content under the same id") {
    auto s = blocking::get_statuses(*b, {.timeline = "home", .count = status_count::of(1)}).front();
    s["text"] = "edited";
    blocking::put_statuses(*b, {"home", put_mode::update, {s}});
    const auto cmp = compare_stores(*a, *b);
    REQUIRE(cmp.differences.size() == 2);
    CHECK_THAT(cmp.differences[1], Catch::Contains("1 differ in content"));
  }
  SECTION("an extra timeline") {
    blocking::put_statuses(*b, {"extra", put_mode::insert, {{{"id", "x"}}}});
    const auto cmp = compare_stores(*a, *b);
    CHECK_FALSE(cmp.same());
    CHECK_THAT(cmp.differences[0], Catch::Contains("timeline \"extra\""));
  }
}
