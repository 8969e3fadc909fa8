#include "schema.hpp"

#include <optional>
#include <string>

#include "key_codec.hpp"
#include "lmdb_errors.hpp"
#include "table_access.hpp"
#include "transaction.hpp"

namespace roost::detail {
namespace {

namespace fmt = lmdb_format;

// Opens a named table; nullopt when it does not exist and `create` is false.
std::optional<MDB_dbi> open_table(MDB_txn* txn, const char* name, bool create) {
  MDB_dbi dbi = 0;
  const int rc = ::mdb_dbi_open(txn, name, create ? MDB_CREATE : 0, &dbi);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc == MDB_INCOMPATIBLE)
    throw lmdb_backend_error(errc::corrupt, std::string("holds LMDB data that is not a Roost store "
                                                        "(\"") +
                                                name + "\" is not a table)");
  if (rc != MDB_SUCCESS) lmdb::error::raise("mdb_dbi_open", rc);
  return dbi;
}

// True when the main table holds nothing at all: a new environment.
bool environment_is_empty(MDB_txn* txn) {
  MDB_dbi main = 0;
  lmdb::dbi_open(txn, nullptr, 0, &main);
  MDB_stat stat{};
  lmdb::dbi_stat(txn, main, &stat);
  return stat.ms_entries == 0;
}

// The format version of an existing store; refuses a newer or invalid one.
std::uint32_t read_version(MDB_txn* txn, MDB_dbi meta) {
  const auto version = get_value(txn, meta, meta_format_key);
  if (!version || version->size() != 4)
    throw lmdb_backend_error(errc::corrupt, "is not a Roost store (no format version)");
  const std::uint32_t v = fmt::read_u32(version->data());
  if (v > fmt::format_version)
    throw lmdb_backend_error(errc::unsupported,
                             "was written in Roost LMDB format version " + std::to_string(v) +
                                 ", newer than the version " + std::to_string(fmt::format_version) +
                                 " this program reads");
  if (v == 0) throw lmdb_backend_error(errc::corrupt, "has an invalid format version 0");
  return v;
}

// Opens a table every store of `version` has.
MDB_dbi need_table(MDB_txn* txn, const char* name) {
  const auto dbi = open_table(txn, name, false);
  if (!dbi)
    throw lmdb_backend_error(
        errc::corrupt, std::string("is a damaged Roost store (table \"") + name + "\" is missing)");
  return *dbi;
}

// Opens the tables of an existing store of the current version; in a write transaction,
// upgrades an older one first. Returns nullopt for an older store in a read transaction
// (the caller retries under the writer lock).
std::optional<lmdb_tables> open_existing(MDB_txn* txn, MDB_dbi meta, bool may_upgrade,
                                         bool read_only = false) {
  const std::uint32_t v = read_version(txn, meta);
  // Version 2 reads as version 3 (only writes differ); version 1 lacks the change log.
  if (read_only && v == 1)
    throw lmdb_backend_error(errc::unsupported,
                             "is in Roost LMDB format version 1, which must be upgraded before "
                             "it is read: open it once for writing (roost serve or import)");
  if (read_only && v == 2)
    may_upgrade = false;
  else if (v < fmt::format_version && !may_upgrade)
    return std::nullopt;
  lmdb_tables t;
  t.meta = meta;
  t.timelines = need_table(txn, "timelines");
  t.statuses = need_table(txn, "statuses");
  t.order = need_table(txn, "order");
  t.counts = need_table(txn, "counts");
  if (v >= 2) {
    t.changes = need_table(txn, "changes");
  } else {
    // 1 -> 2: an empty change log. The timelines keep their revisions, from which the
    // log's revisions continue.
    if (open_table(txn, "changes", false))
      throw lmdb_backend_error(errc::corrupt,
                               "is a damaged Roost store (format version 1 with a change log)");
    t.changes = *open_table(txn, "changes", true);
  }
  if (const auto settings = open_table(txn, "settings", may_upgrade && !read_only))
    t.settings = *settings;
  else if (!read_only)
    return std::nullopt;  // created under the writer lock
  if (v < fmt::format_version && may_upgrade) {
    // 2 -> 3 changes no record: version 2's log entries all carry their text, and its
    // status records have no change revision, which reads as "logged with its text".
    std::string version;
    fmt::append_u32(version, fmt::format_version);
    put_value(txn, meta, meta_format_key, version);
  }
  return t;
}

// In a write transaction: creates every table and the meta entries.
lmdb_tables create_store(MDB_txn* txn) {
  lmdb_tables t;
  t.meta = *open_table(txn, "meta", true);
  t.timelines = *open_table(txn, "timelines", true);
  t.statuses = *open_table(txn, "statuses", true);
  t.order = *open_table(txn, "order", true);
  t.counts = *open_table(txn, "counts", true);
  t.changes = *open_table(txn, "changes", true);
  t.settings = *open_table(txn, "settings", true);
  std::string version;
  fmt::append_u32(version, fmt::format_version);
  put_value(txn, t.meta, meta_format_key, version);
  std::string next;
  fmt::append_u32(next, 1);
  put_value(txn, t.meta, meta_next_timeline_key, next);
  return t;
}

[[noreturn]] void not_a_roost_store() {
  throw lmdb_backend_error(errc::corrupt,
                           "holds LMDB data that is not a Roost store (no \"meta\" table)");
}

}  // namespace

lmdb_tables open_tables(MDB_env* env, bool read_only) {
  // A read transaction first, so that opening a current store never takes the writer
  // lock and never writes anything.
  {
    transaction txn(env, MDB_RDONLY);
    if (const auto meta = open_table(txn.get(), "meta", false)) {
      if (const auto t = open_existing(txn.get(), *meta, false, read_only)) {
        txn.commit();  // a committed transaction hands its table handles to the environment
        return *t;
      }
      // An older version, or no settings table: upgraded below.
    } else if (!environment_is_empty(txn.get())) {
      not_a_roost_store();
    } else if (read_only) {
      throw lmdb_backend_error(errc::corrupt,
                               "is an empty LMDB environment: no Roost store was ever written");
    }
  }
  // Empty or older: create or upgrade the store, checking again under the writer lock in
  // case another process did meanwhile.
  transaction txn(env, 0);
  lmdb_tables t;
  if (const auto meta = open_table(txn.get(), "meta", false))
    t = *open_existing(txn.get(), *meta, true);
  else if (environment_is_empty(txn.get()))
    t = create_store(txn.get());
  else
    not_a_roost_store();
  txn.commit();
  return t;
}

}  // namespace roost::detail
