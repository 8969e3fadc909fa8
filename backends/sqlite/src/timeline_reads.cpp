// The read operations. Reads never create anything: an unknown timeline is empty.
#include <limits>
#include <optional>

#include "sql.hpp"
#include "storage/order_key.hpp"
#include "timeline_reads.hpp"
#include "timeline_row.hpp"

namespace roost::sqlite {

std::vector<std::string> get_statuses(prepared_connection& s, const prepared_get& request,
                                      std::size_t default_count) {
  std::vector<std::string> page;
  // A snapshot, so that max_id's key and the page agree even while a writer acks.
  transaction tx(s.tx, transaction::mode::deferred);
  const auto timeline = find_timeline(s, request.timeline);
  if (!timeline) return page;

  std::string lower(request.state == ack_state::acked ? sql::acked_floor : sql::key_floor);
  const std::string_view upper =
      request.state == ack_state::unacked ? sql::acked_floor : sql::key_ceiling;
  if (request.max_id) {
    auto q = s.find_status.start();
    q.bind_int64(1, timeline->id).bind_blob(2, *request.max_id);
    if (!q.step()) return page;
    const std::string_view key = q.column_blob(1);
    // max_id must itself be in the chosen ack state, else the page is empty.
    if (key < lower || key >= upper) return page;
    lower = key;
  }

  const std::size_t limit = request.count.resolve(default_count);
  page.reserve(std::min<std::size_t>(limit, 256));
  {
    auto q = s.page.start();
    q.bind_int64(1, timeline->id).bind_blob(2, lower).bind_blob(3, upper);
    q.bind_int64(4, limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
                        ? -1
                        : static_cast<std::int64_t>(limit));
    while (q.step()) page.emplace_back(q.column_text(0));
  }
  tx.commit();
  return page;
}

unacked_counts get_unacked_counts(prepared_connection& s, const std::string& timeline) {
  unacked_counts counts;
  auto q = s.counts.start();
  q.bind_blob(1, timeline);
  while (q.step()) {
    const auto n = static_cast<std::size_t>(q.column_int64(1));
    counts.by_level.emplace_hint(counts.by_level.end(), q.column_int64(0), n);
    counts.total += n;
  }
  return counts;
}

std::vector<bool> contains(prepared_connection& s, const std::string& timeline,
                           const std::vector<std::string>& ids) {
  std::vector<bool> present(ids.size(), false);
  transaction tx(s.tx, transaction::mode::deferred);
  const auto row = find_timeline(s, timeline);
  if (!row) return present;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto q = s.status_exists.start();
    q.bind_int64(1, row->id).bind_blob(2, ids[i]);
    present[i] = q.step();
  }
  tx.commit();
  return present;
}

std::vector<std::string> timeline_names(prepared_connection& s) {
  std::vector<std::string> names;
  auto q = s.timeline_names.start();
  while (q.step()) names.emplace_back(q.column_blob(0));
  return names;
}

std::uint64_t get_revision(prepared_connection& s, const std::string& timeline) {
  auto q = s.timeline_revision.start();
  q.bind_blob(1, timeline);
  return q.step() ? static_cast<std::uint64_t>(q.column_int64(0)) : 0;
}

std::vector<std::pair<std::string, std::uint64_t>> timeline_revisions(prepared_connection& s) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  auto q = s.timeline_revisions.start();
  while (q.step())
    out.emplace_back(std::string(q.column_blob(0)), static_cast<std::uint64_t>(q.column_int64(1)));
  return out;
}

std::uint64_t data_version(prepared_connection& s) {
  auto q = s.data_version.start();
  return q.step() ? static_cast<std::uint64_t>(q.column_int64(0)) : 0;
}

}  // namespace roost::sqlite
