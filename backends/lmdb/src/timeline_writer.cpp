#include "timeline_writer.hpp"

#include <limits>
#include <utility>

#include "chain_lookup.hpp"
#include "lmdb_errors.hpp"
#include "storage/order_key.hpp"
#include "table_access.hpp"

namespace roost::detail {

namespace fmt = lmdb_format;

timeline_writer::timeline_writer(MDB_txn* txn, const lmdb_tables& tables, std::string_view name)
    : txn_(txn), tables_(tables), name_(name), name_key_(fmt::timeline_name_key(name)) {
  const chain_hit hit = find_in_chain(
      txn_, tables_.timelines, name_key_,
      [&](std::string_view value) { return fmt::timeline_record_name(value) == name_; }, false);
  if (!hit.found) return;
  exists_ = true;
  record_key_ = hit.key;
  record_ = fmt::decode_timeline_record(hit.value);
  prefix_ = fmt::timeline_prefix(record_.number);
}

void timeline_writer::create_timeline() {
  if (exists_) return;
  const auto next = get_value(txn_, tables_.meta, meta_next_timeline_key);
  if (!next || next->size() != 4) throw corrupt_record("meta table has no next timeline number");
  const fmt::timeline_number n = fmt::read_u32(next->data());
  if (n == 0 || n == std::numeric_limits<fmt::timeline_number>::max())
    throw lmdb_backend_error(errc::internal, "no timeline numbers left");
  std::string following;
  fmt::append_u32(following, n + 1);
  put_value(txn_, tables_.meta, meta_next_timeline_key, following);
  record_key_ =
      find_in_chain(
          txn_, tables_.timelines, name_key_,
          [&](std::string_view value) { return fmt::timeline_record_name(value) == name_; }, true)
          .key;
  record_ = {n, 0, 0, name_};
  prefix_ = fmt::timeline_prefix(n);
  exists_ = true;
  // The record itself is written by finish(), only if the operation changed something.
}

timeline_writer::status_slot timeline_writer::find_status(std::string_view id, bool need_free_key) {
  const chain_hit hit = find_in_chain(
      txn_, tables_.statuses, fmt::status_key(record_.number, id),
      [&](std::string_view value) { return fmt::decode_status_record(value).id == id; },
      need_free_key);
  status_slot slot;
  slot.exists = hit.found;
  slot.key = hit.key;
  if (hit.found) {
    const auto record = fmt::decode_status_record(hit.value);
    slot.level = record.level;
    slot.order_probe = record.order_probe;
    slot.order_key = record.order_key;
    slot.change_rev = record.change_rev;
  }
  return slot;
}

void timeline_writer::materialize(const std::string& status_key, std::uint64_t change_rev,
                                  std::optional<std::string_view> text) {
  if (change_rev == 0) return;
  if (change_rev > record_.revision) {
    // Noted by this write and not stored yet: store it with the text it was given.
    const auto i = change_rev - record_.revision - 1;
    if (i < changes_.size()) changes_[i].by_reference = false;
    return;
  }
  const std::string change_key = fmt::change_key(record_.number, change_rev);
  const auto stored = get_value(txn_, tables_.changes, change_key);
  if (!stored) return;  // pruned
  const auto change = fmt::decode_change_record(*stored);
  if (!change.by_reference) return;
  if (!text) {
    const auto status = get_value(txn_, tables_.statuses, status_key);
    if (!status) throw corrupt_record("a status logged by reference is missing");
    text = fmt::decode_status_record(*status).json;
  }
  // Encoded before the write: the views die with it.
  const auto with_text = fmt::encode_change_record(change.op, change.id, *text);
  put_value(txn_, tables_.changes, change_key, with_text);
}

void timeline_writer::count_unacked(std::string_view order_key, std::int64_t level, int delta) {
  if (!order_key_is_acked(order_key)) count_deltas_[level] += delta;
}

void timeline_writer::write_status(const std::string& status_key, std::int64_t level,
                                   std::string_view order_key, std::string_view id,
                                   std::string_view json, std::uint64_t change_rev) {
  std::uint8_t probe = 0;
  std::string order_table_key = fmt::order_table_key(record_.number, order_key, 0);
  if (fmt::order_key_is_truncated(order_key)) {
    // Truncated keys of different statuses may coincide; take the first free probe.
    while (get_value(txn_, tables_.order, order_table_key)) {
      if (probe == std::numeric_limits<std::uint8_t>::max())
        throw lmdb_backend_error(errc::internal,
                                 "256 statuses share one truncated order key and hash");
      order_table_key = fmt::order_table_key(record_.number, order_key, ++probe);
    }
  }
  const std::string_view suffix = std::string_view(status_key).substr(fmt::timeline_prefix_size);
  put_value(txn_, tables_.order, order_table_key, fmt::encode_order_value(level, suffix));
  put_value(txn_, tables_.statuses, status_key,
            fmt::encode_status_record(level, probe, order_key, id, json, change_rev));
  count_unacked(order_key, level, +1);
}

void timeline_writer::remove_order_entry(const status_slot& slot) {
  if (!delete_key(txn_, tables_.order,
                  fmt::order_table_key(record_.number, slot.order_key, slot.order_probe)))
    throw corrupt_record("a status has no entry in the order table");
  count_unacked(slot.order_key, slot.level, -1);
}

std::string timeline_writer::status_key_of(std::string_view order_value) const {
  return prefix_ + std::string(fmt::decode_order_value(order_value).status_key_suffix);
}

std::size_t timeline_writer::put(put_mode mode, const std::vector<prepared_status>& statuses) {
  if (!exists_) {
    if (mode == put_mode::update) return 0;  // nothing to update in a timeline never written
    create_timeline();
  }
  std::size_t changed = 0;
  // In request order, each seeing the ones before: a later duplicate id acts as if put
  // after the earlier.
  for (const auto& s : statuses) {
    const status_slot slot = find_status(s.id, true);
    if ((mode == put_mode::insert && slot.exists) || (mode == put_mode::update && !slot.exists))
      continue;
    if (slot.exists) {
      materialize(slot.key, slot.change_rev);
      remove_order_entry(slot);  // the record is overwritten under the same key below
    } else {
      ++record_.size;
    }
    write_status(slot.key, s.level, s.order_key, s.id, s.json, next_revision());
    record_change(slot.exists ? change_op::update : change_op::insert, s.id, s.json, true);
    ++changed;
  }
  return changed;
}

void timeline_writer::truncate(const storage_limits& limits) {
  if (!exists_ || !limits.truncates() || record_.size <= limits.hard_limit()) return;
  const std::uint64_t excess = record_.size - limits.soft_max;
  // The oldest are the last keys of the timeline's range. Collect first, delete after:
  // deleting under a cursor would move it.
  std::vector<std::pair<std::string, std::string>> oldest;
  {
    table_cursor cursor(txn_, tables_.order);
    for (bool more = cursor.seek_before(fmt::timeline_range_end(record_.number));
         more && oldest.size() < excess && fmt::starts_with(cursor.key(), prefix_);
         more = cursor.prev())
      oldest.emplace_back(cursor.key(), cursor.value());
  }
  for (const auto& [order_table_key, value] : oldest) {
    const auto entry = fmt::decode_order_value(value);
    const std::string status_key = prefix_ + std::string(entry.status_key_suffix);
    const auto record = get_value(txn_, tables_.statuses, status_key);
    if (!record) throw corrupt_record("an order entry points to no status");
    // Copied, as the view dies with the next write.
    const auto status = fmt::decode_status_record(*record);
    std::string id(status.id);
    materialize(status_key, status.change_rev, status.json);
    // Logged oldest first, as removed.
    record_change(change_op::remove, std::move(id));
    delete_key(txn_, tables_.statuses, status_key);
    delete_key(txn_, tables_.order, order_table_key);
    count_unacked(std::string_view(order_table_key).substr(fmt::timeline_prefix_size), entry.level,
                  -1);
    --record_.size;
  }
}

void timeline_writer::collect_unacked_from(std::string_view start,
                                           std::map<std::string, std::string>& targets) {
  table_cursor cursor(txn_, tables_.order);
  for (bool more = cursor.seek(start); more; more = cursor.next()) {
    const auto key = cursor.key();
    if (!fmt::starts_with(key, prefix_) ||
        order_key_is_acked(key.substr(fmt::timeline_prefix_size)))
      break;
    targets.emplace(key, status_key_of(cursor.value()));
  }
}

std::size_t timeline_writer::ack(const prepared_ack& request) {
  if (!exists_) return 0;
  // Collect first, change after: re-keying moves statuses within the order table. Keyed
  // by order table key, so that the log lists them in timeline order, newest first (a
  // status has one order key, so this also drops statuses listed twice).
  std::map<std::string, std::string> targets;  // order table key -> statuses key
  if (!request.ids && !request.max_id) collect_unacked_from(prefix_, targets);
  if (request.ids) {
    for (const auto& id : *request.ids) {
      const status_slot slot = find_status(id, false);
      if (slot.exists && !order_key_is_acked(slot.order_key))
        targets.emplace(fmt::order_table_key(record_.number, slot.order_key, slot.order_probe),
                        slot.key);
    }
  }
  if (request.max_id) {
    const status_slot slot = find_status(*request.max_id, false);
    if (slot.exists && !order_key_is_acked(slot.order_key))
      collect_unacked_from(fmt::order_table_key(record_.number, slot.order_key, slot.order_probe),
                           targets);
  }
  for (const auto& [order_table_key, key] : targets) {
    const auto value = get_value(txn_, tables_.statuses, key);
    if (!value) throw corrupt_record("an order entry points to no status");
    // Copies: the views die with the next write.
    const auto record = fmt::decode_status_record(*value);
    status_slot slot;
    slot.exists = true;
    slot.key = key;
    slot.level = record.level;
    slot.order_probe = record.order_probe;
    slot.order_key = record.order_key;
    const std::string id(record.id);
    const std::string json = with_acked_at(std::string(record.json), request.at_text);
    materialize(key, record.change_rev, record.json);  // the views above die here
    remove_order_entry(slot);
    write_status(key, slot.level, order_key_with_acked_at(slot.order_key, request.at), id, json);
    record_change(change_op::ack, id, request.at_text);
  }
  return targets.size();
}

std::size_t timeline_writer::delete_timeline_range(MDB_dbi dbi) {
  std::vector<std::string> keys;
  {
    table_cursor cursor(txn_, dbi);
    for (bool more = cursor.seek(prefix_); more && fmt::starts_with(cursor.key(), prefix_);
         more = cursor.next())
      keys.emplace_back(cursor.key());
  }
  for (const auto& key : keys) delete_key(txn_, dbi, key);
  return keys.size();
}

void timeline_writer::materialize_after(std::uint64_t after) {
  // Collect first, write after: writing under a cursor would move it.
  std::vector<std::pair<std::string, std::uint64_t>> targets;  // status key, revision
  {
    table_cursor cursor(txn_, tables_.changes);
    for (bool more = cursor.seek(fmt::change_key(record_.number, after + 1));
         more && fmt::starts_with(cursor.key(), prefix_); more = cursor.next()) {
      const auto change = fmt::decode_change_record(cursor.value());
      if (!change.by_reference) continue;
      const status_slot slot = find_status(change.id, false);
      if (!slot.exists) throw corrupt_record("a status logged by reference is missing");
      targets.emplace_back(slot.key, fmt::change_key_revision(cursor.key()));
    }
  }
  for (const auto& [status_key, revision] : targets) materialize(status_key, revision);
}

std::size_t timeline_writer::erase(const delete_selection& selection, std::size_t retention) {
  if (!exists_) return 0;
  if (selection.is_all()) {
    // The changes that survive this write's own pruning (it logs one removal per status)
    // and still refer to their status get its text first.
    if (record_.size < retention) {
      const std::uint64_t last = record_.revision + record_.size;
      materialize_after(last > retention ? last - retention : 0);
    }
    // The ids for the log, newest first (the order table's order).
    std::vector<std::string> ids;
    {
      table_cursor cursor(txn_, tables_.order);
      for (bool more = cursor.seek(prefix_); more && fmt::starts_with(cursor.key(), prefix_);
           more = cursor.next()) {
        const auto record = get_value(txn_, tables_.statuses, status_key_of(cursor.value()));
        if (!record) throw corrupt_record("an order entry points to no status");
        ids.emplace_back(fmt::decode_status_record(*record).id);
      }
    }
    for (auto& id : ids) record_change(change_op::remove, std::move(id));
    const std::size_t n = delete_timeline_range(tables_.order);
    delete_timeline_range(tables_.statuses);
    delete_timeline_range(tables_.counts);
    count_deltas_.clear();
    record_.size = 0;
    return n;
  }
  std::size_t n = 0;
  for (const auto& id : selection.id_list()) {
    const status_slot slot = find_status(id, false);
    if (!slot.exists) continue;  // unknown, or listed twice
    materialize(slot.key, slot.change_rev);
    remove_order_entry(slot);
    delete_key(txn_, tables_.statuses, slot.key);
    record_change(change_op::remove, id);
    --record_.size;
    ++n;
  }
  return n;
}

void timeline_writer::record_change(change_op op, std::string id, std::string_view text,
                                    bool by_reference) {
  changes_.push_back({op, std::move(id), text, by_reference});
}

void timeline_writer::store_changes(std::size_t retention) {
  const std::uint64_t first = record_.revision + 1;
  record_.revision += changes_.size();
  const std::uint64_t oldest_kept =
      record_.revision >= retention ? record_.revision - retention + 1 : 1;
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    const std::uint64_t revision = first + i;
    if (revision < oldest_kept) continue;  // would be pruned at once
    const auto& c = changes_[i];
    put_value(
        txn_, tables_.changes, fmt::change_key(record_.number, revision),
        fmt::encode_change_record(static_cast<std::uint8_t>(c.op), c.id,
                                  c.by_reference ? std::string_view() : c.text, c.by_reference));
  }
  // Changes of earlier writes that fall out of the window.
  if (oldest_kept > 1 && first > 1) prune_changes_through(oldest_kept - 1);
}

void timeline_writer::prune_changes_through(std::uint64_t last) {
  // The oldest changes are the first keys of the timeline's range. Collect first, delete
  // after: deleting under a cursor would move it.
  std::vector<std::string> keys;
  {
    table_cursor cursor(txn_, tables_.changes);
    for (bool more = cursor.seek(prefix_); more && fmt::starts_with(cursor.key(), prefix_);
         more = cursor.next()) {
      if (cursor.key().size() != fmt::timeline_prefix_size + 8)
        throw corrupt_record("a change key is damaged");
      if (fmt::change_key_revision(cursor.key()) > last) break;
      keys.emplace_back(cursor.key());
    }
  }
  for (const auto& key : keys) delete_key(txn_, tables_.changes, key);
}

bool timeline_writer::finish(std::size_t changed, const storage_limits& limits) {
  if (changed == 0 || !exists_) return false;
  store_changes(limits.change_retention);
  for (const auto& [level, delta] : count_deltas_) {
    if (delta == 0) continue;
    const std::string key = fmt::count_key(record_.number, level);
    const auto stored = get_value(txn_, tables_.counts, key);
    if (stored && stored->size() != 8) throw corrupt_record("an unacked count is damaged");
    const std::int64_t now =
        (stored ? static_cast<std::int64_t>(fmt::read_u64(stored->data())) : 0) + delta;
    if (now < 0) throw corrupt_record("an unacked count fell below zero");
    if (now == 0) {
      delete_key(txn_, tables_.counts, key);
    } else {
      std::string value;
      fmt::append_u64(value, static_cast<std::uint64_t>(now));
      put_value(txn_, tables_.counts, key, value);
    }
  }
  put_value(txn_, tables_.timelines, record_key_, fmt::encode_timeline_record(record_));
  return true;
}

}  // namespace roost::detail
