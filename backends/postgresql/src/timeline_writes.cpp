#include "timeline_writes.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "change_notice.hpp"
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

// One write's changes: numbered from the timeline's revision on, stored at the end. A
// change by reference is stored without its text, which the status row it names holds
// (sql.hpp, migration 2).
struct change_batch {
  std::vector<std::int64_t> ops;
  std::vector<std::string> ids;
  std::vector<std::optional<std::string>> json;
  std::vector<std::optional<std::string>> acked_at;
  std::vector<bool> by_reference;

  void add(change_op op, std::string id, std::optional<std::string> text = std::nullopt) {
    ops.push_back(static_cast<std::int64_t>(op));
    ids.push_back(std::move(id));
    const bool is_ack = op == change_op::ack;
    json.push_back(is_ack ? std::nullopt : text);
    acked_at.push_back(is_ack ? std::move(text) : std::nullopt);
    by_reference.push_back(false);
  }
  std::size_t size() const noexcept { return ops.size(); }
};

// Changes to the unacked counts, gathered while statuses change and written once per
// level at the end.
using count_changes = std::map<std::int64_t, std::int64_t>;

// How many changes of a timeline the log keeps.
std::int64_t kept_changes(const storage_limits& limits) {
  return static_cast<std::int64_t>(
      std::min<std::size_t>(limits.change_retention, std::numeric_limits<std::int64_t>::max()));
}

// The change rows that statuses this write changes or removes are referred from (their
// change_rev, when the retention still keeps it): materialized before the statuses change.
class referred_changes {
public:
  referred_changes(const timeline_row& timeline, const storage_limits& limits)
      : oldest_(timeline.revision - kept_changes(limits) + 1) {}

  /// Column `column` of row `row`: a change_rev, or NULL.
  void add(const result& r, int row, int column) {
    if (r.is_null(row, column)) return;
    const auto revision = r.integer(row, column);
    if (revision >= oldest_) revisions_.push_back(revision);
  }
  void add(std::optional<std::int64_t> revision) {
    if (revision && *revision >= oldest_) revisions_.push_back(*revision);
  }
  /// The first revision that can still be in the log.
  std::int64_t oldest() const noexcept { return oldest_; }

  /// materialize_changes for them, unless there are none.
  void push_to(std::vector<statement>& batch, std::int64_t timeline) const {
    if (revisions_.empty()) return;
    params p;
    p.int8(timeline).int8_array(revisions_);
    batch.push_back({sql::materialize_changes, std::move(p)});
  }

private:
  std::int64_t oldest_;
  std::vector<std::int64_t> revisions_;
};

// The statements that end a write which changed something, for one pipeline: counts,
// change log (pruned to the retention), the timeline's size and revision, the notice to
// other storages, commit.
void finish(std::vector<statement>& batch, timeline_row& timeline, const count_changes& counts,
            const change_batch& log, const storage_limits& limits, const notice_source& notice,
            std::string_view name) {
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

  const auto keep = kept_changes(limits);
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
    json.push_back(log.json[i] && !log.by_reference[i]
                       ? std::optional<std::string_view>(*log.json[i])
                       : std::nullopt);
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
  params n;
  n.text(notice.channel)
      .text(encode_notice(notice.origin, static_cast<std::uint64_t>(timeline.revision), name));
  batch.push_back({sql::notify, std::move(n)});
  batch.push_back({sql::commit, {}});
}

// Applies the removal of rows (id, level, order_key, as a delete or truncation finds
// them) to the counts; returns the rows.
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
  p.int8(timeline.id)
      .int8(static_cast<std::int64_t>(size - limits.soft_max))
      .int8(referred_changes(timeline, limits).oldest());
  return statement{sql::delete_oldest, std::move(p)};
}

// Logs what truncation removed, oldest first, and returns the ids.
std::vector<std::string_view> truncated(const result& removed, timeline_row& timeline,
                                        count_changes& counts, change_batch& log) {
  auto rows = removed_rows(removed, counts);
  std::sort(rows.begin(), rows.end(), [](const gone& a, const gone& b) { return a.key > b.key; });
  std::vector<std::string_view> ids;
  for (const auto& r : rows) {
    log.add(change_op::remove, std::string(r.id));
    ids.push_back(r.id);
  }
  timeline.size -= static_cast<std::int64_t>(rows.size());
  return ids;
}

// The statement writing the final state of `statuses` (their ids, order keys, levels,
// texts and the revisions of their changes) into timeline `id`.
struct status_rows {
  std::vector<std::optional<std::string_view>> ids, keys, json;
  std::vector<std::int64_t> levels, change_revs;

  void add(const prepared_status& s, std::int64_t change_rev) {
    ids.emplace_back(s.id);
    keys.emplace_back(s.order_key);
    levels.push_back(s.level);
    json.emplace_back(s.json);
    change_revs.push_back(change_rev);
  }
  statement write(std::string_view sql, std::int64_t timeline) const {
    params p;
    p.int8(timeline)
        .bytea_array(ids)
        .bytea_array(keys)
        .int8_array(levels)
        .text_array(json)
        .int8_array(change_revs);
    return {sql, std::move(p)};
  }
};

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
                                          const storage_limits& all_limits,
                                          const notice_source& notice) {
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
    bool stored = false;  // in the table before this write
    bool present = false, unacked = false;
    std::int64_t level = 0;
    std::optional<std::int64_t> change_rev;  // of the stored row
    const prepared_status* final = nullptr;  // what this write leaves in the row
    std::size_t change = 0;                  // the log entry of that final state
  };
  std::unordered_map<std::string_view, state> known;
  for (const auto& s : request.statuses) known.try_emplace(s.id);
  const auto& rows = first[2];
  for (int i = 0; i < rows.rows(); ++i) {
    auto& k = known.at(rows.bytes(i, 0));
    k.stored = k.present = true;
    k.unacked = !order_key_is_acked(rows.bytes(i, 1));
    k.level = rows.integer(i, 2);
    if (!rows.is_null(i, 3)) k.change_rev = rows.integer(i, 3);
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
    k.present = true;
    k.unacked = !status.acked;
    k.level = status.level;
    k.final = &status;
    k.change = log.size();
    if (!status.acked) counts[status.level] += 1;
    log.add(op, status.id, status.json);
    ++changed;
  }
  if (changed == 0) {
    co_await c.command("ROLLBACK");  // no timeline, no revision
    co_return 0;
  }
  // Round trip 2: the statuses written (each final state's change by reference, the
  // earlier ones of a repeated id with their text), and truncation; without truncation
  // also round trip 3's statements.
  const auto limits = all_limits.for_timeline(request.timeline);
  std::vector<statement> writes;
  {
    status_rows added, replaced;
    referred_changes referred(timeline, limits);
    for (const auto& [id, k] : known) {
      if (!k.final) continue;
      log.by_reference[k.change] = true;
      (k.stored ? replaced : added)
          .add(*k.final, timeline.revision + 1 + static_cast<std::int64_t>(k.change));
      if (k.stored) referred.add(k.change_rev);
    }
    referred.push_to(writes, timeline.id);
    if (!added.ids.empty()) writes.push_back(added.write(sql::insert_statuses, timeline.id));
    if (!replaced.ids.empty()) writes.push_back(replaced.write(sql::update_statuses, timeline.id));
  }
  auto truncating = truncation(timeline, limits);
  if (!truncating) {
    // Nothing for round trip 3 waits on round trip 2's results: one pipeline to COMMIT.
    finish(writes, timeline, counts, log, limits, notice, request.timeline);
    co_await c.exec_all(writes);
    co_return changed;
  }
  writes.push_back(std::move(*truncating));
  const auto written = co_await c.exec_all(writes);
  // A status this put wrote and truncation removed at once has no row to refer to.
  for (const auto id : truncated(written.back(), timeline, counts, log)) {
    const auto it = known.find(id);
    if (it != known.end() && it->second.final) log.by_reference[it->second.change] = false;
  }
  // Round trip 3: counts, log, timeline, commit.
  std::vector<statement> end;
  finish(end, timeline, counts, log, limits, notice, request.timeline);
  co_await c.exec_all(end);
  co_return changed;
}

asio::awaitable<std::size_t> ack_statuses(connection& c, const prepared_ack& request,
                                          const storage_limits& all_limits,
                                          const notice_source& notice) {
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
  const auto limits = all_limits.for_timeline(request.timeline);
  count_changes counts;
  change_batch log;
  referred_changes referred(timeline, limits);
  std::vector<std::string> keys, json;
  std::vector<std::optional<std::string_view>> ids;
  for (int i = 0; i < targets.rows(); ++i) {
    referred.add(targets, i, 4);
    ids.emplace_back(targets.bytes(i, 0));
    keys.push_back(order_key_with_acked_at(targets.bytes(i, 1), request.at));
    json.push_back(with_acked_at(std::string(targets.bytes(i, 3)), request.at_text));
    counts[targets.integer(i, 2)] -= 1;
    log.add(change_op::ack, std::string(targets.bytes(i, 0)), request.at_text);
  }
  // Round trip 2: the changes they are referred from materialized, the statuses
  // rewritten, counts, log, timeline, commit.
  std::vector<statement> batch;
  referred.push_to(batch, timeline.id);
  {
    params u;
    u.int8(timeline.id)
        .bytea_array(ids)
        .bytea_array(std::vector<std::optional<std::string_view>>(keys.begin(), keys.end()))
        .text_array(std::vector<std::optional<std::string_view>>(json.begin(), json.end()));
    batch.push_back({sql::ack_statuses, std::move(u)});
  }
  finish(batch, timeline, counts, log, limits, notice, request.timeline);
  co_await c.exec_all(batch);
  co_return static_cast<std::size_t>(targets.rows());
}

asio::awaitable<std::size_t> delete_statuses(connection& c, const delete_request& request,
                                             const storage_limits& all_limits,
                                             const notice_source& notice) {
  // Round trip 1: the timeline locked and the statuses to delete.
  params p;
  p.bytea(request.timeline);
  const bool all = request.selection.is_all();
  if (!all) p.bytea_array(request.selection.id_list());
  const auto opening = begin_with(sql::lock_timeline, request.timeline,
                                  {all ? sql::find_all : sql::find_by_id, std::move(p)});
  const auto first = co_await c.exec_all(opening);
  const auto& found = first[2];
  if (first[1].rows() == 0 || found.rows() == 0) {
    co_await c.command("ROLLBACK");
    co_return 0;
  }
  auto timeline = row_of(first[1]);
  const auto limits = all_limits.for_timeline(request.timeline);
  count_changes counts;
  change_batch log;
  referred_changes referred(timeline, limits);
  auto rows = removed_rows(found, counts);
  for (int i = 0; i < found.rows(); ++i) referred.add(found, i, 3);
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
  // Round trip 2: the changes they are referred from materialized, the statuses deleted,
  // counts, log, timeline, commit. The timeline's row lock keeps what round trip 1 found.
  std::vector<statement> batch;
  referred.push_to(batch, timeline.id);
  {
    params d;
    d.int8(timeline.id);
    if (!all) d.bytea_array(request.selection.id_list());
    batch.push_back({all ? sql::delete_all : sql::delete_by_id, std::move(d)});
  }
  finish(batch, timeline, counts, log, limits, notice, request.timeline);
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
