// The write operations. Each keeps four things in step with the statuses, inside its
// transaction: the unacked counts per level, the timeline's size, the change log (one
// entry per status changed, change_log.hpp) and the revision of its newest change.
#include <algorithm>
#include <limits>
#include <map>

#include <sqlite3.h>

#include "change_log.hpp"
#include "sql.hpp"
#include "sqlite_error.hpp"
#include "storage/order_key.hpp"
#include "timeline_row.hpp"
#include "timeline_writes.hpp"

namespace roost::sqlite {
namespace {

// Changes to the unacked counts, gathered while statuses change and written once per
// level at the end: a batch of 100 puts touches a few count rows, not 100.
class count_changes {
public:
  void add(std::int64_t level, std::int64_t delta) { delta_[level] += delta; }

  void apply(prepared_connection& s, std::int64_t timeline) const {
    for (const auto& [level, delta] : delta_) {
      if (delta == 0) continue;
      {
        auto q = s.add_count.start();
        q.bind_int64(1, timeline).bind_int64(2, level).bind_int64(3, delta);
        q.run();
      }
      if (delta < 0) {
        auto q = s.drop_empty_count.start();
        q.bind_int64(1, timeline).bind_int64(2, level);
        q.run();
      }
    }
  }

private:
  std::map<std::int64_t, std::int64_t> delta_;
};

timeline_row create_timeline(prepared_connection& s, const std::string& name) {
  auto q = s.create_timeline.start();
  q.bind_blob(1, name);
  q.run();
  return timeline_row{s.db.last_insert_rowid(), 0, 0};
}

// Gives free pages back to the file system once more than 1 MiB is free. Inside the
// write's transaction, so it needs no lock of its own and commits with the write.
void reclaim_free_pages(prepared_connection& s) {
  const auto free_bytes =
      s.db.query_int("PRAGMA freelist_count") * s.db.query_int("PRAGMA page_size");
  if (free_bytes > (std::int64_t{1} << 20)) s.db.exec("PRAGMA incremental_vacuum");
}

// Ends a write that changed something: counts, change log, size and revision, space,
// commit.
void finish(prepared_connection& s, transaction& tx, timeline_row& timeline,
            const count_changes& counts, change_batch& log, const storage_limits& limits,
            bool reclaim) {
  counts.apply(s, timeline.id);
  log.store(s, timeline, limits.change_retention);
  {
    auto q = s.update_timeline.start();
    q.bind_int64(1, timeline.id).bind_int64(2, timeline.size).bind_int64(3, timeline.revision);
    q.run();
  }
  if (reclaim) reclaim_free_pages(s);
  tx.commit();
  s.committed_revision = static_cast<std::uint64_t>(timeline.revision);
}

// Materializing (sql.hpp, migration 3): before a status changes or leaves, the change
// that logged it by reference gets its text. A change of the running batch keeps the
// text it was given; a stored one is copied from the status row by `q`, a materialize_*
// statement with its parameters bound.
void materialize(change_batch& log, std::int64_t change_rev, statement::active&& q) {
  if (change_rev == 0 || log.keep_text(change_rev)) return;  // 0: SQL NULL, nothing logged
  q.run();
}

// Steps a DELETE ... RETURNING level, was_unacked to its end, counting what it removed.
std::size_t count_removed(statement::active& q, count_changes& counts) {
  std::size_t removed = 0;
  while (q.step()) {
    ++removed;
    if (q.column_int64(1) != 0) counts.add(q.column_int64(0), -1);
  }
  return removed;
}

// Removes the oldest statuses down to soft_max once there are more than hard_max,
// logging each removal, oldest first.
std::size_t truncate(prepared_connection& s, timeline_row& timeline, const storage_limits& limits,
                     count_changes& counts, change_batch& log) {
  const auto size = static_cast<std::size_t>(timeline.size);
  if (!limits.truncates() || size <= limits.hard_limit()) return 0;
  std::size_t removed = 0;
  std::string newest_removed;  // the smallest order key of the oldest ones
  {
    auto q = s.oldest_statuses.start();
    q.bind_int64(1, timeline.id).bind_int64(2, static_cast<std::int64_t>(size - limits.soft_max));
    while (q.step()) {
      const std::string_view key = q.column_blob(2);
      if (!order_key_is_acked(key)) counts.add(q.column_int64(1), -1);
      log.keep_text(q.column_int64(3));  // logged by this very write: stored with its text
      log.add(change_op::remove, std::string(q.column_blob(0)));
      newest_removed = key;
      ++removed;
    }
  }
  if (removed == 0) return 0;
  {
    auto q = s.materialize_from_key.start();
    q.bind_int64(1, timeline.id).bind_blob(2, newest_removed);
    q.run();
  }
  {
    // They are the tail of the timeline's order: one range delete.
    auto q = s.delete_from_key.start();
    q.bind_int64(1, timeline.id).bind_blob(2, newest_removed);
    q.run();
  }
  timeline.size -= static_cast<std::int64_t>(removed);
  return removed;
}

// Inserts unless the id is taken; `change_rev` is the revision that will log it.
bool insert(prepared_connection& s, std::int64_t timeline, const prepared_status& status,
            std::int64_t change_rev) {
  auto q = s.insert_status.start();
  q.bind_int64(1, timeline)
      .bind_blob(2, status.id)
      .bind_blob(3, status.order_key)
      .bind_int64(4, status.level)
      .bind_text(5, status.json)
      .bind_int64(6, change_rev);
  q.run();
  return s.db.changes() != 0;
}

// A stored status as put needs to see it.
struct stored {
  std::int64_t rowid = 0;
  bool unacked = false;
  std::int64_t level = 0;
  std::int64_t change_rev = 0;  ///< the change that logged its text by reference, or 0
};

std::optional<stored> find(prepared_connection& s, std::int64_t timeline, const std::string& id) {
  auto q = s.find_status.start();
  q.bind_int64(1, timeline).bind_blob(2, id);
  if (!q.step()) return std::nullopt;
  return stored{q.column_int64(0), !order_key_is_acked(q.column_blob(1)), q.column_int64(2),
                q.column_int64(3)};
}

}  // namespace

std::size_t put_statuses(prepared_connection& s, const prepared_put& request,
                         const write_settings& settings) {
  transaction tx(s.tx, transaction::mode::immediate);
  // Created inside the transaction: if nothing changes, the rollback removes it again.
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) timeline = create_timeline(s, request.timeline);

  count_changes counts;
  change_batch log(timeline->revision);
  std::size_t changed = 0;
  // In request order, each against the state the earlier ones left, so a later duplicate
  // id behaves as if put after the earlier one.
  for (const auto& status : request.statuses) {
    change_op op = change_op::insert;
    if (request.mode == put_mode::insert) {
      if (!insert(s, timeline->id, status, log.next_revision())) continue;
      ++timeline->size;
    } else {
      const auto old = find(s, timeline->id, status.id);
      if (!old) {
        if (request.mode == put_mode::update) continue;
        insert(s, timeline->id, status, log.next_revision());
        ++timeline->size;
      } else {
        {
          auto q = s.materialize_by_rowid.start();
          q.bind_int64(1, timeline->id).bind_int64(2, old->rowid);
          materialize(log, old->change_rev, std::move(q));
        }
        auto q = s.replace_status.start();
        q.bind_int64(1, old->rowid)
            .bind_blob(2, status.order_key)
            .bind_int64(3, status.level)
            .bind_text(4, status.json)
            .bind_int64(5, log.next_revision());
        q.run();
        if (old->unacked) counts.add(old->level, -1);
        op = change_op::update;
      }
    }
    if (!status.acked) counts.add(status.level, +1);
    log.add_by_reference(op, status.id, status.json);
    ++changed;
  }
  if (changed == 0) return 0;  // rolled back: no timeline, no revision
  const auto limits = settings.limits.for_timeline(request.timeline);
  const std::size_t removed = truncate(s, *timeline, limits, counts, log);
  finish(s, tx, *timeline, counts, log, limits, removed != 0 && settings.reclaim_space);
  return changed;
}

std::size_t ack_statuses(prepared_connection& s, const prepared_ack& request,
                         const write_settings& settings) {
  transaction tx(s.tx, transaction::mode::immediate);
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) return 0;

  // The statuses to ack, gathered from the timeline as it was before any of them changes
  // (the union is of sets taken from that timeline, and a scan must not run over rows it
  // re-keys), then acked in timeline order so that the log lists them that way.
  struct target {
    std::int64_t rowid, level;
    std::string key;
  };
  std::vector<target> targets;
  if (request.ids) {
    for (const auto& id : *request.ids) {
      auto q = s.find_status.start();
      q.bind_int64(1, timeline->id).bind_blob(2, id);
      // Unknown or already acked: skip (a duplicate is dropped below).
      if (!q.step() || order_key_is_acked(q.column_blob(1))) continue;
      targets.push_back({q.column_int64(0), q.column_int64(2), std::string(q.column_blob(1))});
    }
  }
  std::optional<std::string> range_from;
  if (!request.ids && !request.max_id) {
    range_from = std::string(sql::key_floor);
  } else if (request.max_id) {
    auto q = s.find_status.start();
    q.bind_int64(1, timeline->id).bind_blob(2, *request.max_id);
    if (q.step() && !order_key_is_acked(q.column_blob(1))) range_from = q.column_blob(1);
  }
  if (range_from) {
    auto q = s.unacked_from.start();
    q.bind_int64(1, timeline->id).bind_blob(2, *range_from);
    while (q.step())
      targets.push_back({q.column_int64(0), q.column_int64(2), std::string(q.column_blob(1))});
  }
  if (targets.empty()) return 0;
  // Timeline order, newest first, as the log lists an ack. Order keys are unique in a
  // timeline, so equal keys are the same status listed twice.
  std::sort(targets.begin(), targets.end(),
            [](const target& a, const target& b) { return a.key < b.key; });
  targets.erase(std::unique(targets.begin(), targets.end(),
                            [](const target& a, const target& b) { return a.key == b.key; }),
                targets.end());

  count_changes counts;
  change_batch log(timeline->revision);
  for (const auto& t : targets) {
    std::string id, json;
    {
      // One document at a time, so acking a whole timeline never holds them all.
      auto q = s.status_document.start();
      q.bind_int64(1, t.rowid);
      if (!q.step()) throw sqlite_error(SQLITE_CORRUPT, "ack_statuses", "a status vanished");
      id = q.column_blob(0);
      const std::string_view logged = q.column_text(1);
      if (const auto change_rev = q.column_int64(2); change_rev != 0) {
        // The change that logged this text by reference gets it before the ack rewrites it.
        auto m = s.materialize_change.start();
        m.bind_int64(1, timeline->id).bind_int64(2, change_rev).bind_text(3, logged);
        m.run();
      }
      json = with_acked_at(std::string(logged), request.at_text);
    }
    auto q = s.ack_status.start();
    q.bind_int64(1, t.rowid)
        .bind_blob(2, order_key_with_acked_at(t.key, request.at))
        .bind_text(3, json);
    q.run();
    counts.add(t.level, -1);
    log.add(change_op::ack, std::move(id), request.at_text);
  }
  // An ack frees no pages worth reclaiming.
  finish(s, tx, *timeline, counts, log, settings.limits.for_timeline(request.timeline), false);
  return targets.size();
}

std::size_t delete_statuses(prepared_connection& s, const delete_request& request,
                            const write_settings& settings) {
  transaction tx(s.tx, transaction::mode::immediate);
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) return 0;

  const auto limits = settings.limits.for_timeline(request.timeline);
  count_changes counts;
  change_batch log(timeline->revision);
  std::size_t changed = 0;
  if (request.selection.is_all()) {
    // Only changes that survive this write's own pruning need their text: it logs one
    // removal per status, so those after revision + size - retention.
    const auto retention = static_cast<std::int64_t>(
        std::min<std::size_t>(limits.change_retention, std::numeric_limits<std::int64_t>::max()));
    if (timeline->size < retention) {
      auto q = s.materialize_after.start();
      q.bind_int64(1, timeline->id).bind_int64(2, timeline->revision + timeline->size - retention);
      q.run();
    }
    {
      auto q = s.timeline_ids.start();
      q.bind_int64(1, timeline->id);
      while (q.step()) log.add(change_op::remove, std::string(q.column_blob(0)));
    }
    {
      auto q = s.delete_all_statuses.start();
      q.bind_int64(1, timeline->id);
      q.run();
    }
    changed = static_cast<std::size_t>(s.db.changes());
    if (changed == 0) return 0;
    auto q = s.delete_all_counts.start();
    q.bind_int64(1, timeline->id);
    q.run();
    timeline->size = 0;
  } else {
    for (const auto& id : request.selection.id_list()) {
      std::size_t removed = 0;
      {
        auto q = s.materialize_by_id.start();
        q.bind_int64(1, timeline->id).bind_blob(2, id);
        q.run();
      }
      {
        auto q = s.delete_status.start();
        q.bind_int64(1, timeline->id).bind_blob(2, id);
        removed = count_removed(q, counts);
      }
      // Unknown, or listed twice: nothing removed, nothing logged.
      if (removed == 0) continue;
      log.add(change_op::remove, id);
      changed += removed;
    }
    if (changed == 0) return 0;
    timeline->size -= static_cast<std::int64_t>(changed);
  }
  finish(s, tx, *timeline, counts, log, limits, settings.reclaim_space);
  return changed;
}

}  // namespace roost::sqlite
