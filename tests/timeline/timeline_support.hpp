// Helpers for the Timeline tests: a wrapper that counts count reads, statuses.
#pragma once

#include <atomic>
#include <string>

#include "storage/storage_wrapper.hpp"

namespace roost::testing {

/// Counts do_get_unacked_counts calls (the reads watchers make), forwarding everything.
class counting_storage final : public storage_wrapper {
public:
  using storage_wrapper::storage_wrapper;
  std::atomic<int> count_reads{0};

protected:
  void do_get_unacked_counts(std::string t, counts_callback done) override {
    ++count_reads;
    storage_wrapper::do_get_unacked_counts(std::move(t), std::move(done));
  }
};

/// A status with an id and a level.
inline status make_status(const std::string& id, std::int64_t level = 0) {
  return {{"id", id}, {"text", "status " + id}, {"busybird", {{"level", level}}}};
}

}  // namespace roost::testing
