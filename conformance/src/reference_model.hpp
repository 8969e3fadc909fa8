// The simplest correct store: statuses in unsorted vectors, sorted by a comparator
// written straight from status.md on every read. Slow on purpose, and independent of
// encode_order_key, so that the randomized mode tests the backends' ordering too.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/limits.hpp"
#include "storage/requests.hpp"

namespace roost::conformance::detail {

class reference_model {
public:
  explicit reference_model(storage_limits limits) : limits_(limits) {}

  std::size_t put(const std::string& timeline, put_mode mode, const std::vector<status>& statuses);
  std::vector<status> get(const get_request& request) const;
  /// REQUIRES: request.at is set (the model has no clock).
  std::size_t ack(const ack_request& request);
  std::size_t erase(const delete_request& request);
  unacked_counts counts(const std::string& timeline) const;
  contains_result contains(const std::string& timeline, const std::vector<nlohmann::json>& query) const;
  std::vector<std::string> names() const;

private:
  using timeline = std::vector<status>;
  const timeline* find(const std::string& name) const;
  static void sort(timeline& statuses);
  static std::ptrdiff_t index_of(const timeline& statuses, const std::string& id);

  storage_limits limits_;
  std::map<std::string, timeline> timelines_;
};

}  // namespace roost::conformance::detail
