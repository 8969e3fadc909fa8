// Writing statuses in batches, each batch one put_statuses call and so one transaction:
// after an interruption the target holds whole batches only, and re-running with
// put_mode::insert adds what is missing without duplicating anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "run_hooks.hpp"
#include "storage/status_storage.hpp"

namespace roost::app {

/// What to do with an input the store would refuse (a bad line, a bad status).
enum class error_policy {
  abort,  ///< report it and end the run, writing nothing of the batch it falls in
  skip,   ///< report it and go on without it
};

/// Counts of one run's writes.
struct write_totals {
  std::size_t written = 0;    ///< inserted or replaced
  std::size_t unchanged = 0;  ///< insert mode: the id was there already
  std::size_t invalid = 0;    ///< reported and not written
};

class batch_writer {
public:
  /// Names an input in a report: its timeline, the number the caller gave it in add()
  /// (a line number, a row number), the status itself.
  using describe_fn =
      std::function<std::string(const std::string& timeline, std::uint64_t origin, const status&)>;

  /// Writes into `target` with `mode`, at most `batch_size` statuses per batch (a batch
  /// holds one timeline). REQUIRES: batch_size > 0; target and hooks outlive the writer.
  batch_writer(status_storage& target, put_mode mode, std::size_t batch_size, error_policy policy,
               const run_hooks& hooks, describe_fn describe);

  /// Checks `s` (check_status) and queues it for `timeline`, a valid timeline name.
  /// Writes the pending batch first when the timeline changes, and writes the batch when
  /// it is full. Returns false when the run must end: `s` was invalid under
  /// error_policy::abort (the pending batch is then discarded), or a write was refused.
  /// Throws storage_failure on a store failure (that batch is not written).
  bool add(const std::string& timeline, status s, std::uint64_t origin);

  /// As add(), for a status the caller has checked already (check_status), e.g. on
  /// another thread.
  bool add_checked(const std::string& timeline, status s, std::uint64_t origin);

  /// Writes the pending batch, then `texts` (statuses as JSON texts, e.g. read from
  /// another store) into `timeline` as one more batch, whatever their number; origins
  /// `first_origin`, `first_origin` + 1, ... Returns false as flush() does. Throws
  /// invalid_request, writing nothing of `texts`, when one of them is not a valid
  /// status (its position is in the message), and storage_failure on a store failure.
  bool write_texts(const std::string& timeline, std::vector<std::string> texts,
                   std::uint64_t first_origin);

  /// Writes the pending batch. Returns false, writing nothing, when the store refuses
  /// the batch as a caller error despite the checks (reported through the hooks).
  /// Throws storage_failure on a store failure.
  bool flush();

  /// Records an input the caller found invalid before it became a status (an unparsable
  /// line): reports `message`; under error_policy::abort discards the pending batch and
  /// returns false.
  bool reject(const std::string& message);

  /// Forgets the pending batch without writing it.
  void discard();

  /// Statuses queued and not yet written.
  std::size_t pending() const noexcept { return statuses_.size(); }

  /// The origin of the last status of the last batch written; 0 before any.
  std::uint64_t committed_through() const noexcept { return committed_through_; }

  /// Statuses handed to the store in committed batches (written + unchanged).
  std::size_t committed() const noexcept { return totals_.written + totals_.unchanged; }

  const write_totals& totals() const noexcept { return totals_; }

private:
  // Counts a committed batch of `size` statuses of which `written` changed the store.
  void count_committed(std::size_t size, std::size_t written, std::uint64_t last_origin);

  status_storage& target_;
  put_mode mode_;
  std::size_t batch_size_;
  error_policy policy_;
  const run_hooks& hooks_;
  describe_fn describe_;
  std::string timeline_;
  std::vector<status> statuses_;
  std::uint64_t first_origin_ = 0, last_origin_ = 0;
  std::uint64_t committed_through_ = 0;
  write_totals totals_;
};

}  // namespace roost::app
