#include "session_pool.hpp"

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

session_pool::session_pool(const sqlite_options& options)
    : options_(options),
      read_mode_(read_mode_of(options)),
      writer_(std::make_unique<session>(options, session::role::writer, read_mode_)),
      max_readers_(reader_limit(options)) {}

// Readers close before the writer (member order), so the writer's close is the one that
// checkpoints and removes the WAL when no other process uses the file.
session_pool::~session_pool() {
  readers_.clear();
  writer_.reset();
}

session_pool::lease::lease(session_pool* pool, session* s,
                           std::unique_lock<std::mutex> writer_lock) noexcept
    : pool_(pool), session_(s), writer_lock_(std::move(writer_lock)) {}

session_pool::lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      session_(std::exchange(other.session_, nullptr)),
      writer_lock_(std::move(other.writer_lock_)) {}

session_pool::lease::~lease() {
  if (pool_ != nullptr) pool_->give_back(session_);
}

session_pool::lease session_pool::writer() {
  std::unique_lock lock(writer_mutex_);
  return lease(nullptr, writer_.get(), std::move(lock));
}

session_pool::lease session_pool::reader() {
  if (max_readers_ == 0) return writer();
  std::unique_lock lock(readers_mutex_);
  reader_released_.wait(
      lock, [&] { return !idle_.empty() || readers_.size() + opening_ < max_readers_; });
  if (!idle_.empty()) {
    session* s = idle_.back();
    idle_.pop_back();
    return lease(this, s, {});
  }
  // Open outside the lock: opening reads the file and may wait for a lock.
  ++opening_;
  lock.unlock();
  std::unique_ptr<session> fresh;
  try {
    fresh = std::make_unique<session>(options_, session::role::reader, read_mode_);
  } catch (...) {
    lock.lock();
    --opening_;
    reader_released_.notify_one();
    throw;
  }
  lock.lock();
  --opening_;
  session* s = fresh.get();
  readers_.push_back(std::move(fresh));
  return lease(this, s, {});
}

void session_pool::give_back(session* s) noexcept {
  {
    std::lock_guard lock(readers_mutex_);
    idle_.push_back(s);
  }
  reader_released_.notify_one();
}

}  // namespace roost::sqlite
