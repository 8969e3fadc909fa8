// The roost program on PostgreSQL: storage URIs, migrate sqlite -> postgresql -> lmdb with
// identical exports, stats, and reading commands that create nothing.
#include <catch2/catch.hpp>

#include "../app/app_support.hpp"
#include "postgresql_support.hpp"
#include "storage_uri.hpp"

namespace {

using namespace roost;
using namespace roost::testing;

// A URI of the test cluster in libpq's URI form, with the schema as Roost's parameter.
std::string cluster_uri(const std::string& schema) {
  const auto conninfo = postgresql_connection();  // "host=DIR dbname=postgres user=roost"
  const auto host = conninfo.substr(5, conninfo.find(' ') - 5);
  return "postgresql:///postgres?host=" + host + "&user=roost&roost_schema=" + schema;
}

}  // namespace

TEST_CASE("postgresql storage URIs: libpq's two forms and Roost's schema parameter",
          "[postgresql][commands]") {
  auto o =
      app::postgresql_location("postgresql://u@db.example/roost?sslmode=require&roost_schema=a");
  REQUIRE(o);
  CHECK(o->connection == "postgresql://u@db.example/roost?sslmode=require");
  CHECK(o->schema == "a");
  o = app::postgresql_location("postgres://db/x?roost_schema=b&sslmode=disable");
  CHECK(o->connection == "postgres://db/x?sslmode=disable");
  CHECK(o->schema == "b");
  o = app::postgresql_location("postgresql:host=/run/postgresql roost_schema=c dbname=roost");
  CHECK(o->connection == "host=/run/postgresql dbname=roost");
  CHECK(o->schema == "c");
  o = app::postgresql_location("postgresql://db/x");
  CHECK(o->schema == "roost");
  CHECK_FALSE(app::postgresql_location("sqlite:x.db"));
  CHECK_THROWS_AS(app::postgresql_location("postgresql://db/x?roost_schema="), invalid_request);
}

TEST_CASE("roost migrate sqlite -> postgresql -> lmdb gives identical exports",
          "[postgresql][commands]") {
  temp_dir dir;
  {
    auto a = open_store(store_kind::sqlite, dir, "a");
    fill_varied(*a, 40);
  }
  const auto sqlite_uri = store_uri(store_kind::sqlite, dir, "a");
  const auto pg_uri = cluster_uri(fresh_schema());
  const auto lmdb_uri = store_uri(store_kind::lmdb, dir, "c");

  const auto to_pg = run_roost({"migrate", "--from", sqlite_uri, "--to", pg_uri});
  INFO(to_pg.err);
  REQUIRE(to_pg.code() == 0);
  const auto to_lmdb = run_roost({"migrate", "--from", pg_uri, "--to", lmdb_uri});
  INFO(to_lmdb.err);
  REQUIRE(to_lmdb.code() == 0);

  const auto from_sqlite = run_roost({"export", "--storage", sqlite_uri});
  const auto from_pg = run_roost({"export", "--storage", pg_uri});
  const auto from_lmdb = run_roost({"export", "--storage", lmdb_uri});
  REQUIRE(from_sqlite.code() == 0);
  REQUIRE(from_pg.code() == 0);
  REQUIRE(from_lmdb.code() == 0);
  CHECK(!from_sqlite.out.empty());
  CHECK(from_pg.out == from_sqlite.out);
  CHECK(from_lmdb.out == from_sqlite.out);

  const auto stats = run_roost({"stats", "--storage", pg_uri, "--format", "json"});
  INFO(stats.err);
  CHECK(stats.code() == 0);
  CHECK(stats.out.find("\"timelines\"") != std::string::npos);
}

TEST_CASE("reading commands on PostgreSQL create no schema", "[postgresql][commands]") {
  const auto schema = fresh_schema();
  const auto uri = cluster_uri(schema);
  const auto exported = run_roost({"export", "--storage", uri});
  CHECK(exported.code() != 0);
  CHECK(exported.err.find("no Roost schema") != std::string::npos);
  // Still none: an import (a writing command) creates it.
  auto options = fresh_options();
  options.schema = schema;
  options.create_schema = false;
  CHECK_THROWS_AS(postgresql_storage(options), storage_failure);
  const auto checked = run_roost({"check", "--storage", uri});
  CHECK(checked.code() == 2);
  CHECK(checked.err.find("pg_amcheck") != std::string::npos);
}
