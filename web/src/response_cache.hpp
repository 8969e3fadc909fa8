// A short-lived cache of the answers to GET statuses requests ("microcaching").
//
// Readers of a busy timeline ask for the same newest page over and over; answering a
// repeat from memory instead of the store makes the server's read path as cheap as its
// HTTP handling. Correctness rests on two rules:
// - Every change made through this process drops the timeline's entries before the
//   write's callback runs (the storage notifies its change listeners first), so a client
//   that POSTs or acks and then reads sees its own change, always.
// - Changes made by another process sharing the store (an import job, a second server)
//   are not heard; an entry lives at most `ttl`, so they show within that bound.
// Entries are per request target (path and query), only for 200 answers, and bounded in
// total bytes. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http_message.hpp"
#include "storage/change_subscription.hpp"
#include "storage/status_storage.hpp"

namespace roost::web {

class response_cache {
public:
  struct options {
    std::chrono::milliseconds ttl{200};  ///< how long an answer may be reused
    std::size_t max_bytes = 16u << 20;   ///< total body bytes kept; larger answers are not kept
    /// The clock entries expire by; empty: std::chrono::steady_clock (tests set their own).
    std::function<std::chrono::steady_clock::time_point()> now;
  };

  /// Listens to `storage`'s changes (it must outlive this object).
  response_cache(status_storage& storage, options o);
  ~response_cache();
  response_cache(const response_cache&) = delete;
  response_cache& operator=(const response_cache&) = delete;

  /// The timeline's generation: take it before reading, hand it to store() with the
  /// answer. A change in between makes that answer too old to keep.
  std::uint64_t generation(const std::string& timeline) const;

  /// A kept answer to `target` on `timeline`, if one is fresh.
  std::optional<http_response> find(const std::string& timeline, const std::string& target) const;

  /// Keeps `response` (a 200) for `target`, unless the timeline changed since
  /// `generation` or the body does not fit the bound.
  void store(const std::string& timeline, const std::string& target, std::uint64_t generation,
             const http_response& response);

  /// Bytes of body currently kept (for tests).
  std::size_t kept_bytes() const;

private:
  struct state;
  std::shared_ptr<state> state_;
  change_subscription subscription_;  // after state_: it stops before state_ goes
};

}  // namespace roost::web
