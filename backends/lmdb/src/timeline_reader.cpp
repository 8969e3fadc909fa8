#include "timeline_reader.hpp"

#include <algorithm>

#include "chain_lookup.hpp"
#include "lmdb_errors.hpp"
#include "storage/order_key.hpp"
#include "table_access.hpp"

namespace roost::detail {

namespace fmt = lmdb_format;

timeline_reader::timeline_reader(MDB_txn* txn, const lmdb_tables& tables, std::string_view name)
    : txn_(txn), tables_(tables) {
  const chain_hit hit = find_in_chain(
      txn_, tables_.timelines, fmt::timeline_name_key(name),
      [&](std::string_view value) { return fmt::timeline_record_name(value) == name; }, false);
  if (!hit.found) return;
  exists_ = true;
  record_ = fmt::decode_timeline_record(hit.value);
  prefix_ = fmt::timeline_prefix(record_.number);
}

std::optional<fmt::status_record_view> timeline_reader::find_status(std::string_view id) const {
  if (!exists_) return std::nullopt;
  const chain_hit hit = find_in_chain(
      txn_, tables_.statuses, fmt::status_key(record_.number, id),
      [&](std::string_view value) { return fmt::decode_status_record(value).id == id; }, false);
  if (!hit.found) return std::nullopt;
  return fmt::decode_status_record(hit.value);
}

std::vector<std::string> timeline_reader::page(const prepared_get& request,
                                               std::size_t default_count) const {
  std::vector<std::string> out;
  if (!exists_) return out;
  std::string start = prefix_;
  if (request.max_id) {
    const auto found = find_status(*request.max_id);
    if (!found) return out;
    const bool acked = order_key_is_acked(found->order_key);
    if ((request.state == ack_state::unacked && acked) ||
        (request.state == ack_state::acked && !acked))
      return out;
    start = fmt::order_table_key(record_.number, found->order_key, found->order_probe);
  } else if (request.state == ack_state::acked) {
    start.append(acked_key_floor());
  }
  const std::size_t limit = request.count.resolve(default_count);
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(limit, record_.size)));
  table_cursor cursor(txn_, tables_.order);
  for (bool more = cursor.seek(start); more && out.size() < limit; more = cursor.next()) {
    const auto key = cursor.key();
    if (!fmt::starts_with(key, prefix_)) break;
    if (request.state == ack_state::unacked &&
        order_key_is_acked(key.substr(fmt::timeline_prefix_size)))
      break;
    const auto entry = fmt::decode_order_value(cursor.value());
    const auto record =
        get_value(txn_, tables_.statuses, prefix_ + std::string(entry.status_key_suffix));
    if (!record) throw corrupt_record("an order entry points to no status");
    out.emplace_back(fmt::decode_status_record(*record).json);
  }
  return out;
}

bool timeline_reader::contains(std::string_view id) const { return find_status(id).has_value(); }

unacked_counts timeline_reader::counts() const {
  unacked_counts out;
  if (!exists_) return out;
  table_cursor cursor(txn_, tables_.counts);
  for (bool more = cursor.seek(prefix_); more && fmt::starts_with(cursor.key(), prefix_);
       more = cursor.next()) {
    if (cursor.key().size() != fmt::timeline_prefix_size + 8 || cursor.value().size() != 8)
      throw corrupt_record("an unacked count is damaged");
    const auto n = static_cast<std::size_t>(fmt::read_u64(cursor.value().data()));
    out.by_level[fmt::count_key_level(cursor.key())] = n;
    out.total += n;
  }
  return out;
}

void timeline_reader::read_changes(change_page_builder& page) const {
  if (!page.wants_more()) return;
  table_cursor cursor(txn_, tables_.changes);
  for (bool more = cursor.seek(fmt::change_key(record_.number, page.next_revision()));
       more && page.wants_more() && fmt::starts_with(cursor.key(), prefix_); more = cursor.next()) {
    if (cursor.key().size() != fmt::timeline_prefix_size + 8)
      throw corrupt_record("a change key is damaged");
    const std::uint64_t revision = fmt::change_key_revision(cursor.key());
    if (!page.accept(revision)) return;
    const auto record = fmt::decode_change_record(cursor.value());
    status_change c;
    c.revision = revision;
    c.op = static_cast<change_op>(record.op);
    c.id = record.id;
    if (c.op == change_op::ack) {
      c.acked_at = record.text;
    } else if (record.by_reference) {
      // Unchanged since it was logged (a write copies the text in before changing it).
      const auto status = find_status(record.id);
      if (!status) throw corrupt_record("a status logged by reference is missing");
      c.status_json = status->json;
    } else {
      c.status_json = record.text;
    }
    page.add(std::move(c));
  }
}

std::vector<std::string> read_timeline_names(MDB_txn* txn, const lmdb_tables& tables) {
  std::vector<std::string> names;
  {
    table_cursor cursor(txn, tables.timelines);
    for (bool more = cursor.first(); more; more = cursor.next())
      names.emplace_back(fmt::timeline_record_name(cursor.value()));
  }
  // Keys of long names are hashes, so key order is not name order.
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace roost::detail
