// postgresql_storage: a status_storage in a PostgreSQL database, shared safely by many
// processes on many hosts (docs/postgresql.md).
//
// Asynchronous: libpq runs non-blocking and Asio watches its sockets, so no thread ever
// waits for the database. Every operation is one PostgreSQL transaction on one of a
// bounded pool of connections; it happens completely or not at all, and once its callback
// reports success it is committed. Callbacks run on the storage's executor (the one given
// to make_postgresql_storage in storage/postgresql_asio.hpp, or the storage's own thread
// for the constructor below), never inside the call that started the operation.
//
// Writers of one timeline are serialized by a lock on the timeline's row, held until they
// commit, so revisions are assigned in commit order and a reader following get_changes
// never skips a change that commits late. Readers take no locks and never wait for
// writers.
//
// Changes made elsewhere: every write tells the schema's other storages which timeline it
// changed (a NOTIFY delivered at its commit), and each storage calls its change listeners
// for the changes of the others as for its own, on its executor, unless
// postgresql_options::listen_for_changes is off. So a server hears other servers,
// imports and library users on the same schema.
//
// Failures (a lost connection, a server restart, statement_timeout, a full disk) reach the
// callback as a storage_error naming the operation and PostgreSQL's message and SQLSTATE;
// nothing is half-written. A connection that failed is replaced on its next use.
//
// Thread safety: every operation may be called from any thread, concurrently. The
// destructor fails operations still waiting for a connection with errc::cancelled. With
// its own thread it waits for the running ones; on a caller's executor they complete
// there later (the state they need lives until they have), so that a destructor running
// on that executor never waits for itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost {

/// The schema version this program writes and reads (the `roost_meta` table). Older
/// schemas are upgraded when opened; a database written by a newer version is refused.
inline constexpr int postgresql_schema_version = 2;

/// Options of a postgresql_storage.
struct postgresql_options {
  /// A libpq connection string or URI: "postgresql://user@host/db",
  /// "host=/run/postgresql dbname=roost". Empty uses libpq's defaults (PGHOST, ...).
  std::string connection;
  /// The PostgreSQL schema that holds Roost's tables, created when missing; several
  /// Roost installations can share one database under different schema names.
  std::string schema = "roost";
  /// The most connections the storage opens (at least 1). Operations beyond that wait
  /// for a connection in the order they were started.
  std::size_t pool_size = 4;
  /// PostgreSQL's statement_timeout for every statement; 0 for none. A statement that
  /// takes longer fails its operation with errc::busy and changes nothing.
  std::chrono::milliseconds statement_timeout{30000};
  /// Truncation (also per-timeline capacities), default page size, change retention.
  storage_limits limits;
  /// Create the schema when it is missing, upgrade it when it is older. False refuses
  /// a database without an up-to-date Roost schema instead (what reading commands use,
  /// so that they never create or change anything).
  bool create_schema = true;
  /// Hear the changes that other storages (other processes, other storage objects) make
  /// to the schema, and call this storage's change listeners for them as for its own: on
  /// one more connection, which LISTENs (docs/postgresql.md, "Several storages on one
  /// schema"). Commands that only move data turn it off.
  bool listen_for_changes = true;
};

/// The PostgreSQL backend. Non-copyable; see the top of this header for its rules.
class postgresql_storage final : public status_storage {
public:
  struct impl;

  /// Connects, creates or upgrades the schema, and runs callbacks on a thread of its
  /// own. Throws invalid_request for bad options, and storage_failure when the database
  /// cannot be reached (errc::io_error), holds a schema of a newer version
  /// (errc::unsupported) or tables that are not Roost's (errc::corrupt).
  explicit postgresql_storage(postgresql_options options);

  /// Used by make_postgresql_storage (storage/postgresql_asio.hpp).
  explicit postgresql_storage(std::shared_ptr<impl> impl);

  /// Fails operations still waiting for a connection with errc::cancelled and closes the
  /// idle connections; see the top of this header for the running ones. Never throws.
  ~postgresql_storage() override;

  /// The options the store was opened with.
  const postgresql_options& options() const noexcept;

protected:
  void do_put_statuses(prepared_put request, count_callback done) override;
  void do_get_statuses(prepared_get request, texts_callback done) override;
  void do_ack_statuses(prepared_ack request, count_callback done) override;
  void do_delete_statuses(delete_request request, count_callback done) override;
  void do_get_unacked_counts(std::string timeline, counts_callback done) override;
  void do_contains(std::string timeline, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override;
  void do_timeline_names(names_callback done) override;
  void do_get_revision(std::string timeline, revision_callback done) override;
  void do_get_changes(prepared_changes request, changes_callback done) override;
  void do_get_setting(std::string key, setting_callback done) override;
  void do_put_setting(put_setting_request request, revision_callback done) override;

private:
  struct own_thread;
  std::shared_ptr<impl> impl_;
  std::unique_ptr<own_thread> thread_;  // when the storage runs its own executor
};

/// Opens a postgresql_storage with its own thread, for callers that hold backends by
/// their interface. Throws as the constructor does.
std::unique_ptr<status_storage> make_postgresql_storage(postgresql_options options);

}  // namespace roost
