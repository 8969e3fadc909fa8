// The PostgreSQL backend beyond the contract: its own thread, persistence across opens,
// schema versions, byte-exact keys and texts, options and connection failures.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "postgresql_support.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"

namespace {

using namespace roost;
using roost::testing::fresh_options;

put_request puts(std::string timeline, std::vector<nlohmann::json> statuses) {
  put_request r{std::move(timeline), put_mode::upsert, {}};
  for (auto& s : statuses) r.statuses.push_back(std::move(s));
  return r;
}

// Runs one SQL text on the test cluster with a plain libpq connection.
void run_sql(const std::string& sql) {
  PGconn* c = PQconnectdb(testing::postgresql_connection().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  const std::string message = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  INFO(message);
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
}

// The first column of the first row of one query (NULL: "NULL").
std::string sql_value(const std::string& sql) {
  PGconn* c = PQconnectdb(testing::postgresql_connection().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
  const std::string value = !ok ? "" : PQgetisnull(r, 0, 0) ? "NULL" : PQgetvalue(r, 0, 0);
  const std::string message = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  INFO(message);
  REQUIRE(ok);
  return value;
}

errc open_failure(const postgresql_options& options) {
  try {
    postgresql_storage store(options);
  } catch (const storage_failure& e) {
    INFO(e.what());
    return static_cast<errc>(e.code().value());
  }
  FAIL("the store opened");
  return {};
}

}  // namespace

TEST_CASE("postgresql: its own thread completes every operation", "[postgresql]") {
  auto store = make_postgresql_storage(fresh_options());
  CHECK(blocking::put_statuses(*store, puts("home", {{{"id", "a"}}, {{"id", "b"}}})) == 2);
  CHECK(blocking::get_unacked_counts(*store, "home").total == 2);
  CHECK(blocking::ack_statuses(*store, {"home", std::vector<std::string>{"a"}, {}, {}}) == 1);
  CHECK(blocking::get_revision(*store, "home") == 3);
  CHECK(blocking::timeline_names(*store) == std::vector<std::string>{"home"});
}

TEST_CASE("postgresql: what was committed is there when the schema is opened again",
          "[postgresql]") {
  const auto options = fresh_options();
  {
    postgresql_storage store(options);
    blocking::put_statuses(store, puts("home", {{{"id", 1}, {"text", "é \u00ff"}}}));
  }
  postgresql_storage again(options);
  const auto texts = blocking::get_status_texts(again, {"home"});
  REQUIRE(texts.size() == 1);
  CHECK(texts[0] == R"({"id":1,"text":"é ÿ"})");
  CHECK(blocking::get_revision(again, "home") == 1);
  blocking::put_statuses(again, puts("home", {{{"id", 2}}}));
  CHECK(blocking::get_changes(again, {"home", 0, 0}).last_revision == 2);
}

TEST_CASE("postgresql: ids and timeline names keep every byte, NUL included", "[postgresql]") {
  postgresql_storage store(fresh_options());
  const std::string timeline("a\0b", 3);
  const std::string id("x\0y", 3);
  blocking::put_statuses(store, puts(timeline, {{{"id", id}}}));
  CHECK(blocking::timeline_names(store) == std::vector<std::string>{timeline});
  const auto found =
      blocking::contains(store, {timeline, {nlohmann::json(id), nlohmann::json("x")}});
  CHECK(found.contained.size() == 1);
  CHECK(blocking::delete_statuses(store, {timeline, delete_selection::ids({id})}) == 1);
}

TEST_CASE("postgresql: a schema of a newer version is refused, and left alone", "[postgresql]") {
  const auto options = fresh_options();
  { postgresql_storage store(options); }
  run_sql("UPDATE \"" + options.schema + "\".roost_meta SET value = '99'");
  CHECK(open_failure(options) == errc::unsupported);
  run_sql("UPDATE \"" + options.schema + "\".roost_meta SET value = '" +
          std::to_string(postgresql_schema_version) + "'");
  postgresql_storage store(options);
}

TEST_CASE("postgresql: a schema of version 1 is upgraded in place, its log intact",
          "[postgresql]") {
  const auto options = fresh_options();
  {
    postgresql_storage store(options);
    blocking::put_statuses(store, puts("home", {{{"id", "a"}, {"n", 1}}, {{"id", "b"}}}));
  }
  // Back to what version 1 wrote: every change holding its text, no change_rev, foreign
  // keys to timelines.
  const std::string s = "\"" + options.schema + "\".";
  run_sql("UPDATE " + s + "changes AS c SET json = t.json FROM " + s +
          "statuses AS t WHERE c.json IS NULL AND c.op IN (1, 2) AND t.timeline = c.timeline "
          "AND t.id = c.id; ALTER TABLE " +
          s + "statuses DROP COLUMN change_rev; " + "ALTER TABLE " + s +
          "statuses ADD FOREIGN KEY (timeline) REFERENCES " + s + "timelines (id); ALTER TABLE " +
          s + "changes ADD FOREIGN KEY (timeline) REFERENCES " + s +
          "timelines (id); ALTER TABLE " + s +
          "unacked_counts ADD FOREIGN KEY (timeline) REFERENCES " + s + "timelines (id); " +
          "UPDATE " + s + "roost_meta SET value = '1'");
  postgresql_storage store(options);
  CHECK(sql_value("SELECT value FROM " + s + "roost_meta") ==
        std::to_string(postgresql_schema_version));
  CHECK(sql_value("SELECT count(*) FROM pg_catalog.pg_constraint WHERE contype = 'f' AND "
                  "connamespace = '" +
                  options.schema + "'::regnamespace") == "0");
  // The old rows still read, and the statuses they name change as usual.
  blocking::put_statuses(store, puts("home", {{{"id", "a"}, {"n", 2}}}));
  CHECK(blocking::ack_statuses(store, {"home", std::vector<std::string>{"b"}, {}, {}}) == 1);
  const auto page = blocking::get_changes(store, {"home", 0, 0});
  REQUIRE(page.changes.size() == 4);
  CHECK(nlohmann::json::parse(page.changes[0].status_json)["n"] == 1);
  CHECK(page.changes[1].id == "b");
  CHECK(nlohmann::json::parse(page.changes[2].status_json)["n"] == 2);
  CHECK(page.changes[3].op == change_op::ack);
}

TEST_CASE("postgresql: the change log refers to unchanged statuses, and keeps each text",
          "[postgresql]") {
  const auto options = fresh_options();
  postgresql_storage store(options);
  const std::string changes = "\"" + options.schema + "\".changes";
  blocking::put_statuses(store, puts("home", {{{"id", "a"}, {"n", 1}}}));
  CHECK(sql_value("SELECT json FROM " + changes + " WHERE revision = 1") == "NULL");
  blocking::put_statuses(store, puts("home", {{{"id", "a"}, {"n", 2}}, {{"id", "b"}}}));
  CHECK(blocking::ack_statuses(store, {"home", std::vector<std::string>{"a"}, {}, {}}) == 1);
  CHECK(blocking::delete_statuses(store, {"home", delete_selection::ids({"b"})}) == 1);
  // Each change of a status that changed again was given its text first.
  CHECK(sql_value("SELECT count(*) FROM " + changes + " WHERE json IS NULL AND op IN (1, 2)") ==
        "0");
  const auto page = blocking::get_changes(store, {"home", 0, 0});
  REQUIRE(page.changes.size() == 5);
  CHECK(nlohmann::json::parse(page.changes[0].status_json)["n"] == 1);
  CHECK(nlohmann::json::parse(page.changes[1].status_json)["n"] == 2);
  CHECK(nlohmann::json::parse(page.changes[2].status_json)["id"] == "b");
  CHECK(page.changes[3].op == change_op::ack);
  CHECK(page.changes[4].op == change_op::remove);
}

TEST_CASE("postgresql: a schema holding other tables is not taken over", "[postgresql]") {
  const auto options = fresh_options();
  run_sql("CREATE SCHEMA \"" + options.schema + "\"; CREATE TABLE \"" + options.schema +
          "\".accounts (id int)");
  CHECK(open_failure(options) == errc::corrupt);
}

TEST_CASE("postgresql: a read-only open creates nothing", "[postgresql]") {
  auto options = fresh_options();
  options.create_schema = false;
  CHECK(open_failure(options) == errc::io_error);
  options.create_schema = true;
  { postgresql_storage store(options); }
  options.create_schema = false;
  postgresql_storage store(options);
  CHECK(blocking::timeline_names(store).empty());
}

TEST_CASE("postgresql: bad options and an unreachable server are clear errors", "[postgresql]") {
  auto options = fresh_options();
  options.pool_size = 0;
  CHECK_THROWS_AS(postgresql_storage(options), invalid_request);
  options = fresh_options();
  options.connection = "host=/nonexistent-roost-dir dbname=postgres connect_timeout=2";
  CHECK(open_failure(options) == errc::io_error);
  options.connection = "not a = valid = string";
  CHECK_THROWS_AS(postgresql_storage(options), invalid_request);
}

TEST_CASE("postgresql: a statement past statement_timeout fails as busy, changing nothing",
          "[postgresql]") {
  auto options = fresh_options();
  options.statement_timeout = std::chrono::milliseconds(200);
  postgresql_storage store(options);
  blocking::put_statuses(store, puts("home", {{{"id", "a"}}}));
  // Another session holds the timeline's row lock: the writer's first statement waits.
  PGconn* c = PQconnectdb(testing::postgresql_connection().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PQclear(
      PQexec(c, ("BEGIN; SELECT * FROM \"" + options.schema + "\".timelines FOR UPDATE").c_str()));
  try {
    blocking::put_statuses(store, puts("home", {{{"id", "b"}}}));
    FAIL("the put went through a held lock");
  } catch (const storage_failure& e) {
    INFO(e.what());
    CHECK(e.code() == make_error_code(errc::busy));
  }
  PQclear(PQexec(c, "ROLLBACK"));
  PQfinish(c);
  CHECK(blocking::get_unacked_counts(store, "home").total == 1);
  CHECK(blocking::put_statuses(store, puts("home", {{{"id", "b"}}})) == 1);
}
