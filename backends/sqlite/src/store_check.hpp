// What sqlite_storage::check() runs: SQLite's own integrity check of every page and
// index, then the cross-checks of Roost's tables against each other.
//
//   integrity  PRAGMA integrity_check: page structure, free list, every index against
//              its table, NOT NULL and STRICT types
//   timelines  each size equals its statuses recounted; no status of an unknown timeline
//   counts     unacked_counts equals the unacked statuses recounted per timeline and level
//   documents  every stored json is a JSON object
//   changes    per timeline consecutive revisions ending at its revision; ops known; a
//              by-reference row names a status whose change_rev is that revision
//
// Not thread-safe (one connection). Every finding goes into the report, including engine
// errors a damaged file raises on the way (SQLITE_CORRUPT); nothing is written.
#pragma once

#include "connection.hpp"
#include "storage/store_check.hpp"

namespace roost::sqlite {

store_check_report check_store(connection& db);

}  // namespace roost::sqlite
