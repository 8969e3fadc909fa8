// The change log of the LMDB backend beyond the conformance suite (which checks its
// semantics): it lives in the environment (reopen), a store of format version 1 is
// upgraded in place and continues its revisions, retention deletes what it prunes, and a
// hole in the log is reported, never skipped. The crash and two-process cases are in
// lmdb_process_test.cpp, a write failing at the map ceiling in lmdb_storage_test.cpp.
#include <lmdb++.h>
#include <catch2/catch.hpp>

#include "key_codec.hpp"
#include "lmdb_support.hpp"
#include "records.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
namespace fmt = roost::detail::lmdb_format;

namespace {

const timestamp ack_time = *parse_timestamp("2021-03-04T05:06:07Z");

bool is_stale(const storage_error& e) { return e.code() == make_error_code(errc::stale_cursor); }

std::size_t put(status_storage& s, const std::string& timeline, std::vector<status> statuses,
                put_mode mode = put_mode::insert) {
  return blocking::put_statuses(s, {timeline, mode, std::move(statuses)});
}

// The environment in `dir` through plain LMDB, for changing a closed store from outside.
// REQUIRES: no storage of this process has it open.
struct raw_env {
  explicit raw_env(const std::filesystem::path& dir) : env(lmdb::env::create()) {
    env.set_max_dbs(8);
    env.open(dir.c_str(), 0, 0644);
  }
  lmdb::env env;
};

MDB_val val(std::string_view s) { return {s.size(), const_cast<char*>(s.data())}; }

std::string_view view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// How many entries the `changes` table holds.
std::size_t stored_changes(const std::filesystem::path& dir) {
  raw_env raw(dir);
  auto txn = lmdb::txn::begin(raw.env, nullptr, MDB_RDONLY);
  MDB_dbi changes = 0;
  lmdb::dbi_open(txn, "changes", 0, &changes);
  MDB_stat st{};
  lmdb::dbi_stat(txn, changes, &st);
  return st.ms_entries;
}

}  // namespace

TEST_CASE("the revision and the change log survive closing and reopening", "[lmdb][changes]") {
  temp_dir dir;
  std::vector<status_change> log;
  {
    lmdb_storage s(small_options(dir.path()));
    put(s, "home", make_statuses("h", 0, 5));
    blocking::ack_statuses(s, {.timeline = "home", .max_id = "h2", .at = ack_time});
    blocking::delete_statuses(s, {"home", delete_selection::ids({"h4"})});
    put(s, "home", {make_status("h0", 3)}, put_mode::upsert);
    log = all_changes(s, "home");
    REQUIRE(log.size() == 5 + 3 + 1 + 1);
    CHECK(blocking::get_revision(s, "home") == 10);
  }
  require_consistent(dir.path());
  lmdb_storage s(small_options(dir.path()));
  CHECK(all_changes(s, "home") == log);
  CHECK(blocking::get_revision(s, "home") == 10);
  put(s, "home", make_statuses("n", 0, 1));
  const auto page = read_changes(s, "home", 10);
  REQUIRE(page.changes.size() == 1);
  CHECK(page.changes[0].revision == 11);
  CHECK(page.changes[0].id == "n0");
  CHECK(page.last_revision == 11);
  require_log_replays_to_statuses(s, "home");
}

TEST_CASE("a store of format version 1 is upgraded in place and continues its revisions",
          "[lmdb][changes][open]") {
  temp_dir dir;
  const std::vector<status> old_statuses = {make_status("old0", 1, 0), make_status("old1", 2, 1),
                                            make_status("old2", 1, 2, true)};
  {
    lmdb_storage s(small_options(dir.path()));
    put(s, "home", old_statuses);
  }
  {
    // Make it what format version 1 wrote: no change log, version 1 in meta, and the
    // revision counting operations (one put) rather than statuses.
    raw_env raw(dir.path());
    auto txn = lmdb::txn::begin(raw.env);
    MDB_dbi meta = 0, timelines = 0, changes = 0;
    lmdb::dbi_open(txn, "meta", 0, &meta);
    lmdb::dbi_open(txn, "timelines", 0, &timelines);
    lmdb::dbi_open(txn, "changes", 0, &changes);
    REQUIRE(::mdb_drop(txn, changes, 1) == MDB_SUCCESS);
    std::string version;
    fmt::append_u32(version, 1);
    MDB_val k = val("format_version"), v = val(version);
    lmdb::dbi_put(txn, meta, &k, &v, 0);
    const auto name_key = fmt::timeline_name_key("home");
    MDB_val nk = val(name_key.bytes), record{};
    REQUIRE(lmdb::dbi_get(txn, timelines, &nk, &record));
    auto r = fmt::decode_timeline_record(view(record));
    REQUIRE(r.revision == 3);
    r.revision = 1;
    const auto encoded = fmt::encode_timeline_record(r);
    MDB_val rv = val(encoded);
    lmdb::dbi_put(txn, timelines, &nk, &rv, 0);
    txn.commit();
  }
  {
    lmdb_storage s(small_options(dir.path()));
    // Everything of version 1 is kept.
    const auto texts =
        blocking::get_status_texts(s, {.timeline = "home", .count = status_count::all()});
    REQUIRE(texts.size() == 3);
    CHECK(nlohmann::json::parse(texts[0]) == old_statuses[1]);
    CHECK(nlohmann::json::parse(texts[2]) == old_statuses[2]);
    CHECK(blocking::get_unacked_counts(s, "home").total == 2);
    CHECK(blocking::get_revision(s, "home") == 1);
    // The log starts empty at revision 1: up to date there, stale before.
    const auto page = read_changes(s, "home", 1);
    CHECK(page.changes.empty());
    CHECK(page.last_revision == 1);
    CHECK(is_stale(changes_error(s, "home", 0)));
    CHECK(blocking::ack_statuses(
              s, {.timeline = "home", .ids = std::vector<std::string>{"old0"}}) == 1);
    put(s, "home", {make_status("new", 0, 5)});
    const auto log = all_changes(s, "home", 1);
    REQUIRE(log.size() == 2);
    CHECK(log[0].revision == 2);
    CHECK(log[0].op == change_op::ack);
    CHECK(log[0].id == "old0");
    CHECK(log[1].revision == 3);
    CHECK(log[1].op == change_op::insert);
  }
  {
    raw_env raw(dir.path());
    auto txn = lmdb::txn::begin(raw.env, nullptr, MDB_RDONLY);
    MDB_dbi meta = 0;
    lmdb::dbi_open(txn, "meta", 0, &meta);
    MDB_val k = val("format_version"), v{};
    REQUIRE(lmdb::dbi_get(txn, meta, &k, &v));
    REQUIRE(v.mv_size == 4);
    CHECK(fmt::read_u32(static_cast<const char*>(v.mv_data)) == fmt::format_version);
  }
  require_consistent(dir.path());
  // Reopening does not upgrade again: the log is kept.
  lmdb_storage s(small_options(dir.path()));
  CHECK(all_changes(s, "home", 1).size() == 2);
}

TEST_CASE("the write that adds changes prunes the log to the retention", "[lmdb][changes]") {
  temp_dir dir;
  storage_limits limits{.soft_max = 0, .change_retention = 10};
  limits.per_timeline["long"] = {.soft_max = 0, .change_retention = 1000};
  {
    lmdb_storage s(small_options(dir.path(), limits));
    for (std::uint64_t i = 1; i <= 25; ++i) {
      put(s, "t", make_statuses("s", static_cast<int>(i), 1));
      put(s, "long", make_statuses("s", static_cast<int>(i), 1));
      INFO("after put " << i);
      // The oldest change kept is the 10th newest, at once after each write.
      const std::uint64_t oldest = i > 10 ? i - 9 : 1;
      CHECK(read_changes(s, "t", oldest - 1).changes.size() == i - oldest + 1);
      if (oldest > 1) CHECK(is_stale(changes_error(s, "t", oldest - 2)));
      CHECK(read_changes(s, "long", 0).changes.size() == i);
    }
    // One write with more changes than the retention keeps only its newest ones.
    CHECK(blocking::delete_statuses(s, {"t", delete_selection::all()}) == 25);
    CHECK(is_stale(changes_error(s, "t", 39)));
    const auto page = read_changes(s, "t", 40);
    REQUIRE(page.changes.size() == 10);
    for (const auto& c : page.changes) CHECK(c.op == change_op::remove);
  }
  // Pruned entries are deleted, not hidden: 10 of "t" and 25 of "long" remain.
  CHECK(stored_changes(dir.path()) == 35);
  require_consistent(dir.path());
}

TEST_CASE("a hole in the change log is reported stale, never skipped", "[lmdb][changes]") {
  temp_dir dir;
  {
    lmdb_storage s(small_options(dir.path()));
    put(s, "t", make_statuses("s", 0, 4));
  }
  {
    // Remove change 2 (timeline number 1 is the first one).
    raw_env raw(dir.path());
    auto txn = lmdb::txn::begin(raw.env);
    MDB_dbi changes = 0;
    lmdb::dbi_open(txn, "changes", 0, &changes);
    const auto key = fmt::change_key(1, 2);
    MDB_val k = val(key);
    REQUIRE(lmdb::dbi_del(txn, changes, &k, nullptr));
    txn.commit();
  }
  lmdb_storage s(small_options(dir.path()));
  CHECK(is_stale(changes_error(s, "t", 0)));  // the page would run over the hole
  CHECK(is_stale(changes_error(s, "t", 1)));
  CHECK(read_changes(s, "t", 0, 1).changes.size() == 1);  // a full page before it
  CHECK(read_changes(s, "t", 2).changes.size() == 2);
}

TEST_CASE("a store of format version 2 keeps its logged texts when upgraded",
          "[lmdb][changes][open]") {
  // Format 3 logs inserts and updates by reference to the status; format 2's log entries
  // carry their texts, which later writes must neither lose nor overwrite.
  temp_dir dir;
  const std::vector<status> old_statuses = {make_status("a", 1, 0), make_status("b", 2, 1)};
  {
    lmdb_storage s(small_options(dir.path()));
    put(s, "home", old_statuses);
  }
  {
    // Make it what format 2 wrote: every change with its text, no change revision in
    // the status records, version 2 in meta.
    raw_env raw(dir.path());
    auto txn = lmdb::txn::begin(raw.env);
    MDB_dbi meta = 0, statuses = 0, changes = 0;
    lmdb::dbi_open(txn, "meta", 0, &meta);
    lmdb::dbi_open(txn, "statuses", 0, &statuses);
    lmdb::dbi_open(txn, "changes", 0, &changes);
    std::map<std::string, std::string> json_by_id;
    std::vector<std::pair<std::string, std::string>> rewrites;  // statuses
    {
      auto cursor = lmdb::cursor::open(txn, statuses);
      MDB_val k{}, v{};
      for (bool more = cursor.get(&k, &v, MDB_FIRST); more; more = cursor.get(&k, &v, MDB_NEXT)) {
        const auto r = fmt::decode_status_record(view(v));
        REQUIRE(r.change_rev != 0);  // what this test undoes
        json_by_id[std::string(r.id)] = r.json;
        rewrites.emplace_back(
            view(k), fmt::encode_status_record(r.level, r.order_probe, r.order_key, r.id, r.json));
      }
    }
    std::vector<std::pair<std::string, std::string>> change_rewrites;
    {
      auto cursor = lmdb::cursor::open(txn, changes);
      MDB_val k{}, v{};
      for (bool more = cursor.get(&k, &v, MDB_FIRST); more; more = cursor.get(&k, &v, MDB_NEXT)) {
        const auto c = fmt::decode_change_record(view(v));
        REQUIRE(c.by_reference);
        change_rewrites.emplace_back(
            view(k), fmt::encode_change_record(c.op, c.id, json_by_id.at(std::string(c.id))));
      }
    }
    for (const auto& [key, value] : rewrites) {
      MDB_val k = val(key), v = val(value);
      lmdb::dbi_put(txn, statuses, &k, &v, 0);
    }
    for (const auto& [key, value] : change_rewrites) {
      MDB_val k = val(key), v = val(value);
      lmdb::dbi_put(txn, changes, &k, &v, 0);
    }
    std::string version;
    fmt::append_u32(version, 2);
    MDB_val k = val("format_version"), v = val(version);
    lmdb::dbi_put(txn, meta, &k, &v, 0);
    txn.commit();
  }
  lmdb_storage s(small_options(dir.path()));
  CHECK(blocking::ack_statuses(s, {.timeline = "home", .ids = std::vector<std::string>{"a"}}) == 1);
  auto updated = make_status("b", 0, 1);
  updated["text"] = "changed";
  put(s, "home", {updated}, put_mode::upsert);
  put(s, "home", {make_status("c", 1, 2)});
  const auto log = all_changes(s, "home", 0);
  REQUIRE(log.size() == 5);
  CHECK(nlohmann::json::parse(log[0].status_json) == old_statuses[0]);  // not the acked text
  CHECK(nlohmann::json::parse(log[1].status_json) == old_statuses[1]);  // not the update
  CHECK(log[2].op == change_op::ack);
  CHECK(nlohmann::json::parse(log[3].status_json) == updated);
  CHECK(nlohmann::json::parse(log[4].status_json) == make_status("c", 1, 2));
  require_log_replays_to_statuses(s, "home");
}

TEST_CASE("a change logged by reference keeps the text it logged when its status changes",
          "[lmdb][changes]") {
  temp_dir dir;
  {
    lmdb_storage s(small_options(dir.path(), {.soft_max = 2, .hard_max = 3}));
    const auto first = make_status("s", 1, 0);
    auto second = first;
    second["text"] = "second";
    // The same id twice in one put: the first is stored with its text, the second by
    // reference; then an ack, truncation (removing statuses of its own put) and a delete
    // each copy the text in before the status changes.
    put(s, "t", {first, second}, put_mode::upsert);
    blocking::ack_statuses(s, {.timeline = "t"});
    put(s, "t", make_statuses("n", 1, 4));
    blocking::delete_statuses(s, {"t", delete_selection::ids({"n3"})});
    const auto log = all_changes(s, "t", 0);
    REQUIRE(log.size() >= 2);
    CHECK(nlohmann::json::parse(log[0].status_json) == first);
    CHECK(nlohmann::json::parse(log[1].status_json) == second);  // before its ack
    require_log_replays_to_statuses(s, "t");
    // A delete of everything keeps the texts of the changes it does not prune.
    CHECK(blocking::delete_statuses(s, {"t", delete_selection::all()}) == 1);  // n4
    require_log_replays_to_statuses(s, "t");
  }
  require_consistent(dir.path());
}
