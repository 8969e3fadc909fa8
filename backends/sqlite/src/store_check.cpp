#include "store_check.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "sql.hpp"
#include "sqlite_error.hpp"
#include "statement.hpp"
#include "storage/json_input.hpp"
#include "storage/settings.hpp"
#include "storage/utf8.hpp"

namespace roost::sqlite {
namespace {

class checker {
public:
  checker(connection& db, store_check_report& r) : db_(db), r_(r) {}

  void run() {
    step("integrity check", [&] { integrity(); });
    step("timelines", [&] { timelines(); });
    step("unacked counts", [&] { counts(); });
    step("documents", [&] { documents(); });
    step("change log", [&] { changes(); });
    step("settings", [&] { settings(); });
  }

private:
  // Each step on its own: a damaged page one step trips over does not hide the others.
  void step(const char* what, const std::function<void()>& body) {
    try {
      body();
    } catch (const sqlite_error& e) {
      r_.add(std::string(what) + ": " + e.call() + " failed: " + quote_lossy(e.engine_message()) +
             " (" + std::string(code_name(e.code())) + ")");
    }
  }

  // Calls `row` for each row of `sql`.
  void each(std::string_view sql, const std::function<void(statement::active&)>& row) {
    statement stmt(db_, sql, statement::lifetime::once);
    auto q = stmt.start();
    while (q.step()) row(q);
  }

  std::string timeline_label(std::int64_t id) const {
    const auto it = names_.find(id);
    return it == names_.end() ? "timeline #" + std::to_string(id)
                              : "timeline " + quote_lossy(it->second);
  }

  void integrity() {
    r_.pages = static_cast<std::uint64_t>(db_.query_int("PRAGMA page_count"));
    each("PRAGMA integrity_check(100)", [&](statement::active& q) {
      const auto line = q.column_text(0);
      if (line != "ok") r_.add("integrity_check: " + quote_lossy(line));
    });
  }

  void timelines() {
    each(
        "SELECT t.id, t.name, t.size, (SELECT count(*) FROM statuses AS s WHERE s.timeline = t.id) "
        "FROM timelines AS t ORDER BY t.id",
        [&](statement::active& q) {
          const auto id = q.column_int64(0);
          names_[id] = std::string(q.column_blob(1));
          ++r_.timelines;
          r_.statuses += static_cast<std::size_t>(q.column_int64(3));
          if (q.column_int64(2) != q.column_int64(3))
            r_.add(timeline_label(id) + ": its row counts " + std::to_string(q.column_int64(2)) +
                   " statuses, it holds " + std::to_string(q.column_int64(3)));
        });
    each(
        "SELECT timeline, count(*) FROM statuses WHERE timeline NOT IN (SELECT id FROM timelines) "
        "GROUP BY timeline",
        [&](statement::active& q) {
          r_.add(std::to_string(q.column_int64(1)) + " statuses belong to timeline #" +
                 std::to_string(q.column_int64(0)) + ", which does not exist");
        });
  }

  void counts() {
    using key = std::pair<std::int64_t, std::int64_t>;  // timeline, level
    std::map<key, std::int64_t> stored, actual;
    each("SELECT timeline, level, count FROM unacked_counts", [&](statement::active& q) {
      stored[{q.column_int64(0), q.column_int64(1)}] = q.column_int64(2);
    });
    each(
        "SELECT timeline, level, count(*) FROM statuses WHERE order_key < x'01' "
        "GROUP BY timeline, level",
        [&](statement::active& q) {
          actual[{q.column_int64(0), q.column_int64(1)}] = q.column_int64(2);
        });
    for (const auto& [k, n] : stored) {
      const auto it = actual.find(k);
      const std::int64_t real = it == actual.end() ? 0 : it->second;
      if (real != n)
        r_.add(timeline_label(k.first) + ", level " + std::to_string(k.second) + ": " +
               std::to_string(n) + " unacked counted, " + std::to_string(real) +
               " unacked statuses");
    }
    for (const auto& [k, n] : actual)
      if (!stored.contains(k))
        r_.add(timeline_label(k.first) + ", level " + std::to_string(k.second) +
               ": no unacked count, " + std::to_string(n) + " unacked statuses");
  }

  // Every document checked as put would check it, and against its row's columns.
  void documents() {
    each("SELECT timeline, id, level, order_key, json FROM statuses", [&](statement::active& q) {
      const auto problem = stored_document_problem(
          std::string(q.column_text(4)),
          {.id = q.column_blob(1), .level = q.column_int64(2), .order_key = q.column_blob(3)});
      if (!problem.empty())
        r_.add(timeline_label(q.column_int64(0)) + ", status " + quote_lossy(q.column_blob(1)) +
               ": " + problem);
    });
  }

  void changes() {
    std::map<std::int64_t, std::int64_t> revisions;
    each("SELECT id, revision FROM timelines",
         [&](statement::active& q) { revisions[q.column_int64(0)] = q.column_int64(1); });
    each("SELECT timeline, min(revision), max(revision), count(*) FROM changes GROUP BY timeline",
         [&](statement::active& q) {
           const auto tl = q.column_int64(0);
           const auto first = q.column_int64(1), last = q.column_int64(2), n = q.column_int64(3);
           r_.changes += static_cast<std::size_t>(n);
           const auto it = revisions.find(tl);
           if (it == revisions.end()) {
             r_.add(std::to_string(n) + " changes belong to timeline #" + std::to_string(tl) +
                    ", which does not exist");
             return;
           }
           if (last != it->second)
             r_.add(timeline_label(tl) + ": the change log ends at revision " +
                    std::to_string(last) + ", the timeline is at " + std::to_string(it->second));
           if (last - first + 1 != n)
             r_.add(timeline_label(tl) + ": the change log from revision " + std::to_string(first) +
                    " to " + std::to_string(last) + " has holes (" + std::to_string(n) +
                    " entries)");
         });
    each("SELECT timeline, revision, op FROM changes WHERE op NOT BETWEEN 1 AND 4",
         [&](statement::active& q) {
           r_.add(timeline_label(q.column_int64(0)) + ", change " +
                  std::to_string(q.column_int64(1)) + ": unknown op " +
                  std::to_string(q.column_int64(2)));
         });
    each(
        "SELECT c.timeline, c.revision, c.id FROM changes AS c "
        "WHERE c.json IS NULL AND c.op IN (1, 2) AND NOT EXISTS (SELECT 1 FROM statuses AS s "
        "WHERE s.timeline = c.timeline AND s.id = c.id AND s.change_rev = c.revision)",
        [&](statement::active& q) {
          r_.add(timeline_label(q.column_int64(0)) + ", change " +
                 std::to_string(q.column_int64(1)) + ": refers to status " +
                 quote_lossy(q.column_blob(2)) +
                 ", which is gone or was changed since without the log keeping its text");
        });
  }

  // A store without the table (written before settings existed) has none: that is sound.
  void settings() {
    if (db_.query_int(sql::settings_table_exists) == 0) return;
    each("SELECT key, value, version, typeof(value) FROM settings", [&](statement::active& q) {
      const std::string key(q.column_text(0));
      const auto label = "setting " + quote_lossy(key);
      try {
        validate_setting_key(key);
      } catch (const invalid_request& e) {
        r_.add(label + ": not a valid key (" + e.what() + ")");
      }
      if (q.column_int64(2) <= 0)
        r_.add(label + ": version " + std::to_string(q.column_int64(2)) + " is not positive");
      if (q.column_is_null(1)) return;
      const auto value = q.column_text(1);
      if (value.size() > max_setting_value_size)
        r_.add(label + ": the value is larger than " + std::to_string(max_setting_value_size) +
               " bytes");
      if (!is_valid_utf8(value)) r_.add(label + ": the value is not valid UTF-8");
    });
  }

  connection& db_;
  store_check_report& r_;
  std::map<std::int64_t, std::string> names_;
};

}  // namespace

store_check_report check_store(connection& db) {
  store_check_report report;
  checker(db, report).run();
  return report;
}

}  // namespace roost::sqlite
