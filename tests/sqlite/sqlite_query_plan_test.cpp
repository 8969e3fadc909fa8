// The statements that find statuses or changes use the indexes: EXPLAIN QUERY PLAN shows
// a SEARCH on the right index for each, never a full SCAN of statuses or changes nor a
// temporary B-tree for the ORDER BY. So a page (of statuses or of changes) costs
// O(log N + count), whatever the size of the timeline or of its log.
#include <catch2/catch.hpp>

#include "sql.hpp"
#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;
using Catch::Matchers::Contains;
namespace sql = roost::sqlite::sql;

namespace {

std::string plan_of(raw_db& db, std::string_view statement) {
  std::string plan;
  for (const auto& row : db.rows("EXPLAIN QUERY PLAN " + std::string(statement)))
    plan += row + "\n";
  return plan;
}

}  // namespace

TEST_CASE("reads and writes of statuses use the indexes", "[sqlite][plan]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  {
    sqlite_storage storage(options);
    for (const auto* t : {"a", "b", "c"})
      blocking::put_statuses(storage, {t, put_mode::insert, make_statuses("s", 0, 300)});
    blocking::ack_statuses(storage, {.timeline = "b", .max_id = "s150"});
  }
  raw_db db(options.path);
  // Also with statistics, which may change the planner's mind.
  const bool analyzed = GENERATE(false, true);
  if (analyzed) db.exec("ANALYZE");

  struct expectation {
    std::string_view sql;
    const char* index;
  };
  const expectation expected[] = {
      {sql::page, "statuses_by_order"},
      {sql::unacked_from, "statuses_by_order"},
      {sql::oldest_statuses, "statuses_by_order"},
      {sql::delete_from_key, "statuses_by_order"},
      {sql::timeline_ids, "statuses_by_order"},
      {sql::status_document, "INTEGER PRIMARY KEY"},
      {sql::find_status, "statuses_by_id"},
      {sql::status_exists, "statuses_by_id"},
      {sql::delete_status, "statuses_by_id"},
      {sql::delete_all_statuses, "statuses_by_"},
      {sql::find_timeline, "timelines_by_name"},
      {sql::timeline_revision, "timelines_by_name"},
      {sql::counts, "timelines_by_name"},
      {sql::change_page, "changes_by_revision"},
      {sql::prune_changes, "changes_by_revision"},
  };
  for (const auto& e : expected) {
    const auto plan = plan_of(db, e.sql);
    INFO(e.sql << "\n" << plan);
    CHECK_THAT(plan, Contains("SEARCH") && Contains(e.index));
    CHECK_THAT(plan, !Contains("SCAN statuses") && !Contains("SCAN s ") &&
                         !Contains("SCAN changes") && !Contains("TEMP B-TREE"));
  }
  // The counts come from a primary-key search on unacked_counts, not from statuses.
  CHECK_THAT(plan_of(db, sql::counts),
             Contains("SEARCH c USING PRIMARY KEY") && !Contains("statuses"));
  // A setting is one primary-key search of the settings table.
  CHECK_THAT(plan_of(db, sql::find_setting),
             Contains("SEARCH settings USING PRIMARY KEY") && !Contains("SCAN"));
}
