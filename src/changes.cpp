#include "storage/changes.hpp"

namespace roost {

std::string_view change_op_name(change_op op) noexcept {
  switch (op) {
    case change_op::insert: return "insert";
    case change_op::update: return "update";
    case change_op::ack: return "ack";
    case change_op::remove: return "delete";
  }
  return "unknown";
}

std::optional<change_op> parse_change_op(std::string_view name) noexcept {
  for (const auto op : {change_op::insert, change_op::update, change_op::ack, change_op::remove})
    if (change_op_name(op) == name) return op;
  return std::nullopt;
}

}  // namespace roost
