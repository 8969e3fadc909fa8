// The logical half of lmdb_storage::check(): every record of every table decoded and
// cross-checked against the others, on one snapshot.
//
//   meta       the format version and the next timeline number (above every timeline's)
//   timelines  each record decodes and sits under the key its name gives; numbers unique
//   statuses   each record decodes, sits under its id's key in a known timeline, holds a
//              JSON object, and has the order entry its order key names, pointing back
//   order      each entry points to a status; as many entries as statuses
//   counts     equal to the unacked statuses recounted per timeline and level
//   sizes      each timeline record's size equals its statuses recounted
//   changes    keys of known timelines; per timeline consecutive revisions ending at its
//              revision; each record decodes; a by-reference entry names a status whose
//              record carries that revision
//   settings   each record decodes under a valid key, version > 0, value UTF-8 in size
//
// REQUIRES: the pages were walked first (page_walk.hpp, without problems): this reads
// through LMDB, which trusts its pages. Throws lmdb::error for engine failures; what it
// finds in the records goes into the report.
#pragma once

#include <lmdb.h>

#include "schema.hpp"
#include "storage/store_check.hpp"

namespace roost::detail {

void check_records(MDB_txn* txn, const lmdb_tables& tables, store_check_report& report);

}  // namespace roost::detail
