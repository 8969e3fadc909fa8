// session_pool: who may use which connection, when.
//
// A file store has one writer session, behind a mutex, and up to
// `reader_connections` reader sessions, opened lazily as concurrent reads need them and
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

#include "session.hpp"

namespace roost::sqlite {

class session_pool {
public:
  /// Opens the writer session, which checks (creates, migrates) the schema. Throws as
  /// session's constructor does.
  explicit session_pool(const sqlite_options& options);
  ~session_pool();

  session_pool(const session_pool&) = delete;
  session_pool& operator=(const session_pool&) = delete;

  /// Exclusive use of one session until destroyed.
  class lease {
  public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&&) = delete;
    ~lease();

    session& operator*() const noexcept { return *session_; }
    session* operator->() const noexcept { return session_; }

  private:
    friend class session_pool;
    lease(session_pool* pool, session* s, std::unique_lock<std::mutex> writer_lock) noexcept;

    session_pool* pool_;  // non-null for a pooled reader, to give it back
    session* session_;
    std::unique_lock<std::mutex> writer_lock_;
  };

  /// The writer session, waiting for other writes (in this process) to finish.
  lease writer();

  /// A reader session: an idle one, a newly opened one while fewer than the limit are
  /// open, or the next one released. Throws sqlite_error when opening a new one fails.
  lease reader();

private:
  void give_back(session* s) noexcept;

  const sqlite_options& options_;
  const connection::open_mode read_mode_;  // how sessions open a read-only store
  std::unique_ptr<session> writer_;
  std::mutex writer_mutex_;

  const std::size_t max_readers_;
  std::mutex readers_mutex_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<session>> readers_;  // every open reader
  std::vector<session*> idle_;                     // those not leased
  std::size_t opening_ = 0;                        // being opened outside the lock
};

}  // namespace roost::sqlite
