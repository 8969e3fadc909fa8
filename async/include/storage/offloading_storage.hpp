// offloading_storage: runs a blocking storage (SQLite, LMDB) on a bounded worker pool,
// so that the thread that calls it (an io_context thread) never waits for the disk.
//
// Every operation is queued and run later on one of `threads` workers; its callback runs
// on that worker, never inside the initiating call (except the overload and shutdown
// errors below, reported at once). Callers validate as usual: the public operations
// throw invalid_request on the calling thread, and only the prepared request travels to
// the worker. Combine it with storage/asio.hpp to complete on an executor instead.
//
// Scheduling:
//  - writes (put, ack, delete, put_setting) run one at a time, in the order they were started;
//  - reads (get, counts, contains, timeline_names, revision, changes, get_setting) run in parallel
//  with each
//    other and with the write in progress, which the bundled backends allow (a read sees
//    the store before or after a concurrent write, never half of it);
//  - otherwise the oldest waiting operation runs first. Operations that do not wait for
//    each other's completion have no other ordering guarantee.
//
// Limits: at most `queue_capacity` operations wait for a worker. One more fails at once,
// before the call returns, with errc::overloaded ("... queue is full ...") and changes
// nothing; the caller may retry later. Memory therefore stays bounded whatever the load.
//
// Shutdown: the destructor waits for the operations that are running, completes every
// operation still waiting with errc::cancelled (nothing was done for them), and joins the
// workers. Operations started during or after destruction also get errc::cancelled.
//
// Thread safety: all operations may be called concurrently from any thread. The wrapped
// storage must accept concurrent calls (the bundled backends do) and outlive this object.
#pragma once

#include <cstddef>
#include <memory>

#include "storage/storage_wrapper.hpp"

namespace roost {

/// Sizes of an offloading_storage.
struct offloading_options {
  /// Worker threads (at least 1). Reads use them all; writes one at a time.
  std::size_t threads = 4;
  /// Operations that may wait for a worker (at least 1); beyond that, errc::overloaded.
  std::size_t queue_capacity = 1024;
};

/// A storage_wrapper that runs every operation of the wrapped storage on its own workers.
class offloading_storage final : public storage_wrapper {
public:
  /// Wraps `inner`, which the caller keeps alive longer than this object. Throws
  /// invalid_request for zero threads or a zero queue capacity.
  explicit offloading_storage(status_storage& inner, offloading_options options = {});

  /// Wraps and owns `inner`.
  explicit offloading_storage(std::unique_ptr<status_storage> inner,
                              offloading_options options = {});

  /// Cancels waiting operations, waits for running ones and joins the workers.
  ~offloading_storage() override;

  const offloading_options& options() const noexcept { return options_; }

  /// Operations waiting for a worker now (not counting those running).
  std::size_t queued() const;

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
  class pool;
  enum class kind { read, write };

  template <typename Result, typename Run>
  void submit(kind k, std::function<void(const storage_error&, Result)> done, Run run);

  std::unique_ptr<status_storage> owned_;
  offloading_options options_;
  std::unique_ptr<pool> pool_;
};

}  // namespace roost
