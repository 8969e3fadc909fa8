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

// The statements that end a write which changed something, for one pipeline: counts,
// change log (pruned to the retention), the timeline's size and revision, commit.
void finish(std::vector<statement>& batch, timeline_row& timeline, const count_changes& counts,
            const change_batch& log, const storage_limits& limits) {
  std::vector<std::int64_t> levels, deltas;
  bool up = false, down = false;
  for (const auto& [level, delta] : counts) {
    if (delta == 0) continue;
    levels.push_back(level);
    deltas.push_back(delta);
    (delta > 0 ? up : down) = true;
  }
  params count_params;
  count_params.int8(timeline.id).int8_array(levels).int8_array(deltas);
  if (up) batch.push_back({sql::add_counts, count_params});
  if (down) batch.push_back({sql::subtract_counts, std::move(count_params)});

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
    batch.push_back({sql::record_changes, std::move(p)});
  }
  if (oldest_kept > 1 && first != 1) {
    // Earlier writes kept revisions after (first - 1) - keep, and pruned all before.
    params p;
    p.int8(timeline.id).int8(oldest_kept - 1).int8(first - 1 - keep);
    batch.push_back({sql::prune_changes, std::move(p)});
  }
  params p;
  p.int8(timeline.id).int8(timeline.size).int8(timeline.revision);
  batch.push_back({sql::update_timeline, std::move(p)});
  batch.push_back({sql::commit, {}});
}

// Applies what a DELETE ... RETURNING id, level, order_key removed to the counts; returns
// the rows.
struct gone {
  std::string_view id, key;
  std::int64_t level;
};
std::vector<gone> removed_rows(const result& r, count_changes& counts) {
  std::vector<gone> rows;
  for (int i = 0; i < r.rows(); ++i) {
    rows.push_back({r.bytes(i, 0), r.bytes(i, 2), r.integer(i, 1)});
    if (!order_key_is_acked(rows.back().key)) counts[rows.back().level] -= 1;
  }
  return rows;
}

// Truncation: once a put leaves more than hard_max statuses, the oldest go, down to
// soft_max. The statement deleting them, or nothing.
std::optional<statement> truncation(const timeline_row& timeline, const storage_limits& limits) {
  const auto size = static_cast<std::size_t>(timeline.size);
  if (!limits.truncates() || size <= limits.hard_limit()) return std::nullopt;
  params p;
  p.int8(timeline.id).int8(static_cast<std::int64_t>(size - limits.soft_max));
  return statement{sql::delete_oldest, std::move(p)};
}

// Logs what truncation removed, oldest first.
void truncated(const result& removed, timeline_row& timeline, count_changes& counts,
               change_batch& log) {
  auto rows = removed_rows(removed, counts);
  std::sort(rows.begin(), rows.end(), [](const gone& a, const gone& b) { return a.key > b.key; });
  for (const auto& r : rows) log.add(change_op::remove, std::string(r.id));
  timeline.size -= static_cast<std::int64_t>(rows.size());
}

// Each write's first round trip: BEGIN, lock the timeline's row (put: creating it), and
// the write's first statement on it, addressed by name.
std::vector<statement> begin_with(std::string_view lock, const std::string& timeline,
                                  statement first) {
  params p;
  p.bytea(timeline);
  std::vector<statement> batch;
  batch.push_back({sql::begin, {}});
  batch.push_back({lock, std::move(p)});
  batch.push_back(std::move(first));
  return batch;
}

}  // namespace

asio::awaitable<std::size_t> put_statuses(connection& c, const prepared_put& request,
                                          const storage_limits& all_limits) {
  // Round trip 1: the timeline locked (created inside the transaction: if nothing
  // changes, the rollback removes it again) and what is stored of the ids named.
  std::vector<std::string> ids;
  ids.reserve(request.statuses.size());
  for (const auto& s : request.statuses) ids.push_back(s.id);
  params find;
  find.bytea(request.timeline).bytea_array(ids);
  const auto opening = begin_with(sql::lock_or_create_timeline, request.timeline,
                                  {sql::find_statuses, std::move(find)});
  const auto first = co_await c.exec_all(opening);
  timeline_row timeline = row_of(first[1]);
  // The request applied in order to that state (a later duplicate id behaves as if put
  // after the earlier one).
  struct state {
    bool present = false, unacked = false;
    std::int64_t level = 0;
    const prepared_status* final = nullptr;  // what this write leaves in the row
  };
  std::unordered_map<std::string_view, state> known;
  for (const auto& s : request.statuses) known.try_emplace(s.id);
  const auto& rows = first[2];
  for (int i = 0; i < rows.rows(); ++i) {
    auto& k = known.at(rows.bytes(i, 0));
    k.present = true;
    k.unacked = !order_key_is_acked(rows.bytes(i, 1));
    k.level = rows.integer(i, 2);
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
  // Round trip 2: the statuses written, and truncation.
  std::vector<statement> writes;
  {
    std::vector<std::optional<std::string_view>> write_ids, keys, json;
    std::vector<std::int64_t> levels;
    for (const auto& [id, k] : known) {
      if (!k.final) continue;
      write_ids.emplace_back(k.final->id);
      keys.emplace_back(k.final->order_key);
      levels.push_back(k.final->level);
      json.emplace_back(k.final->json);
    }
    params p;
    p.int8(timeline.id)
        .bytea_array(write_ids)
        .bytea_array(keys)
        .int8_array(levels)
        .text_array(json);
    writes.push_back({sql::write_statuses, std::move(p)});
  }
  const auto limits = all_limits.for_timeline(request.timeline);
  if (auto t = truncation(timeline, limits)) writes.push_back(std::move(*t));
  const auto written = co_await c.exec_all(writes);
  if (written.size() == 2) truncated(written[1], timeline, counts, log);
  // Round trip 3: counts, log, timeline, commit.
  std::vector<statement> end;
  finish(end, timeline, counts, log, limits);
  co_await c.exec_all(end);
  co_return changed;
}

asio::awaitable<std::size_t> ack_statuses(connection& c, const prepared_ack& request,
                                          const storage_limits& all_limits) {
  // Round trip 1: the timeline locked and the statuses to ack.
  params select;
  select.bytea(request.timeline);
  if (request.ids)
    select.bytea_array(*request.ids);
  else
    select.null(oid::bytea_array);
  select.bytea_or_null(request.max_id);
  const auto opening =
      begin_with(sql::lock_timeline, request.timeline, {sql::ack_targets, std::move(select)});
  const auto first = co_await c.exec_all(opening);
  const auto& targets = first[2];
  if (first[1].rows() == 0 || targets.rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return 0;
  }
  auto timeline = row_of(first[1]);
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
  // Round trip 2: the statuses rewritten, counts, log, timeline, commit.
  std::vector<statement> batch;
  {
    params u;
    u.int8(timeline.id)
        .bytea_array(ids)
        .bytea_array(std::vector<std::optional<std::string_view>>(keys.begin(), keys.end()))
        .text_array(std::vector<std::optional<std::string_view>>(json.begin(), json.end()));
    batch.push_back({sql::ack_statuses, std::move(u)});
  }
  finish(batch, timeline, counts, log, all_limits.for_timeline(request.timeline));
  co_await c.exec_all(batch);
  co_return static_cast<std::size_t>(targets.rows());
}

asio::awaitable<std::size_t> delete_statuses(connection& c, const delete_request& request,
                                             const storage_limits& all_limits) {
  // Round trip 1: the timeline locked and the statuses deleted.
  params p;
  p.bytea(request.timeline);
  const bool all = request.selection.is_all();
  if (!all) p.bytea_array(request.selection.id_list());
  const auto opening = begin_with(sql::lock_timeline, request.timeline,
                                  {all ? sql::delete_all : sql::delete_by_id, std::move(p)});
  const auto first = co_await c.exec_all(opening);
  if (first[1].rows() == 0 || first[2].rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return 0;
  }
  auto timeline = row_of(first[1]);
  count_changes counts;
  change_batch log;
  auto rows = removed_rows(first[2], counts);
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
  timeline.size -= static_cast<std::int64_t>(rows.size());
  // Round trip 2: counts, log, timeline, commit.
  std::vector<statement> batch;
  finish(batch, timeline, counts, log, all_limits.for_timeline(request.timeline));
  co_await c.exec_all(batch);
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
