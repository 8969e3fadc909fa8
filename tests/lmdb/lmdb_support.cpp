#include "lmdb_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include <lmdb++.h>
#include <catch2/catch.hpp>

#include "key_codec.hpp"
#include "records.hpp"
#include "schema.hpp"
#include "storage/blocking.hpp"
#include "storage/order_key.hpp"

namespace roost::testing {

lmdb_options small_options(const std::filesystem::path& dir, storage_limits limits) {
  lmdb_options o;
  o.directory = dir;
  o.limits = limits;
  o.initial_map_size = std::size_t{1} << 20;
  o.max_map_size = std::size_t{64} << 20;
  o.sync_writes = false;
  return o;
}

status make_status(const std::string& id, std::int64_t level, int created, bool acked,
                   std::size_t padding) {
  status s = {{"id", id},
              {"created_at", format_twitter(timestamp{} + std::chrono::hours{24 * 365 * 43} +
                                            std::chrono::seconds{created})},
              {"text", "status " + id + std::string(padding, '.')},
              {"busybird", {{"level", level}}}};
  if (acked) s["busybird"]["acked_at"] = "Wed Jan 01 00:00:00 +0000 2014";
  return s;
}

std::vector<status> make_statuses(const std::string& prefix, int first, int n,
                                  std::size_t padding) {
  static constexpr std::int64_t levels[] = {0, 1, 2, -1};
  std::vector<status> out;
  for (int i = first; i < first + n; ++i)
    out.push_back(make_status(prefix + std::to_string(i), levels[i % 4], i, false, padding));
  return out;
}

std::vector<std::string> ids_of(const std::vector<status>& statuses) {
  std::vector<std::string> out;
  for (const auto& s : statuses) out.push_back(s["id"].get<std::string>());
  return out;
}

std::vector<status> all_statuses(status_storage& s, const std::string& timeline) {
  return blocking::get_statuses(s, {.timeline = timeline, .count = status_count::all()});
}

void require_counts_match_recount(status_storage& s, const std::string& timeline) {
  unacked_counts recount;
  for (const auto& st : all_statuses(s, timeline)) {
    if (is_acked(st)) continue;
    ++recount.total;
    ++recount.by_level[status_level(st)];
  }
  REQUIRE(blocking::get_unacked_counts(s, timeline) == recount);
}

namespace {

namespace fmt = detail::lmdb_format;

MDB_dbi open_table(MDB_txn* txn, const char* name) {
  MDB_dbi dbi = 0;
  lmdb::dbi_open(txn, name, 0, &dbi);
  return dbi;
}

std::string_view view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// Every (key, value) of a table whose key starts with `prefix`.
std::vector<std::pair<std::string, std::string>> entries(MDB_txn* txn, MDB_dbi dbi,
                                                         const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  auto cursor = lmdb::cursor::open(txn, dbi);
  MDB_val k{prefix.size(), const_cast<char*>(prefix.data())};
  MDB_val v{};
  for (bool more = lmdb::cursor_get(cursor, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
       more; more = lmdb::cursor_get(cursor, &k, &v, MDB_NEXT)) {
    if (!fmt::starts_with(view(k), prefix)) break;
    out.emplace_back(view(k), view(v));
  }
  return out;
}

}  // namespace

void require_consistent(const std::filesystem::path& dir) {
  auto env = lmdb::env::create();
  env.set_max_dbs(detail::table_count);
  env.open(dir.c_str(), MDB_RDONLY, 0644);
  auto txn = lmdb::txn::begin(env, nullptr, MDB_RDONLY);
  const MDB_dbi timelines = open_table(txn, "timelines");
  const MDB_dbi statuses = open_table(txn, "statuses");
  const MDB_dbi order = open_table(txn, "order");
  const MDB_dbi counts = open_table(txn, "counts");
  const MDB_dbi changes = open_table(txn, "changes");
  std::size_t all_statuses = 0, all_changes = 0;
  for (const auto& [name_key, value] : entries(txn, timelines, "")) {
    const auto record = fmt::decode_timeline_record(value);
    INFO("timeline " << record.name);
    const std::string prefix = fmt::timeline_prefix(record.number);
    std::map<std::int64_t, std::uint64_t> recount;
    const auto order_entries = entries(txn, order, prefix);
    for (const auto& [key, ov] : order_entries) {
      const auto entry = fmt::decode_order_value(ov);
      const std::string status_key = prefix + std::string(entry.status_key_suffix);
      MDB_val k{status_key.size(), const_cast<char*>(status_key.data())};
      MDB_val v{};
      REQUIRE(lmdb::dbi_get(txn, statuses, &k, &v));
      const auto s = fmt::decode_status_record(view(v));
      REQUIRE(fmt::order_table_key(record.number, s.order_key, s.order_probe) == key);
      REQUIRE(s.level == entry.level);
      REQUIRE(nlohmann::json::parse(s.json)["id"].dump() != "");
      if (!order_key_is_acked(s.order_key)) ++recount[s.level];
    }
    const auto status_entries = entries(txn, statuses, prefix);
    REQUIRE(status_entries.size() == order_entries.size());
    REQUIRE(record.size == order_entries.size());
    all_statuses += status_entries.size();
    std::map<std::int64_t, std::uint64_t> stored;
    for (const auto& [key, cv] : entries(txn, counts, prefix)) {
      REQUIRE(cv.size() == 8);
      stored[fmt::count_key_level(key)] = fmt::read_u64(cv.data());
    }
    REQUIRE(stored == recount);
    // The log: consecutive revisions ending at the timeline's, each record decodable.
    const auto log = entries(txn, changes, prefix);
    for (std::size_t i = 0; i < log.size(); ++i) {
      REQUIRE(log[i].first.size() == fmt::timeline_prefix_size + 8);
      REQUIRE(fmt::change_key_revision(log[i].first) == record.revision - (log.size() - 1 - i));
      REQUIRE_NOTHROW(fmt::decode_change_record(log[i].second));
    }
    // A change logged by reference (format 3) names a status unchanged since: one whose
    // record carries that change's revision.
    std::map<std::string, std::uint64_t> change_rev_by_id;
    for (const auto& [key, sv] : status_entries) {
      const auto s = fmt::decode_status_record(sv);
      if (s.change_rev != 0) change_rev_by_id[std::string(s.id)] = s.change_rev;
    }
    for (const auto& [key, cv] : log) {
      const auto c = fmt::decode_change_record(cv);
      if (!c.by_reference) continue;
      INFO("change " << fmt::change_key_revision(key) << " of " << c.id);
      const auto it = change_rev_by_id.find(std::string(c.id));
      REQUIRE(it != change_rev_by_id.end());
      REQUIRE(it->second == fmt::change_key_revision(key));
    }
    all_changes += log.size();
  }
  // No change belongs to a timeline without a record.
  MDB_stat change_stat{};
  lmdb::dbi_stat(txn, changes, &change_stat);
  REQUIRE(change_stat.ms_entries == all_changes);
  // No status belongs to a timeline without a record.
  MDB_stat st{};
  lmdb::dbi_stat(txn, statuses, &st);
  REQUIRE(st.ms_entries == all_statuses);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace roost::testing
