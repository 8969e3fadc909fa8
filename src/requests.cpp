#include "storage/requests.hpp"

#include <limits>

#include "storage/limits.hpp"

namespace roost {

status_count status_count::of(std::size_t n) {
  if (n == 0) throw invalid_request("count must be a positive number");
  return status_count(kind::limit, n);
}

std::size_t status_count::resolve(std::size_t backend_default) const noexcept {
  switch (kind_) {
    case kind::all: return std::numeric_limits<std::size_t>::max();
    case kind::limit: return n_;
    case kind::backend_default: break;
  }
  return backend_default;
}

nlohmann::json unacked_counts::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  out["total"] = total;
  for (const auto& [level, n] : by_level) out[std::to_string(level)] = n;
  return out;
}

std::size_t unacked_counts::at_level(std::int64_t level) const {
  const auto it = by_level.find(level);
  return it == by_level.end() ? 0 : it->second;
}

storage_limits storage_limits::for_timeline(std::string_view timeline) const {
  storage_limits out{.soft_max = soft_max,
                     .hard_max = hard_max,
                     .default_count = default_count,
                     .change_retention = change_retention};
  if (const auto it = per_timeline.find(timeline); it != per_timeline.end()) {
    out.soft_max = it->second.soft_max;
    out.hard_max = it->second.hard_max;
    out.change_retention = it->second.change_retention;
  }
  return out;
}

void storage_limits::validate() const {
  if (default_count == 0) throw invalid_request("default_count must be positive");
  if (hard_max != 0 && hard_max < soft_max)
    throw invalid_request("hard_max must not be smaller than soft_max");
  for (const auto& [name, c] : per_timeline)
    if (c.hard_max != 0 && c.hard_max < c.soft_max)
      throw invalid_request("hard_max of timeline \"" + name + "\" must not be smaller than its soft_max");
}

}  // namespace roost
