#include "connection_pool.hpp"

#include <filesystem>
#include <utility>

namespace roost::sqlite {
namespace {

std::size_t reader_limit(const sqlite_options& options) {
  return options.path == sqlite_in_memory ? 0 : options.reader_connections;
}

// How a read-only store is opened, decided once so that every connection agrees. With
// no -wal file nobody has the store open (the last connection to close removes it) and
// there is nothing in a log to read: immutable then creates and locks nothing, which
// also works on read-only media. Otherwise the log must be read, through its -shm.
connection::open_mode read_mode_of(const sqlite_options& options) {
  std::error_code ec;
  const bool has_log = std::filesystem::exists(options.path.string() + "-wal", ec);
  return has_log ? connection::open_mode::read_only : connection::open_mode::immutable;
}

}  // namespace

connection_pool::connection_pool(const sqlite_options& options)
    : options_(options),
      read_mode_(read_mode_of(options)),
      writer_(std::make_unique<prepared_connection>(options, prepared_connection::role::writer,
                                                    read_mode_)),
      max_readers_(reader_limit(options)) {}

// Readers close before the writer (member order), so the writer's close is the one that
// checkpoints and removes the WAL when no other process uses the file.
connection_pool::~connection_pool() {
  readers_.clear();
  writer_.reset();
}

connection_pool::lease::lease(connection_pool* pool, prepared_connection* s,
                              std::unique_lock<std::mutex> writer_lock) noexcept
    : pool_(pool), connection_(s), writer_lock_(std::move(writer_lock)) {}

connection_pool::lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::exchange(other.connection_, nullptr)),
      writer_lock_(std::move(other.writer_lock_)) {}

connection_pool::lease::~lease() {
  if (pool_ != nullptr) pool_->give_back(connection_);
}

connection_pool::lease connection_pool::writer() {
  std::unique_lock lock(writer_mutex_);
  return lease(nullptr, writer_.get(), std::move(lock));
}

connection_pool::lease connection_pool::reader() {
  if (max_readers_ == 0) return writer();
  std::unique_lock lock(readers_mutex_);
  reader_released_.wait(
      lock, [&] { return !idle_.empty() || readers_.size() + opening_ < max_readers_; });
  if (!idle_.empty()) {
    prepared_connection* s = idle_.back();
    idle_.pop_back();
    return lease(this, s, {});
  }
  // Open outside the lock: opening reads the file and may wait for a lock.
  ++opening_;
  lock.unlock();
  std::unique_ptr<prepared_connection> fresh;
  try {
    fresh = std::make_unique<prepared_connection>(options_, prepared_connection::role::reader,
                                                  read_mode_);
  } catch (...) {
    lock.lock();
    --opening_;
    reader_released_.notify_one();
    throw;
  }
  lock.lock();
  --opening_;
  prepared_connection* s = fresh.get();
  readers_.push_back(std::move(fresh));
  return lease(this, s, {});
}

void connection_pool::give_back(prepared_connection* s) noexcept {
  {
    std::lock_guard lock(readers_mutex_);
    idle_.push_back(s);
  }
  reader_released_.notify_one();
}

}  // namespace roost::sqlite
