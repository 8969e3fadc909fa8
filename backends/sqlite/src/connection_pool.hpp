// connection_pool: who may use which connection, when.
//
// A file store has one writer connection, behind a mutex, and up to
// `reader_connections` reader connections, opened lazily as concurrent reads need them and
// kept for reuse; a read waits only when every reader is busy. WAL lets each reader run on
// its own snapshot alongside the writer. A ":memory:" store (whose connections could not
// share the database) or one with reader_connections = 0 sends reads to the writer.
//
// Thread-safe. A lease must be released (destroyed) before its pool.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "prepared_connection.hpp"

namespace roost::sqlite {

class connection_pool {
public:
  /// Opens the writer connection, which checks (creates, migrates) the schema. Throws as
  /// prepared_connection's constructor does.
  explicit connection_pool(const sqlite_options& options);
  ~connection_pool();

  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  /// Exclusive use of one connection until destroyed.
  class lease {
  public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&&) = delete;
    ~lease();

    prepared_connection& operator*() const noexcept { return *connection_; }
    prepared_connection* operator->() const noexcept { return connection_; }

  private:
    friend class connection_pool;
    lease(connection_pool* pool, prepared_connection* s,
          std::unique_lock<std::mutex> writer_lock) noexcept;

    connection_pool* pool_;  // non-null for a pooled reader, to give it back
    prepared_connection* connection_;
    std::unique_lock<std::mutex> writer_lock_;
  };

  /// The writer connection, waiting for other writes (in this process) to finish.
  lease writer();

  /// A reader connection: an idle one, a newly opened one while fewer than the limit are
  /// open, or the next one released. Throws sqlite_error when opening a new one fails.
  lease reader();

private:
  void give_back(prepared_connection* s) noexcept;

  const sqlite_options& options_;
  const connection::open_mode read_mode_;  // how connections open a read-only store
  std::unique_ptr<prepared_connection> writer_;
  std::mutex writer_mutex_;

  const std::size_t max_readers_;
  std::mutex readers_mutex_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<prepared_connection>> readers_;  // every open reader
  std::vector<prepared_connection*> idle_;                     // those not leased
  std::size_t opening_ = 0;                                    // being opened outside the lock
};

}  // namespace roost::sqlite
