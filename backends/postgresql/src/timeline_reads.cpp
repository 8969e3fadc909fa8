#include "timeline_reads.hpp"

#include <limits>
#include <optional>
#include <set>

#include "pg_error.hpp"
#include "sql.hpp"

namespace roost::pg {

namespace asio = boost::asio;

asio::awaitable<std::vector<std::string>> get_statuses(connection& c, const prepared_get& request,
                                                       std::size_t default_count) {
  const std::string_view lower =
      request.state == ack_state::acked ? "\x01" : std::string_view("\x00", 1);
  const std::string_view upper = request.state == ack_state::unacked ? "\x01" : "\x02";
  const std::size_t limit = request.count.resolve(default_count);
  params p;
  p.bytea(request.timeline).bytea(lower).bytea(upper).bytea_or_null(request.max_id);
  if (limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))
    p.null(oid::int8);
  else
    p.int8(static_cast<std::int64_t>(limit));
  const auto rows = co_await c.exec(sql::page, p);
  std::vector<std::string> page;
  page.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) page.emplace_back(rows.bytes(i, 0));
  co_return page;
}

asio::awaitable<unacked_counts> get_unacked_counts(connection& c, const std::string& timeline) {
  params p;
  p.bytea(timeline);
  const auto rows = co_await c.exec(sql::counts, p);
  unacked_counts counts;
  for (int i = 0; i < rows.rows(); ++i) {
    const auto n = static_cast<std::size_t>(rows.integer(i, 1));
    counts.by_level.emplace_hint(counts.by_level.end(), rows.integer(i, 0), n);
    counts.total += n;
  }
  co_return counts;
}

asio::awaitable<std::vector<bool>> contains(connection& c, const std::string& timeline,
                                            const std::vector<std::string>& ids) {
  params p;
  p.bytea(timeline).bytea_array(ids);
  const auto rows = co_await c.exec(sql::contains, p);
  std::set<std::string_view> found;
  for (int i = 0; i < rows.rows(); ++i) found.insert(rows.bytes(i, 0));
  std::vector<bool> present(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) present[i] = found.contains(ids[i]);
  co_return present;
}

asio::awaitable<std::vector<std::string>> timeline_names(connection& c) {
  const params none;  // named: no temporaries in a co_await expression (GCC 12)
  const auto rows = co_await c.exec(sql::timeline_names, none);
  std::vector<std::string> names;
  for (int i = 0; i < rows.rows(); ++i) names.emplace_back(rows.bytes(i, 0));
  co_return names;
}

asio::awaitable<std::uint64_t> get_revision(connection& c, const std::string& timeline) {
  params p;
  p.bytea(timeline);
  const auto rows = co_await c.exec(sql::timeline_revision, p);
  co_return rows.rows() == 0 ? 0 : static_cast<std::uint64_t>(rows.integer(0, 0));
}

asio::awaitable<change_page_builder> read_changes(connection& c, const prepared_changes& request) {
  params p;
  p.bytea(request.timeline)
      .int8(static_cast<std::int64_t>(request.since))
      .int8(static_cast<std::int64_t>(request.limit));
  const auto rows = co_await c.exec(sql::change_page, p);
  const std::uint64_t last = rows.rows() == 0 ? 0 : static_cast<std::uint64_t>(rows.integer(0, 0));
  change_page_builder page(request, last);
  for (int i = 0; i < rows.rows() && page.wants_more(); ++i) {
    if (rows.is_null(i, 1)) break;  // the timeline has no change after `since`
    status_change change;
    change.revision = static_cast<std::uint64_t>(rows.integer(i, 1));
    if (!page.accept(change.revision)) break;
    const auto op = rows.integer(i, 2);
    if (op < static_cast<int>(change_op::insert) || op > static_cast<int>(change_op::remove))
      throw pg_error("XX001", "a change has the unknown op " + std::to_string(op));
    change.op = static_cast<change_op>(op);
    change.id = rows.bytes(i, 3);
    if ((change.op == change_op::insert || change.op == change_op::update) && rows.is_null(i, 4))
      throw pg_error("XX001", "the change at revision " + std::to_string(change.revision) +
                                  " refers to a status that no longer holds its text");
    change.status_json = rows.bytes(i, 4);
    change.acked_at = rows.bytes(i, 5);
    page.add(std::move(change));
  }
  co_return page;
}

asio::awaitable<setting> get_setting(connection& c, const std::string& key) {
  params p;
  p.bytea(key);
  const auto rows = co_await c.exec(sql::find_setting, p);
  setting found;
  if (rows.rows() != 0) {
    if (!rows.is_null(0, 0)) found.value = std::string(rows.bytes(0, 0));
    found.version = static_cast<std::uint64_t>(rows.integer(0, 1));
  }
  co_return found;
}

}  // namespace roost::pg
