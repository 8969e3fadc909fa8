#include "change_log.hpp"

#include <sqlite3.h>

#include <limits>

#include "sqlite_error.hpp"

namespace roost::sqlite {

void change_batch::store(session& s, timeline_row& timeline, std::size_t retention) {
  const auto keep = static_cast<std::int64_t>(
      std::min<std::size_t>(retention, std::numeric_limits<std::int64_t>::max()));
  if (timeline.revision != base_)
    throw sqlite_error(SQLITE_INTERNAL, "logging changes", "the timeline's revision moved");
  const auto first = timeline.revision + 1;
  timeline.revision += static_cast<std::int64_t>(changes_.size());
  const auto oldest_kept = timeline.revision - keep + 1;
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    const auto revision = first + static_cast<std::int64_t>(i);
    if (revision < oldest_kept) continue;  // would be pruned at once
    const auto& c = changes_[i];
    auto q = s.record_change.start();
    q.bind_int64(1, timeline.id)
        .bind_int64(2, revision)
        .bind_int64(3, static_cast<std::int64_t>(c.op))
        .bind_blob(4, c.id);
    // Unbound parameters are NULL: a remove, and an insert or update by reference,
    // store no text at all.
    if ((c.op == change_op::insert || c.op == change_op::update) && !c.by_reference)
      q.bind_text(5, c.text);
    if (c.op == change_op::ack) q.bind_text(6, c.text);
    q.run();
  }
  // Changes stored by earlier writes that fall out of the window: none while the window
  // is not full, nor when there were no earlier ones.
  if (oldest_kept <= 1 || first == 1) return;
  auto q = s.prune_changes.start();
  q.bind_int64(1, timeline.id).bind_int64(2, oldest_kept - 1);
  q.run();
}

changes_answer get_changes(session& s, const prepared_changes& request) {
  changes_answer out;
  // One snapshot for the revision and the page: a write committed in between cannot
  // make them disagree.
  transaction tx(s.tx, transaction::mode::deferred);
  const auto timeline = find_timeline(s, request.timeline);
  const std::uint64_t last = timeline ? static_cast<std::uint64_t>(timeline->revision) : 0;
  out.page.last_revision = last;
  if (request.since > last) {
    out.stale = "cursor " + std::to_string(request.since) + " is ahead of the timeline's revision " +
                std::to_string(last);
    return out;
  }
  if (request.since == last) return out;  // up to date, whatever the log keeps

  auto q = s.change_page.start();
  q.bind_int64(1, timeline->id)
      .bind_int64(2, static_cast<std::int64_t>(request.since))
      .bind_int64(3, static_cast<std::int64_t>(request.limit));
  while (q.step()) {
    status_change c;
    c.revision = static_cast<std::uint64_t>(q.column_int64(0));
    const std::uint64_t expected = request.since + 1 + out.page.changes.size();
    if (c.revision != expected) {
      // The retained log is consecutive, so its first change after `since` is its oldest:
      // the changes between were pruned. A hole further on (a change never logged, by a
      // program of schema version 1 still writing to the file) is stale too: a page must
      // never skip a change.
      out.stale = out.page.changes.empty()
                      ? "the changes after revision " + std::to_string(request.since) +
                            " are no longer kept (the log starts at revision " +
                            std::to_string(c.revision) + ")"
                      : "change " + std::to_string(expected) + " is missing from the log";
      out.page.changes.clear();
      return out;
    }
    const auto op = q.column_int64(1);
    if (op < static_cast<int>(change_op::insert) || op > static_cast<int>(change_op::remove))
      throw sqlite_error(SQLITE_CORRUPT, "reading the change log",
                         "a change has the unknown op " + std::to_string(op));
    c.op = static_cast<change_op>(op);
    c.id = q.column_blob(2);
    if ((c.op == change_op::insert || c.op == change_op::update) && q.column_is_null(3))
      throw sqlite_error(SQLITE_CORRUPT, "reading the change log",
                         "the status of change " + std::to_string(c.revision) + " is missing");
    c.status_json = q.column_text(3);
    c.acked_at = q.column_text(4);
    out.page.changes.push_back(std::move(c));
  }
  if (out.page.changes.empty()) {
    out.stale = "the changes after revision " + std::to_string(request.since) +
                " are no longer kept (the log holds none of them; the timeline is at revision " +
                std::to_string(last) + ")";
  } else if (out.page.changes.size() < request.limit &&
             out.page.changes.back().revision != last) {
    // A short page says "up to date at last_revision": it must end there.
    out.stale = "changes " + std::to_string(out.page.changes.back().revision + 1) + " to " +
                std::to_string(last) + " are missing from the log";
    out.page.changes.clear();
  }
  tx.commit();
  return out;
}

}  // namespace roost::sqlite
