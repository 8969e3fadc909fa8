#include "timeline_writes.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "pg_error.hpp"
#include "sql.hpp"
#include "storage/order_key.hpp"

namespace roost::pg {
namespace {

namespace asio = boost::asio;

// The timeline's row as the write's first statement locked it.
struct timeline_row {
  std::int64_t id = 0;
  std::int64_t revision = 0;
  std::int64_t size = 0;
};

timeline_row row_of(const result& r) { return {r.integer(0, 0), r.integer(0, 1), r.integer(0, 2)}; }

// One write's changes: numbered from the timeline's revision on, stored at the end.
struct change_batch {
  std::vector<std::int64_t> ops;
  std::vector<std::string> ids;
  std::vector<std::optional<std::string>> json;
  std::vector<std::optional<std::string>> acked_at;

  void add(change_op op, std::string id, std::optional<std::string> text = std::nullopt) {
    ops.push_back(static_cast<std::int64_t>(op));
    ids.push_back(std::move(id));
    const bool is_ack = op == change_op::ack;
    json.push_back(is_ack ? std::nullopt : text);
    acked_at.push_back(is_ack ? std::move(text) : std::nullopt);
  }
  std::size_t size() const noexcept { return ops.size(); }
};

// Changes to the unacked counts, gathered while statuses change and written once per
// level at the end.
using count_changes = std::map<std::int64_t, std::int64_t>;

asio::awaitable<void> store_counts(connection& c, std::int64_t timeline,
                                   const count_changes& counts) {
  std::vector<std::int64_t> levels, deltas;
  bool up = false, down = false;
  for (const auto& [level, delta] : counts) {
    if (delta == 0) continue;
    levels.push_back(level);
    deltas.push_back(delta);
    (delta > 0 ? up : down) = true;
  }
  params p;
  p.int8(timeline).int8_array(levels).int8_array(deltas);
  if (up) co_await c.exec(sql::add_counts, p);
  if (down) co_await c.exec(sql::subtract_counts, p);
}

// Ends a write that changed something: counts, change log (pruned to the retention), the
// timeline's size and revision, commit.
asio::awaitable<void> finish(connection& c, timeline_row& timeline, const count_changes& counts,
                             const change_batch& log, const storage_limits& limits) {
  co_await store_counts(c, timeline.id, counts);
  const auto keep = static_cast<std::int64_t>(
      std::min<std::size_t>(limits.change_retention, std::numeric_limits<std::int64_t>::max()));
  const auto first = timeline.revision + 1;
  timeline.revision += static_cast<std::int64_t>(log.size());
  const auto oldest_kept = timeline.revision - keep + 1;
  std::vector<std::int64_t> revisions, ops;
  std::vector<std::optional<std::string_view>> ids, json, acked_at;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto revision = first + static_cast<std::int64_t>(i);
    if (revision < oldest_kept) continue;  // would be pruned at once
    revisions.push_back(revision);
    ops.push_back(log.ops[i]);
    ids.emplace_back(log.ids[i]);
    json.push_back(log.json[i] ? std::optional<std::string_view>(*log.json[i]) : std::nullopt);
    acked_at.push_back(log.acked_at[i] ? std::optional<std::string_view>(*log.acked_at[i])
                                       : std::nullopt);
  }
  if (!revisions.empty()) {
    params p;
    p.int8(timeline.id)
        .int8_array(revisions)
        .int8_array(ops)
        .bytea_array(ids)
        .text_array(json)
        .text_array(acked_at);
    co_await c.exec(sql::record_changes, p);
  }
  if (oldest_kept > 1 && first != 1) {
    params p;
    p.int8(timeline.id).int8(oldest_kept - 1);
    co_await c.exec(sql::prune_changes, p);
  }
  {
    params p;
    p.int8(timeline.id).int8(timeline.size).int8(timeline.revision);
    co_await c.exec(sql::update_timeline, p);
  }
  co_await c.command("COMMIT");
}

// Removes the oldest statuses down to soft_max once there are more than hard_max,
// logging each removal, oldest first.
asio::awaitable<void> truncate(connection& c, timeline_row& timeline, const storage_limits& limits,
                               count_changes& counts, change_batch& log) {
  const auto size = static_cast<std::size_t>(timeline.size);
  if (!limits.truncates() || size <= limits.hard_limit()) co_return;
  params p;
  p.int8(timeline.id).int8(static_cast<std::int64_t>(size - limits.soft_max));
  const auto removed = co_await c.exec(sql::delete_oldest, p);
  struct gone {
    std::string_view id, key;
    std::int64_t level;
  };
  std::vector<gone> rows;
  for (int i = 0; i < removed.rows(); ++i)
    rows.push_back({removed.bytes(i, 0), removed.bytes(i, 2), removed.integer(i, 1)});
  std::sort(rows.begin(), rows.end(), [](const gone& a, const gone& b) { return a.key > b.key; });
  for (const auto& r : rows) {
    if (!order_key_is_acked(r.key)) counts[r.level] -= 1;
    log.add(change_op::remove, std::string(r.id));
  }
  timeline.size -= static_cast<std::int64_t>(rows.size());
}

asio::awaitable<std::optional<timeline_row>> lock_existing(connection& c,
                                                           const std::string& timeline) {
  co_await c.command("BEGIN");
  params p;
  p.bytea(timeline);
  const auto r = co_await c.exec(sql::lock_timeline, p);
  if (r.rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return std::nullopt;
  }
  co_return row_of(r);
}

}  // namespace

asio::awaitable<std::size_t> put_statuses(connection& c, const prepared_put& request,
                                          const storage_limits& all_limits) {
  co_await c.command("BEGIN");
  // Created inside the transaction: if nothing changes, the rollback removes it again.
  timeline_row timeline;
  {
    params p;
    p.bytea(request.timeline);
    timeline = row_of(co_await c.exec(sql::lock_or_create_timeline, p));
  }
  // What is stored of the ids the request names, then the request applied in order to
  // that state (a later duplicate id behaves as if put after the earlier one).
  struct state {
    bool present = false, unacked = false;
    std::int64_t level = 0;
    const prepared_status* final = nullptr;  // what this write leaves in the row
  };
  std::unordered_map<std::string_view, state> known;
  {
    std::vector<std::string> ids;
    ids.reserve(request.statuses.size());
    for (const auto& s : request.statuses) ids.push_back(s.id);
    params p;
    p.int8(timeline.id).bytea_array(ids);
    const auto rows = co_await c.exec(sql::find_statuses, p);
    for (const auto& s : request.statuses) known.try_emplace(s.id);
    for (int i = 0; i < rows.rows(); ++i) {
      auto& k = known.at(rows.bytes(i, 0));
      k.present = true;
      k.unacked = !order_key_is_acked(rows.bytes(i, 1));
      k.level = rows.integer(i, 2);
    }
  }
  count_changes counts;
  change_batch log;
  std::size_t changed = 0;
  for (const auto& status : request.statuses) {
    auto& k = known.at(status.id);
    change_op op = change_op::insert;
    if (k.present) {
      if (request.mode == put_mode::insert) continue;
      if (k.unacked) counts[k.level] -= 1;
      op = change_op::update;
    } else {
      if (request.mode == put_mode::update) continue;
      ++timeline.size;
    }
    k = {true, !status.acked, status.level, &status};
    if (!status.acked) counts[status.level] += 1;
    log.add(op, status.id, status.json);
    ++changed;
  }
  if (changed == 0) {
    co_await c.command("ROLLBACK");  // no timeline, no revision
    co_return 0;
  }
  {
    std::vector<std::optional<std::string_view>> ids, keys, json;
    std::vector<std::int64_t> levels;
    for (const auto& [id, k] : known) {
      if (!k.final) continue;
      ids.emplace_back(k.final->id);
      keys.emplace_back(k.final->order_key);
      levels.push_back(k.final->level);
      json.emplace_back(k.final->json);
    }
    params p;
    p.int8(timeline.id).bytea_array(ids).bytea_array(keys).int8_array(levels).text_array(json);
    co_await c.exec(sql::write_statuses, p);
  }
  const auto limits = all_limits.for_timeline(request.timeline);
  co_await truncate(c, timeline, limits, counts, log);
  co_await finish(c, timeline, counts, log, limits);
  co_return changed;
}

asio::awaitable<std::size_t> ack_statuses(connection& c, const prepared_ack& request,
                                          const storage_limits& all_limits) {
  auto timeline = co_await lock_existing(c, request.timeline);
  if (!timeline) co_return 0;
  params p;
  p.int8(timeline->id);
  if (request.ids)
    p.bytea_array(*request.ids);
  else
    p.null(oid::bytea_array);
  p.bytea_or_null(request.max_id);
  const auto targets = co_await c.exec(sql::ack_targets, p);
  if (targets.rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return 0;
  }
  count_changes counts;
  change_batch log;
  std::vector<std::string> keys, json;
  std::vector<std::optional<std::string_view>> ids;
  for (int i = 0; i < targets.rows(); ++i) {
    ids.emplace_back(targets.bytes(i, 0));
    keys.push_back(order_key_with_acked_at(targets.bytes(i, 1), request.at));
    json.push_back(with_acked_at(std::string(targets.bytes(i, 3)), request.at_text));
    counts[targets.integer(i, 2)] -= 1;
    log.add(change_op::ack, std::string(targets.bytes(i, 0)), request.at_text);
  }
  {
    params u;
    u.int8(timeline->id)
        .bytea_array(ids)
        .bytea_array(std::vector<std::optional<std::string_view>>(keys.begin(), keys.end()))
        .text_array(std::vector<std::optional<std::string_view>>(json.begin(), json.end()));
    co_await c.exec(sql::ack_statuses, u);
  }
  co_await finish(c, *timeline, counts, log, all_limits.for_timeline(request.timeline));
  co_return static_cast<std::size_t>(targets.rows());
}

asio::awaitable<std::size_t> delete_statuses(connection& c, const delete_request& request,
                                             const storage_limits& all_limits) {
  auto timeline = co_await lock_existing(c, request.timeline);
  if (!timeline) co_return 0;
  params p;
  p.int8(timeline->id);
  const bool all = request.selection.is_all();
  if (!all) p.bytea_array(request.selection.id_list());
  const auto removed = co_await c.exec(all ? sql::delete_all : sql::delete_by_id, p);
  if (removed.rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return 0;
  }
  count_changes counts;
  change_batch log;
  struct gone {
    std::string_view id, key;
    std::int64_t level;
  };
  std::vector<gone> rows;
  for (int i = 0; i < removed.rows(); ++i)
    rows.push_back({removed.bytes(i, 0), removed.bytes(i, 2), removed.integer(i, 1)});
  for (const auto& r : rows)
    if (!order_key_is_acked(r.key)) counts[r.level] -= 1;
  if (all) {
    // Logged in timeline order, newest first.
    std::sort(rows.begin(), rows.end(), [](const gone& a, const gone& b) { return a.key < b.key; });
    for (const auto& r : rows) log.add(change_op::remove, std::string(r.id));
  } else {
    // Logged in the order the request lists them, each once.
    std::unordered_map<std::string_view, bool> logged;
    for (const auto& r : rows) logged.emplace(r.id, false);
    for (const auto& id : request.selection.id_list()) {
      const auto it = logged.find(id);
      if (it == logged.end() || it->second) continue;
      it->second = true;
      log.add(change_op::remove, id);
    }
  }
  timeline->size -= static_cast<std::int64_t>(rows.size());
  co_await finish(c, *timeline, counts, log, all_limits.for_timeline(request.timeline));
  co_return rows.size();
}

asio::awaitable<setting_write> put_setting(connection& c, const put_setting_request& request) {
  params p;
  p.bytea(request.key).bytea_or_null(request.value);
  if (request.expected_version != 0) p.int8(static_cast<std::int64_t>(request.expected_version));
  const auto written = co_await c.exec(
      request.expected_version == 0 ? sql::create_setting : sql::replace_setting, p);
  if (written.rows() != 0)
    co_return setting_write{true, static_cast<std::uint64_t>(written.integer(0, 0))};
  params k;
  k.bytea(request.key);
  const auto current = co_await c.exec(sql::setting_version, k);
  co_return setting_write{
      false, current.rows() == 0 ? 0 : static_cast<std::uint64_t>(current.integer(0, 0))};
}

}  // namespace roost::pg
