// The change log of the SQLite backend: recording the changes of a write inside its
// transaction, pruning to the retention, and reading a page of changes after a cursor.
//
// Every change gets the timeline's next revision (timeline_row::revision counts them);
// the write then stores that revision in the timeline's row, so the row's revision is
// always the newest change's. Rows of `changes` are only ever removed from the start of a
// timeline's range (pruning), so the retained log is one run of consecutive revisions
// ending at the timeline's revision — or empty, after an upgrade from schema version 1 or
// with a retention of 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "prepared_connection.hpp"
#include "storage/change_page_builder.hpp"
#include "storage/changes.hpp"
#include "timeline_row.hpp"

namespace roost::sqlite {

/// The changes of one write, gathered in the order it makes them and stored when it
/// finishes: so a write with more changes than the retention (a large delete, or a
/// retention of 0) never stores rows only to prune them again.
///
/// An insert or update is logged by reference (schema version 3, sql.hpp): its row holds
/// no text, and the status row names the change's revision. While the batch is not yet
/// stored, a status it logged that changes again in the same write (a duplicate id, or
/// truncation removing it) gets its text kept instead: keep_text().
class change_batch {
public:
  /// A batch of changes that follow the timeline's newest revision `last_revision`.
  explicit change_batch(std::int64_t last_revision) : base_(last_revision) {}

  /// The revision the next add() will get.
  std::int64_t next_revision() const noexcept {
    return base_ + 1 + static_cast<std::int64_t>(changes_.size());
  }

  /// Adds a change. `text` is the acked_at written (ack), empty for a remove; it must
  /// stay valid until store().
  void add(change_op op, std::string id, std::string_view text = {}) {
    changes_.push_back({op, std::move(id), text, false});
  }

  /// Adds an insert or update logged by reference; `text` is the status as stored, kept
  /// only should keep_text() be called for it, and must stay valid until store().
  void add_by_reference(change_op op, std::string id, std::string_view text) {
    changes_.push_back({op, std::move(id), text, true});
  }

  /// When `revision` (a status's change_rev) is a change of this batch, stores that
  /// change with its text, because its status is about to change or leave, and returns
  /// true; false when the revision is older (the caller materializes the stored row).
  bool keep_text(std::int64_t revision) noexcept {
    if (revision <= base_ || revision >= next_revision()) return false;
    changes_[static_cast<std::size_t>(revision - base_ - 1)].by_reference = false;
    return true;
  }

  /// How many changes were added.
  std::size_t size() const noexcept { return changes_.size(); }

  /// Numbers the changes with the revisions after timeline.revision (advancing it to the
  /// last one), stores the newest `retention` of them and prunes older ones from the log
  /// (one range delete), so that it keeps the newest `retention` changes of the timeline.
  /// REQUIRES: inside the write's transaction; called once; timeline.revision is still
  /// the `last_revision` the batch was made with.
  void store(prepared_connection& s, timeline_row& timeline, std::size_t retention);

private:
  struct change {
    change_op op;
    std::string id;
    std::string_view text;
    bool by_reference;
  };
  std::int64_t base_;
  std::vector<change> changes_;
};

/// get_changes: the changes after request.since and the timeline's revision, read in
/// one read transaction (one snapshot), for the caller to finish(). An unknown timeline
/// has revision 0 and no changes.
change_page_builder read_changes(prepared_connection& s, const prepared_changes& request);

}  // namespace roost::sqlite
