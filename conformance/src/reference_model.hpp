// The simplest correct store: statuses in unsorted vectors, sorted by a comparator
// written straight from docs/spec/status.md on every read. Slow on purpose, and independent of
// encode_order_key, so that the randomized mode tests the backends' ordering too.
// It also writes down every change it makes, as the change feed must report it, in the
// order docs/design.md ("Change feed") fixes; it never prunes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/changes.hpp"
#include "storage/limits.hpp"
#include "storage/requests.hpp"

namespace roost::conformance::detail {

/// A change as the model expects the feed to report it.
struct model_change {
  change_op op{};
  std::string id;
  std::optional<status> doc;  ///< insert and update: the status put
  std::string acked_at;       ///< ack: the text written
};

class reference_model {
public:
  explicit reference_model(storage_limits limits) : limits_(limits) {}

  std::size_t put(const std::string& timeline, put_mode mode, const std::vector<status>& statuses);
  std::vector<status> get(const get_request& request) const;
  /// REQUIRES: request.at is set (the model has no clock).
  std::size_t ack(const ack_request& request);
  std::size_t erase(const delete_request& request);
  unacked_counts counts(const std::string& timeline) const;
  contains_result contains(const std::string& timeline,
                           const std::vector<nlohmann::json>& query) const;
  std::vector<std::string> names() const;
  /// The number of changes made to the timeline: its expected revision.
  std::uint64_t revision(const std::string& timeline) const;
  /// Every change made to the timeline; change n has revision n + 1.
  const std::vector<model_change>& changes(const std::string& timeline) const;

private:
  using timeline = std::vector<status>;
  const timeline* find(const std::string& name) const;
  static void sort(timeline& statuses);
  static std::ptrdiff_t index_of(const timeline& statuses, const std::string& id);

  storage_limits limits_;
  std::map<std::string, timeline> timelines_;
  std::map<std::string, std::vector<model_change>> logs_;
};

}  // namespace roost::conformance::detail
