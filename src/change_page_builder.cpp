#include "storage/change_page_builder.hpp"

#include <utility>

namespace roost {

change_page_builder::change_page_builder(const prepared_changes& request,
                                         std::uint64_t last_revision)
    : since_(request.since), limit_(request.limit), last_(last_revision) {
  page_.last_revision = last_revision;
  // A cursor from another store, or from before a memory store was reloaded.
  if (since_ > last_)
    stale_ = "cursor " + std::to_string(since_) + " is ahead of the timeline's revision " +
             std::to_string(last_);
}

bool change_page_builder::wants_more() const noexcept {
  return stale_.empty() && page_.changes.size() < limit_ && next_revision() <= last_;
}

bool change_page_builder::accept(std::uint64_t revision) {
  const auto expected = next_revision();
  if (revision == expected) return true;
  // A log holds consecutive revisions ending at the timeline's (pruning removes from the
  // start), so a first entry past `since + 1` means the ones between were pruned; a hole
  // further on (never logged, or damage) is stale too: a page never skips a change.
  stale_ = page_.changes.empty()
               ? "the changes after revision " + std::to_string(since_) +
                     " are no longer kept (the log starts at revision " + std::to_string(revision) +
                     ")"
               : "change " + std::to_string(expected) + " is missing from the log";
  return false;
}

void change_page_builder::add(status_change change) { page_.changes.push_back(std::move(change)); }

storage_error change_page_builder::finish(std::string_view where, change_page& out) {
  if (stale_.empty() && since_ < last_) {
    if (page_.changes.empty())
      stale_ = "the changes after revision " + std::to_string(since_) +
               " are no longer kept (the log holds none of them; the timeline is at revision " +
               std::to_string(last_) + ")";
    else if (page_.changes.size() < limit_ && page_.changes.back().revision != last_)
      // A short page says "up to date at last_revision": it must end there.
      stale_ = "changes " + std::to_string(page_.changes.back().revision + 1) + " to " +
               std::to_string(last_) + " are missing from the log";
  }
  if (stale_.empty()) {
    out = std::move(page_);
    return {};
  }
  out = {};
  return storage_error(make_error_code(errc::stale_cursor),
                       std::string(where) + ": " + stale_ + "; resync: read the timeline afresh");
}

}  // namespace roost
