#include "schema.hpp"

#include "pg_error.hpp"
#include "sql.hpp"
#include "storage/postgresql_storage.hpp"

namespace roost::pg {
namespace {

[[noreturn]] void refuse(errc code, const std::string& store, const std::string& problem) {
  throw storage_failure(
      storage_error(make_error_code(code), "postgresql store " + store + ": " + problem));
}

}  // namespace

void ensure_schema(const session_settings& settings, bool create, const std::string& store) {
  try {
    blocking_connection db(settings);
    db.run_script("BEGIN");
    {
      params p;
      p.int8(sql::setup_lock);
      db.exec("SELECT pg_advisory_xact_lock($1)", p);
    }
    params name;
    name.text(settings.schema);
    const bool schema_there = db.exec(sql::schema_exists, name).integer(0, 0) != 0;
    if (!schema_there) {
      if (!create) refuse(errc::io_error, store, "there is no Roost schema here");
      db.run_script("CREATE SCHEMA " + quote_identifier(settings.schema));
    }
    int version = 0;
    if (db.exec(sql::meta_exists).bytes(0, 0) == std::string_view("\x01", 1)) {
      version = static_cast<int>(db.exec(sql::read_version).integer(0, 0));
    } else if (db.exec(sql::schema_tables, name).integer(0, 0) != 0) {
      refuse(errc::corrupt, store,
             "schema \"" + settings.schema +
                 "\" holds tables that are not Roost's; choose another schema name");
    }
    if (version > postgresql_schema_version)
      refuse(errc::unsupported, store,
             "the schema is at version " + std::to_string(version) +
                 ", written by a newer Roost; this one knows versions up to " +
                 std::to_string(postgresql_schema_version));
    if (version < postgresql_schema_version && !create)
      refuse(errc::unsupported, store,
             "the schema is at version " + std::to_string(version) +
                 " and needs an upgrade, which a read-only open does not do");
    for (const auto& m : sql::migrations)
      if (m.to > version) db.run_script(m.script);
    if (version != postgresql_schema_version) {
      params v;
      v.text(std::to_string(postgresql_schema_version));
      db.exec(sql::write_version, v);
    }
    db.run_script("COMMIT");
  } catch (const pg_error& e) {
    throw storage_failure(to_storage_error(e, "opening", store));
  }
}

}  // namespace roost::pg
