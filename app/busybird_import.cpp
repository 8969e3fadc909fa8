#include "busybird_import.hpp"

#include <chrono>
#include <optional>
#include <set>

#include "batch_writer.hpp"
#include "busybird_time.hpp"
#include "connection.hpp"
#include "ndjson.hpp"
#include "sqlite_error.hpp"
#include "statement.hpp"
#include "storage/errors.hpp"
#include "storage/json_input.hpp"
#include "utf8_text.hpp"

namespace roost::app {

// ---- one row to one status -------------------------------------------------------------

namespace {

// The Twitter-style text of a timestamp column pair, nullopt when absent.
std::optional<std::string> timestamp_of(const std::string& utc, const std::string& zone,
                                        const char* column, std::vector<std::string>* warnings) {
  std::optional<std::chrono::sys_seconds> t;
  try {
    t = parse_busybird_utc(utc);
  } catch (const busybird_time_error& e) {
    throw busybird_error(std::string(column) + ": " + e.what());
  }
  if (!t) return std::nullopt;
  std::string warning;
  auto text = busybird_timestamp_text(*t, zone, &warning);
  if (!warning.empty() && warnings) warnings->push_back(std::move(warning));
  return text;
}

}  // namespace

status busybird_status(const busybird_row& row, std::vector<std::string>* warnings) {
  status s;
  try {
    // The one input rule of every way in: what this accepts, import accepts again.
    s = parse_json_input(row.content, max_status_depth, "content");
  } catch (const invalid_request& e) {
    throw busybird_error(e.what());
  }
  if (!s.is_object()) throw busybird_error("content is not a JSON object");
  if (row.status_id.empty() || !is_valid_utf8(row.status_id))
    throw busybird_error("status_id is empty or not valid UTF-8");
  const auto bb = s.find("busybird");
  if (bb != s.end() && !bb->is_object() && !bb->is_null())
    throw busybird_error("content's \"busybird\" is not an object");
  const bool content_has_level =
      bb != s.end() && bb->is_object() && bb->contains("level") && !(*bb)["level"].is_null();

  const auto created_at =
      timestamp_of(row.utc_created_at, row.timezone_created_at, "utc_created_at", warnings);
  const auto acked_at =
      timestamp_of(row.utc_acked_at, row.timezone_acked_at, "utc_acked_at", warnings);

  s["id"] = row.status_id;
  if (created_at)
    s["created_at"] = *created_at;
  else
    s.erase("created_at");
  // Touch "busybird" only when there is something to put there or to take away.
  if (acked_at || row.level != 0 || content_has_level) {
    auto& b = s["busybird"];
    if (b.is_null()) b = status::object();
    if (row.level != 0 || content_has_level) b["level"] = row.level;
    if (acked_at)
      b["acked_at"] = *acked_at;
    else
      b.erase("acked_at");
  } else if (bb != s.end() && bb->is_object()) {
    bb->erase("acked_at");
  }
  return s;
}

// ---- reading the database --------------------------------------------------------------

struct busybird_reader::impl {
  std::string path;
  std::optional<sqlite::connection> db;
  std::optional<sqlite::statement> rows;
  std::optional<sqlite::statement::active> reading;

  ~impl() {
    // The read transaction ends with the reader; a failing COMMIT of a read has nothing
    // left to lose, and a destructor has nobody to tell.
    reading.reset();
    rows.reset();
    if (db && db->in_transaction()) try {
        db->exec("COMMIT");
      } catch (const sqlite::sqlite_error&) {
      }
  }

  // Runs `f`, turning an engine failure into a busybird_error that names the file and
  // what was being done.
  template <typename F>
  auto guarded(const std::string& what, F&& f) {
    try {
      return f();
    } catch (const sqlite::sqlite_error& e) {
      throw busybird_error("BusyBird database \"" + path + "\": " + what + ": " +
                           e.engine_message() + " (SQLite code " + std::to_string(e.code()) + ")");
    }
  }

  std::uint64_t count(const std::string& sql) {
    return static_cast<std::uint64_t>(
        guarded("counting statuses", [&] { return db->query_int(sql); }));
  }
};

busybird_reader::busybird_reader(const std::filesystem::path& path)
    : impl_(std::make_unique<impl>()) {
  impl_->path = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw busybird_error("BusyBird database \"" + impl_->path + "\" is not a file");
  impl_->guarded("cannot open it read-only", [&] {
    impl_->db.emplace(impl_->path, sqlite::connection::open_mode::read_only, std::string());
    impl_->db->set_busy_timeout(std::chrono::seconds(5));
    // One read transaction: counts and rows come from the same state, even if BusyBird
    // is writing meanwhile.
    impl_->db->exec("BEGIN");
  });
  for (const char* table : {"timelines", "statuses"}) {
    const std::string sql =
        std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
        table + "'";
    if (impl_->count(sql) == 0)
      throw busybird_error("\"" + impl_->path +
                           "\" is not a BusyBird database: it has no table \"" + table + "\"");
  }
  const char* sql =
      "SELECT t.name, s.status_id, s.utc_acked_at, s.utc_created_at, s.timezone_acked_at,"
      " s.timezone_created_at, s.level, s.content"
      " FROM statuses AS s JOIN timelines AS t ON t.timeline_id = s.timeline_id"
      " ORDER BY s.timeline_id, s.status_id";
  impl_->guarded("not a BusyBird database",
                 [&] { impl_->rows.emplace(*impl_->db, sql, sqlite::statement::lifetime::once); });
  impl_->reading.emplace(*impl_->rows);
}

busybird_reader::~busybird_reader() = default;

std::uint64_t busybird_reader::status_count() {
  return impl_->count("SELECT count(*) FROM statuses");
}

std::uint64_t busybird_reader::orphan_count() {
  return impl_->count(
      "SELECT count(*) FROM statuses WHERE timeline_id NOT IN (SELECT timeline_id FROM timelines)");
}

bool busybird_reader::next(busybird_row& row) {
  auto& q = *impl_->reading;
  if (!impl_->guarded("reading statuses", [&] { return q.step(); })) return false;
  const auto text = [&](int col) { return std::string(q.column_text(col)); };
  row.timeline = text(0);
  row.status_id = text(1);
  static const char* const names[] = {"name",
                                      "status_id",
                                      "utc_acked_at",
                                      "utc_created_at",
                                      "timezone_acked_at",
                                      "timezone_created_at",
                                      "level",
                                      "content"};
  for (int col = 0; col < 8; ++col) {
    if (q.column_is_null(col))
      throw busybird_row_error("timeline \"" + row.timeline + "\", status_id \"" + row.status_id +
                               "\": column " + names[col] + " is NULL");
  }
  if (!q.column_is_integer(6))
    throw busybird_row_error("timeline \"" + row.timeline + "\", status_id \"" + row.status_id +
                             "\": level is not an integer");
  row.utc_acked_at = text(2);
  row.utc_created_at = text(3);
  row.timezone_acked_at = text(4);
  row.timezone_created_at = text(5);
  row.level = q.column_int64(6);
  row.content = text(7);
  return true;
}

// ---- the import ------------------------------------------------------------------------

busybird_import_result import_busybird(const std::filesystem::path& path, status_storage& target,
                                       const import_options& options, const run_hooks& hooks) {
  busybird_reader reader(path);
  busybird_import_result out;
  out.orphans = reader.orphan_count();
  if (out.orphans > 0)
    hooks.report(std::to_string(out.orphans) +
                 " statuses belong to no timeline in the BusyBird database and are left out");
  const auto total = reader.status_count() - out.orphans;

  const auto describe = [](const std::string& timeline, std::uint64_t n, const status& s) {
    std::string text = "row " + std::to_string(n) + " (timeline \"" + timeline + "\"";
    if (const auto id = s.find("id"); id != s.end() && id->is_string())
      text += ", status_id \"" + id->get<std::string>() + "\"";
    return text + ")";
  };
  batch_writer writer(target, options.mode, options.batch_size, options.on_error, hooks, describe);
  std::set<std::string> warned;
  std::vector<std::string> warnings;
  std::uint64_t n = 0;
  const auto finish = [&](run_outcome outcome, std::string message) {
    out.run.outcome = outcome;
    out.run.message = std::move(message);
    out.run.lines = n;
    out.run.totals = writer.totals();
    out.run.committed_through = writer.committed_through();
    return out;
  };
  std::size_t reported = 0;
  try {
    busybird_row row;
    while (true) {
      if (hooks.should_stop()) {
        writer.discard();
        return finish(run_outcome::stopped, "stopped");
      }
      bool go_on = true, got = false, bad_row = false;
      try {
        got = reader.next(row);
      } catch (const busybird_row_error& e) {
        // The reader has moved past the bad row; a failure of SQLite itself propagates.
        bad_row = true;
        go_on = writer.reject("row " + std::to_string(++n) + ": " + e.what());
      }
      if (!bad_row && !got) break;
      if (!bad_row) {
        ++n;
        status s;
        try {
          validate_timeline_name(row.timeline);
          warnings.clear();
          s = busybird_status(row, &warnings);
        } catch (const std::invalid_argument& e) {  // invalid_request: the timeline name
          go_on = writer.reject(describe(row.timeline, n, status{{"id", row.status_id}}) + ": " +
                                e.what());
        } catch (const busybird_error& e) {
          go_on = writer.reject(describe(row.timeline, n, status{{"id", row.status_id}}) + ": " +
                                e.what());
        }
        if (s.is_object()) {
          for (auto& w : warnings) {
            ++out.warnings;
            if (warned.insert(w).second) hooks.report(w + "; such timestamps are written in UTC");
          }
          go_on = writer.add(row.timeline, std::move(s), n);
        }
      }
      if (!go_on)
        return finish(run_outcome::aborted,
                      "stopped at invalid row " + std::to_string(n) + ", before writing its batch");
      if (writer.committed() != reported) {
        reported = writer.committed();
        hooks.advance(reported, total > 0 ? double(n) / double(total) : 1.0);
      }
    }
    if (!writer.flush()) return finish(run_outcome::aborted, "the store refused a batch");
    hooks.advance(writer.committed(), 1.0);
  } catch (const storage_failure& e) {
    writer.discard();
    return finish(run_outcome::failed, std::string("the store failed: ") + e.what());
  }
  return finish(run_outcome::completed, {});
}

}  // namespace roost::app
