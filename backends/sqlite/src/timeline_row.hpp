// The timelines-table row that every operation on one timeline starts from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "prepared_connection.hpp"

namespace roost::sqlite {

struct timeline_row {
  std::int64_t id = 0;    ///< the key statuses and counts refer to
  std::int64_t size = 0;  ///< how many statuses it holds
  /// The revision of its newest change; a write advances it once per change it records.
  std::int64_t revision = 0;
};

/// The timeline called `name`, or nullopt when it was never changed.
inline std::optional<timeline_row> find_timeline(prepared_connection& s, const std::string& name) {
  auto q = s.find_timeline.start();
  q.bind_blob(1, name);
  if (!q.step()) return std::nullopt;
  return timeline_row{q.column_int64(0), q.column_int64(1), q.column_int64(2)};
}

}  // namespace roost::sqlite
