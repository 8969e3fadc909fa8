#include "record_check.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "chain_lookup.hpp"
#include "key_codec.hpp"
#include "lmdb_errors.hpp"
#include "records.hpp"
#include "storage/json_input.hpp"
#include "storage/order_key.hpp"
#include "storage/settings.hpp"
#include "storage/utf8.hpp"
#include "table_access.hpp"

namespace roost::detail {
namespace {

namespace fmt = lmdb_format;

std::string hex_key(std::string_view key) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < key.size() && i < 24; ++i) {
    const auto u = static_cast<unsigned char>(key[i]);
    out += digits[u >> 4];
    out += digits[u & 15];
  }
  return key.size() > 24 ? out + "..." : out;
}

// True when `key` is where a chain_key puts its entry: the key itself, or its hash
// base plus one probe byte.
bool key_fits(std::string_view key, const fmt::chain_key& expected) {
  if (!expected.hashed) return key == expected.bytes;
  return key.size() == expected.bytes.size() + fmt::probe_size &&
         fmt::starts_with(key, expected.bytes);
}

struct timeline_facts {
  std::string name;
  std::uint64_t revision = 0;
  std::uint64_t size = 0;
  std::uint64_t statuses = 0;                     // recounted
  std::map<std::int64_t, std::uint64_t> unacked;  // recounted
};

class checker {
public:
  checker(MDB_txn* txn, const lmdb_tables& t, store_check_report& r) : txn_(txn), t_(t), r_(r) {}

  void run() {
    meta();
    timelines();
    statuses();
    order();
    counts();
    sizes();
    changes();
    settings();
  }

private:
  std::string timeline_label(fmt::timeline_number n) const {
    const auto it = timelines_.find(n);
    return it == timelines_.end() ? "timeline #" + std::to_string(n)
                                  : "timeline " + quote_lossy(it->second.name);
  }

  // The timeline a key of statuses, order, counts or changes belongs to, or null.
  timeline_facts* owner(std::string_view key, const char* table) {
    if (key.size() < fmt::timeline_prefix_size) {
      r_.add(std::string("a key of the ") + table + " table is too short (" + hex_key(key) + ")");
      return nullptr;
    }
    const auto n = fmt::read_u32(key.data());
    const auto it = timelines_.find(n);
    if (it == timelines_.end()) {
      r_.add(std::string("the ") + table + " table holds a key of timeline #" + std::to_string(n) +
             ", which does not exist (" + hex_key(key) + ")");
      return nullptr;
    }
    return &it->second;
  }

  void meta() {
    const auto version = get_value(txn_, t_.meta, meta_format_key);
    if (!version || version->size() != 4 || fmt::read_u32(version->data()) == 0 ||
        fmt::read_u32(version->data()) > fmt::format_version)
      r_.add("meta: the format version is missing or damaged");
    const auto next = get_value(txn_, t_.meta, meta_next_timeline_key);
    if (!next || next->size() != 4)
      r_.add("meta: the next timeline number is missing or damaged");
    else
      next_timeline_ = fmt::read_u32(next->data());
  }

  void timelines() {
    table_cursor cursor(txn_, t_.timelines);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      fmt::timeline_record record;
      try {
        record = fmt::decode_timeline_record(cursor.value());
      } catch (const corrupt_record& e) {
        r_.add(std::string("timelines: the record under key ") + hex_key(cursor.key()) + ": " +
               e.what());
        continue;
      }
      if (!key_fits(cursor.key(), fmt::timeline_name_key(record.name)))
        r_.add("timeline " + quote_lossy(record.name) + " is filed under the wrong key");
      if (next_timeline_ != 0 && record.number >= next_timeline_)
        r_.add("timeline " + quote_lossy(record.name) + " has number " +
               std::to_string(record.number) + ", not below the next number to hand out (" +
               std::to_string(next_timeline_) + ")");
      const auto [it, added] = timelines_.try_emplace(record.number);
      if (!added) {
        r_.add("timelines " + quote_lossy(it->second.name) + " and " + quote_lossy(record.name) +
               " share number " + std::to_string(record.number));
        continue;
      }
      it->second.name = record.name;
      it->second.revision = record.revision;
      it->second.size = record.size;
      ++r_.timelines;
    }
  }

  void statuses() {
    table_cursor cursor(txn_, t_.statuses);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      ++r_.statuses;
      const auto key = cursor.key();
      timeline_facts* tl = owner(key, "statuses");
      if (tl == nullptr) continue;
      const auto n = fmt::read_u32(key.data());
      fmt::status_record_view s;
      try {
        s = fmt::decode_status_record(cursor.value());
      } catch (const corrupt_record& e) {
        r_.add(timeline_label(n) + ": the status under key " + hex_key(key) + ": " + e.what());
        continue;
      }
      const std::string where = timeline_label(n) + ", status " + quote_lossy(s.id);
      ++tl->statuses;
      if (!key_fits(key, fmt::status_key(n, s.id))) r_.add(where + ": filed under the wrong key");
      const auto problem = stored_document_problem(
          std::string(s.json), {.id = s.id, .level = s.level, .order_key = s.order_key});
      if (!problem.empty()) r_.add(where + ": " + problem);
      if (!order_key_is_acked(s.order_key)) ++tl->unacked[s.level];
      const auto entry =
          get_value(txn_, t_.order, fmt::order_table_key(n, s.order_key, s.order_probe));
      if (!entry) {
        r_.add(where + ": missing from the order index");
        continue;
      }
      try {
        const auto o = fmt::decode_order_value(*entry);
        if (o.status_key_suffix != key.substr(fmt::timeline_prefix_size) || o.level != s.level)
          r_.add(where + ": its order index entry points elsewhere");
      } catch (const corrupt_record& e) {
        r_.add(where + ": its order index entry: " + e.what());
      }
    }
  }

  void order() {
    std::uint64_t entries = 0;
    table_cursor cursor(txn_, t_.order);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      ++entries;
      const auto key = cursor.key();
      if (owner(key, "order") == nullptr) continue;
      try {
        const auto o = fmt::decode_order_value(cursor.value());
        const std::string status_key = std::string(key.substr(0, fmt::timeline_prefix_size)) +
                                       std::string(o.status_key_suffix);
        if (!get_value(txn_, t_.statuses, status_key))
          r_.add(timeline_label(fmt::read_u32(key.data())) + ": an order index entry (" +
                 hex_key(key) + ") points to no status");
      } catch (const corrupt_record& e) {
        r_.add(std::string("order: the entry under key ") + hex_key(key) + ": " + e.what());
      }
    }
    if (entries != r_.statuses)
      r_.add("the order index has " + std::to_string(entries) + " entries for " +
             std::to_string(r_.statuses) + " statuses");
  }

  void counts() {
    std::map<fmt::timeline_number, std::map<std::int64_t, std::uint64_t>> stored;
    table_cursor cursor(txn_, t_.counts);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      const auto key = cursor.key();
      if (owner(key, "counts") == nullptr) continue;
      if (key.size() != fmt::timeline_prefix_size + 8 || cursor.value().size() != 8) {
        r_.add("counts: the entry under key " + hex_key(key) + " is damaged");
        continue;
      }
      stored[fmt::read_u32(key.data())][fmt::count_key_level(key)] =
          fmt::read_u64(cursor.value().data());
    }
    for (const auto& [n, tl] : timelines_) {
      const auto it = stored.find(n);
      const std::map<std::int64_t, std::uint64_t> none;
      const auto& have = it == stored.end() ? none : it->second;
      if (have != tl.unacked)
        r_.add(timeline_label(n) + ": the unacked counts (" + counts_text(have) +
               ") differ from its unacked statuses (" + counts_text(tl.unacked) + ")");
    }
  }

  static std::string counts_text(const std::map<std::int64_t, std::uint64_t>& counts) {
    std::string out;
    for (const auto& [level, n] : counts)
      out += (out.empty() ? "" : ", ") + std::string("level ") + std::to_string(level) + ": " +
             std::to_string(n);
    return out.empty() ? "none" : out;
  }

  void sizes() {
    for (const auto& [n, tl] : timelines_)
      if (tl.size != tl.statuses)
        r_.add(timeline_label(n) + ": its record counts " + std::to_string(tl.size) +
               " statuses, it holds " + std::to_string(tl.statuses));
  }

  void changes() {
    std::map<fmt::timeline_number, std::uint64_t> last;  // the last revision seen per timeline
    table_cursor cursor(txn_, t_.changes);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      ++r_.changes;
      const auto key = cursor.key();
      timeline_facts* tl = owner(key, "changes");
      if (tl == nullptr) continue;
      const auto n = fmt::read_u32(key.data());
      if (key.size() != fmt::timeline_prefix_size + 8) {
        r_.add(timeline_label(n) + ": a change key is damaged (" + hex_key(key) + ")");
        continue;
      }
      const std::uint64_t revision = fmt::change_key_revision(key);
      const std::string where = timeline_label(n) + ", change " + std::to_string(revision);
      const auto [it, first] = last.try_emplace(n, revision);
      if (!first) {
        if (revision != it->second + 1)
          r_.add(where + ": follows change " + std::to_string(it->second) + " (a hole in the log)");
        it->second = revision;
      }
      if (revision > tl->revision || revision == 0)
        r_.add(where + ": beyond the timeline's revision " + std::to_string(tl->revision));
      fmt::change_record_view c;
      try {
        c = fmt::decode_change_record(cursor.value());
      } catch (const corrupt_record& e) {
        r_.add(where + ": " + e.what());
        continue;
      }
      if (!c.by_reference) continue;
      bool kept = false;
      try {
        const chain_hit hit = find_in_chain(
            txn_, t_.statuses, fmt::status_key(n, c.id),
            [&](std::string_view value) { return fmt::decode_status_record(value).id == c.id; },
            false);
        kept = hit.found && fmt::decode_status_record(hit.value).change_rev == revision;
      } catch (const corrupt_record&) {
        // The damaged status record is reported by statuses().
      }
      if (!kept)
        r_.add(where + ": refers to status " + quote_lossy(c.id) +
               ", which is gone or was changed since without the log keeping its text");
    }
    for (const auto& [n, revision] : last)
      if (revision != timelines_.at(n).revision)
        r_.add(timeline_label(n) + ": the change log ends at revision " + std::to_string(revision) +
               ", the timeline is at " + std::to_string(timelines_.at(n).revision));
  }

  // Each setting record decodes under a valid key, with a positive version and a value
  // a put_setting could have written. A store without the table has no settings.
  void settings() {
    if (t_.settings == 0) return;
    table_cursor cursor(txn_, t_.settings);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      const std::string key(cursor.key());
      const std::string where = "setting " + quote_lossy(key);
      try {
        validate_setting_key(key);
      } catch (const invalid_request& e) {
        r_.add(where + ": not a valid key (" + e.what() + ")");
      }
      fmt::setting_record_view v;
      try {
        v = fmt::decode_setting_record(cursor.value());
      } catch (const corrupt_record& e) {
        r_.add(where + ": " + e.what());
        continue;
      }
      if (v.version == 0) r_.add(where + ": version 0 is not a written version");
      if (v.value.size() > max_setting_value_size)
        r_.add(where + ": the value is larger than " + std::to_string(max_setting_value_size) +
               " bytes");
      if (!is_valid_utf8(v.value)) r_.add(where + ": the value is not valid UTF-8");
    }
  }

  MDB_txn* txn_;
  const lmdb_tables& t_;
  store_check_report& r_;
  fmt::timeline_number next_timeline_ = 0;
  std::map<fmt::timeline_number, timeline_facts> timelines_;
};

}  // namespace

void check_records(MDB_txn* txn, const lmdb_tables& tables, store_check_report& report) {
  checker(txn, tables, report).run();
}

}  // namespace roost::detail
