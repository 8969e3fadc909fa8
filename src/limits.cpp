#include "storage/limits.hpp"

#include "storage/errors.hpp"

namespace roost {

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
      throw invalid_request("hard_max of timeline \"" + name +
                            "\" must not be smaller than its soft_max");
}

}  // namespace roost
