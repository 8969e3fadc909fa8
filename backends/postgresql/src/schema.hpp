// Setting up the schema: created when missing, upgraded in place when older, refused
// when newer or not Roost's. Runs once, blocking, when a store is opened.
#pragma once

#include <string>

#include "pg_connection.hpp"

namespace roost::pg {

/// Brings the schema `settings.schema` to postgresql_schema_version inside one
/// transaction, taking turns with other programs doing the same. When `create` is false,
/// a missing schema is refused instead. Throws storage_failure (naming `store`).
void ensure_schema(const session_settings& settings, bool create, const std::string& store);

}  // namespace roost::pg
