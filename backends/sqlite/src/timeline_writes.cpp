// The write operations. Each keeps three things in step with the statuses, inside its
// transaction: the unacked counts per level, the timeline's size and its revision.
#include <map>

#include "operations.hpp"
#include "sql.hpp"
#include "storage/order_key.hpp"
#include "timeline_row.hpp"

namespace roost::sqlite {
namespace {

// Changes to the unacked counts, gathered while statuses change and written once per
// level at the end: a batch of 100 puts touches a few count rows, not 100.
class count_changes {
public:
  void add(std::int64_t level, std::int64_t delta) { delta_[level] += delta; }

  void apply(session& s, std::int64_t timeline) const {
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

timeline_row create_timeline(session& s, const std::string& name) {
  auto q = s.create_timeline.start();
  q.bind_blob(1, name);
  q.run();
  return timeline_row{s.db.last_insert_rowid(), 0};
}

// Gives free pages back to the file system once more than 1 MiB is free. Inside the
// write's transaction, so it needs no lock of its own and commits with the write.
void reclaim_free_pages(session& s) {
  const auto free_bytes =
      s.db.query_int("PRAGMA freelist_count") * s.db.query_int("PRAGMA page_size");
  if (free_bytes > (std::int64_t{1} << 20)) s.db.exec("PRAGMA incremental_vacuum");
}

// Ends a write that changed something: counts, size, revision, space, commit.
void finish(session& s, transaction& tx, const timeline_row& timeline, const count_changes& counts,
            bool reclaim) {
  counts.apply(s, timeline.id);
  {
    auto q = s.bump_timeline.start();
    q.bind_int64(1, timeline.id).bind_int64(2, timeline.size);
    q.run();
  }
  if (reclaim) reclaim_free_pages(s);
  tx.commit();
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

// Removes the oldest statuses down to soft_max once there are more than hard_max.
std::size_t truncate(session& s, timeline_row& timeline, const storage_limits& limits,
                     count_changes& counts) {
  const auto size = static_cast<std::size_t>(timeline.size);
  if (!limits.truncates() || size <= limits.hard_limit()) return 0;
  auto q = s.delete_oldest.start();
  q.bind_int64(1, timeline.id).bind_int64(2, static_cast<std::int64_t>(size - limits.soft_max));
  const std::size_t removed = count_removed(q, counts);
  timeline.size -= static_cast<std::int64_t>(removed);
  return removed;
}

bool insert(session& s, std::int64_t timeline, const prepared_status& status) {
  auto q = s.insert_status.start();
  q.bind_int64(1, timeline)
      .bind_blob(2, status.id)
      .bind_blob(3, status.order_key)
      .bind_int64(4, status.level)
      .bind_text(5, status.json);
  q.run();
  return s.db.changes() != 0;
}

// A stored status as put needs to see it.
struct stored {
  std::int64_t rowid = 0;
  bool unacked = false;
  std::int64_t level = 0;
};

std::optional<stored> find(session& s, std::int64_t timeline, const std::string& id) {
  auto q = s.find_status.start();
  q.bind_int64(1, timeline).bind_blob(2, id);
  if (!q.step()) return std::nullopt;
  return stored{q.column_int64(0), !order_key_is_acked(q.column_blob(1)), q.column_int64(2)};
}

}  // namespace

std::size_t put_statuses(session& s, const prepared_put& request, const write_settings& settings) {
  transaction tx(s.tx, transaction::mode::immediate);
  // Created inside the transaction: if nothing changes, the rollback removes it again.
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) timeline = create_timeline(s, request.timeline);

  count_changes counts;
  std::size_t changed = 0;
  // In request order, each against the state the earlier ones left, so a later duplicate
  // id behaves as if put after the earlier one.
  for (const auto& status : request.statuses) {
    if (request.mode == put_mode::insert) {
      if (!insert(s, timeline->id, status)) continue;
      ++timeline->size;
    } else {
      const auto old = find(s, timeline->id, status.id);
      if (!old) {
        if (request.mode == put_mode::update) continue;
        insert(s, timeline->id, status);
        ++timeline->size;
      } else {
        auto q = s.replace_status.start();
        q.bind_int64(1, old->rowid)
            .bind_blob(2, status.order_key)
            .bind_int64(3, status.level)
            .bind_text(4, status.json);
        q.run();
        if (old->unacked) counts.add(old->level, -1);
      }
    }
    if (!status.acked) counts.add(status.level, +1);
    ++changed;
  }
  if (changed == 0) return 0;  // rolled back: no timeline, no revision
  const std::size_t removed =
      truncate(s, *timeline, settings.limits.for_timeline(request.timeline), counts);
  finish(s, tx, *timeline, counts, removed != 0 && settings.reclaim_space);
  return changed;
}

std::size_t ack_statuses(session& s, const prepared_ack& request) {
  transaction tx(s.tx, transaction::mode::immediate);
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) return 0;

  // Where the range part starts, fixed before anything changes: the union is of sets
  // taken from the timeline as it was, and acking max_id through `ids` first must not
  // make the range part see it as acked.
  std::optional<std::string> range_from;
  if (!request.ids && !request.max_id) {
    range_from = std::string(sql::key_floor);
  } else if (request.max_id) {
    auto q = s.find_status.start();
    q.bind_int64(1, timeline->id).bind_blob(2, *request.max_id);
    if (q.step() && !order_key_is_acked(q.column_blob(1))) range_from = q.column_blob(1);
  }

  count_changes counts;
  std::size_t changed = 0;
  // Re-keys and rewrites one unacked status as acked.
  auto ack = [&](std::int64_t rowid, std::string_view key, std::int64_t level,
                 const std::string& json) {
    const std::string new_key = order_key_with_acked_at(key, request.at);
    const std::string new_json = with_acked_at(json, request.at_text);
    auto q = s.ack_status.start();
    q.bind_int64(1, rowid).bind_blob(2, new_key).bind_text(3, new_json);
    q.run();
    counts.add(level, -1);
    ++changed;
  };

  if (request.ids) {
    for (const auto& id : *request.ids) {
      std::int64_t rowid = 0, level = 0;
      std::string key, json;
      {
        auto q = s.find_status_document.start();
        q.bind_int64(1, timeline->id).bind_blob(2, id);
        // Unknown, already acked, or acked by an earlier duplicate in this list: skip.
        if (!q.step() || order_key_is_acked(q.column_blob(1))) continue;
        rowid = q.column_int64(0);
        key = q.column_blob(1);
        level = q.column_int64(2);
        json = q.column_text(3);
      }
      ack(rowid, key, level, json);
    }
  }

  if (range_from) {
    // In chunks, each read completely before it is changed (a scan must not run over
    // rows it is re-keying). Acked rows leave the unacked range, so the same query
    // yields the next chunk until the range is empty.
    constexpr std::int64_t chunk = 256;
    for (;;) {
      struct row {
        std::int64_t rowid, level;
        std::string key, json;
      };
      std::vector<row> rows;
      {
        auto q = s.page_documents.start();
        q.bind_int64(1, timeline->id)
            .bind_blob(2, *range_from)
            .bind_blob(3, sql::acked_floor)
            .bind_int64(4, chunk);
        while (q.step())
          rows.push_back({q.column_int64(0), q.column_int64(2), std::string(q.column_blob(1)),
                          std::string(q.column_text(3))});
      }
      for (const auto& r : rows) ack(r.rowid, r.key, r.level, r.json);
      if (static_cast<std::int64_t>(rows.size()) < chunk) break;
    }
  }

  if (changed == 0) return 0;
  finish(s, tx, *timeline, counts, false);  // an ack frees no pages worth reclaiming
  return changed;
}

std::size_t delete_statuses(session& s, const delete_request& request,
                            const write_settings& settings) {
  transaction tx(s.tx, transaction::mode::immediate);
  auto timeline = find_timeline(s, request.timeline);
  if (!timeline) return 0;

  count_changes counts;
  std::size_t changed = 0;
  if (request.selection.is_all()) {
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
      auto q = s.delete_status.start();
      q.bind_int64(1, timeline->id).bind_blob(2, id);
      changed += count_removed(q, counts);
    }
    if (changed == 0) return 0;
    timeline->size -= static_cast<std::int64_t>(changed);
  }
  finish(s, tx, *timeline, counts, settings.reclaim_space);
  return changed;
}

}  // namespace roost::sqlite
