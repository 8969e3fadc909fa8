// The key layout (white-box): order table keys keep the timeline order even when long
// order keys are truncated to fit LMDB's key limit, and hash chains find the right entry
// among colliding ones.
#include <algorithm>
#include <random>

#include <lmdb++.h>
#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"
#include "chain_lookup.hpp"
#include "key_codec.hpp"
#include "storage/order_key.hpp"
#include "table_access.hpp"

namespace {

namespace fmt = roost::detail::lmdb_format;
using roost::timestamp;

int sign(int v) { return (v > 0) - (v < 0); }

int compare(std::string_view a, std::string_view b) { return sign(a.compare(b)); }

}  // namespace

TEST_CASE("order table keys fit LMDB and keep the timeline order", "[lmdb][keys]") {
  std::mt19937 rng(7);
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  // Ids short and long, some sharing long prefixes, some containing bytes 0x00 and 0xFF
  // (which the order key escapes), all with few distinct times so that ties are common.
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    std::string id;
    switch (below(4)) {
      case 0: id = std::to_string(below(1000)); break;
      case 1:
        id = std::string(static_cast<std::size_t>(below(700)), 'x') + std::to_string(i);
        break;
      case 2:
        id = "https://example.com/" + std::string(static_cast<std::size_t>(200 + below(100)), '/') +
             std::to_string(below(50));
        break;
      default:
        for (int k = below(600); k > 0; --k)
          id.push_back(static_cast<char>(below(3) == 0 ? 0xFF : below(2) == 0 ? 0 : 'a'));
    }
    ids.push_back(id);
  }
  struct entry {
    std::string full;
    std::string table;
  };
  std::vector<entry> entries;
  for (const auto& id : ids) {
    roost::order_fields f;
    if (below(2) == 0) f.acked_at = timestamp{} + std::chrono::seconds{below(3)};
    if (below(3) != 0) f.created_at = timestamp{} + std::chrono::seconds{below(3)};
    f.id = id;
    auto full = roost::encode_order_key(f);
    auto table = fmt::order_table_key(1, full, static_cast<std::uint8_t>(below(256)));
    REQUIRE(table.size() <= fmt::max_key_size);
    entries.push_back({std::move(full), std::move(table)});
  }
  std::size_t truncated = 0;
  for (const auto& a : entries) {
    if (fmt::order_key_is_truncated(a.full)) ++truncated;
    for (const auto& b : entries) {
      const bool both_cut =
          fmt::order_key_is_truncated(a.full) && fmt::order_key_is_truncated(b.full) &&
          a.full.compare(0, fmt::order_key_keep, b.full, 0, fmt::order_key_keep) == 0;
      if (both_cut) continue;  // the documented exception: ordered by hash
      INFO("ids of sizes " << a.full.size() << " and " << b.full.size());
      REQUIRE(compare(a.table, b.table) == compare(a.full, b.full));
    }
  }
  REQUIRE(truncated > 20);  // the test did exercise truncation
  // Acked keys stay above the floor after truncation too.
  for (const auto& e : entries)
    REQUIRE(
        roost::order_key_is_acked(e.full) ==
        (std::string_view(e.table).substr(fmt::timeline_prefix_size) >= roost::acked_key_floor()));
}

TEST_CASE("keys of other timelines never interleave", "[lmdb][keys]") {
  const std::string big(2000, '\xFF');
  roost::order_fields f;
  f.id = big;
  const auto key = roost::encode_order_key(f);
  REQUIRE(fmt::order_table_key(1, key, 255) < fmt::timeline_range_end(1));
  REQUIRE(fmt::status_key(1, big).bytes < fmt::timeline_range_end(1));
  REQUIRE(fmt::count_key(1, INT64_MAX) < fmt::timeline_range_end(1));
  REQUIRE(fmt::count_key(2, INT64_MIN) >= fmt::timeline_range_end(1));
  REQUIRE(fmt::timeline_range_end(UINT32_MAX).empty());
  // Counts come out in numeric level order.
  REQUIRE(fmt::count_key(1, -5) < fmt::count_key(1, -1));
  REQUIRE(fmt::count_key(1, -1) < fmt::count_key(1, 0));
  REQUIRE(fmt::count_key(1, 0) < fmt::count_key(1, 7));
  REQUIRE(fmt::count_key_level(fmt::count_key(1, -42)) == -42);
}

TEST_CASE("ids and names up to the key limit are stored exactly, longer ones hashed",
          "[lmdb][keys]") {
  const std::size_t exact_max = fmt::max_key_size - fmt::timeline_prefix_size - 1;
  REQUIRE_FALSE(fmt::status_key(3, std::string(exact_max, 'a')).hashed);
  const auto hashed = fmt::status_key(3, std::string(exact_max + 1, 'a'));
  REQUIRE(hashed.hashed);
  REQUIRE(hashed.bytes.size() + fmt::probe_size <= fmt::max_key_size);
  REQUIRE_FALSE(fmt::timeline_name_key(std::string(fmt::max_key_size - 1, 'n')).hashed);
  REQUIRE(fmt::timeline_name_key(std::string(fmt::max_key_size, 'n')).hashed);
  REQUIRE(fmt::hash64("a") != fmt::hash64("b"));
  REQUIRE(fmt::hash64(std::string(1000, 'a')) != fmt::hash64(std::string(1001, 'a')));
}

TEST_CASE("a hash chain finds its entry among colliding ones", "[lmdb][keys]") {
  roost::testing::temp_dir dir;
  auto env = lmdb::env::create();
  env.set_max_dbs(1);
  env.open(dir.path().c_str(), MDB_NOTLS, 0644);
  auto txn = lmdb::txn::begin(env);
  MDB_dbi dbi = 0;
  lmdb::dbi_open(txn, "t", MDB_CREATE, &dbi);
  // Three texts forced into one chain (as if their hashes collided), probes 0, 1 and 3.
  const fmt::chain_key base{fmt::timeline_prefix(9) + '\x01' + std::string(8, 'h'), true};
  const auto put = [&](char probe, const std::string& text) {
    roost::detail::put_value(txn, dbi, base.bytes + probe, text);
  };
  put('\x00', "first");
  put('\x01', "second");
  put('\x03', "fourth");
  // A neighbour that shares the base's leading bytes but not the base.
  roost::detail::put_value(
      txn, dbi, fmt::timeline_prefix(9) + '\x01' + std::string(7, 'h') + "i\x02", "neighbour");
  const auto find = [&](const std::string& text, bool need_free) {
    return roost::detail::find_in_chain(
        txn, dbi, base, [&](std::string_view v) { return v == text; }, need_free);
  };
  auto hit = find("second", false);
  REQUIRE(hit.found);
  REQUIRE(hit.key == base.bytes + '\x01');
  hit = find("fourth", false);
  REQUIRE(hit.found);
  REQUIRE(hit.key == base.bytes + '\x03');
  // Not there: the new key takes the first unused probe.
  hit = find("third", true);
  REQUIRE_FALSE(hit.found);
  REQUIRE(hit.key == base.bytes + '\x02');
  REQUIRE_FALSE(find("neighbour", false).found);
  // Deleting inside the chain never hides the entries after the hole.
  REQUIRE(roost::detail::delete_key(txn, dbi, base.bytes + '\x01'));
  REQUIRE(find("fourth", false).found);
  REQUIRE(find("first", false).found);
  REQUIRE(find("fifth", true).key == base.bytes + '\x01');
  // A full chain refuses a new key instead of overwriting.
  for (int p = 0; p < 256; ++p) put(static_cast<char>(p), "n" + std::to_string(p));
  REQUIRE(find("n200", false).found);
  REQUIRE_THROWS(find("new", true));
  // An exact key is looked up directly.
  const fmt::chain_key exact{fmt::timeline_prefix(9) + '\x00' + "short", false};
  roost::detail::put_value(txn, dbi, exact.bytes, "v");
  hit = roost::detail::find_in_chain(
      txn, dbi, exact, [](std::string_view) { return false; }, true);
  REQUIRE(hit.found);
  REQUIRE(hit.value == "v");
}
