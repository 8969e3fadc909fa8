#include "storage/requests.hpp"

#include <limits>

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

}  // namespace roost
