// Lets transactions of one process run side by side, and lets a map resize wait until
// none is open.
//
// LMDB allows mdb_env_set_mapsize only while the process has no transaction open. Every
// transaction therefore holds a `txn_gate::pass` for its lifetime; a resize runs
// `exclusively()`, which stops new passes from being issued, waits for the open ones
// to end, then runs alone. Readers only ever wait for a resize, never for a writer.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace roost::detail {

class txn_gate {
public:
  /// Held for the lifetime of one transaction.
  class pass {
  public:
    explicit pass(txn_gate& gate) : gate_(gate) { gate_.enter(); }
    ~pass() { gate_.leave(); }
    pass(const pass&) = delete;
    pass& operator=(const pass&) = delete;

  private:
    txn_gate& gate_;
  };

  /// Runs `f` while no transaction of the process is open. `f` may throw; the gate opens
  /// again either way. REQUIRES: the calling thread holds no pass.
  template <typename F>
  void exclusively(F&& f) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !exclusive_; });
    exclusive_ = true;
    changed_.wait(lock, [&] { return active_ == 0; });
    lock.unlock();
    struct reopen {
      txn_gate& gate;
      ~reopen() {
        std::lock_guard relock(gate.mutex_);
        gate.exclusive_ = false;
        gate.changed_.notify_all();
      }
    } reopen_after{*this};
    f();
  }

private:
  void enter() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !exclusive_; });
    ++active_;
  }

  void leave() {
    std::lock_guard lock(mutex_);
    if (--active_ == 0) changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t active_ = 0;
  bool exclusive_ = false;
};

}  // namespace roost::detail
