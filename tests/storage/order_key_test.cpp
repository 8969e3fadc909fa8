// The order key's byte order must equal the timeline order of docs/spec/status.md.
#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

#include "storage/order_key.hpp"

using namespace roost;
using std::chrono::microseconds;

namespace {

struct fields {
  std::optional<std::int64_t> acked, created;
  std::string id;
};

std::optional<timestamp> ts(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return timestamp{microseconds{*v}};
}

std::string key(const fields& f) { return encode_order_key({ts(f.acked), ts(f.created), f.id}); }

// docs/spec/status.md's order, written out rule by rule.
bool newer(const fields& a, const fields& b) {
  if (a.acked.has_value() != b.acked.has_value()) return !a.acked.has_value();
  if (a.acked && *a.acked != *b.acked) return *a.acked > *b.acked;
  if (a.created.has_value() != b.created.has_value()) return !a.created.has_value();
  if (a.created && *a.created != *b.created) return *a.created > *b.created;
  return std::lexicographical_compare(
      b.id.begin(), b.id.end(), a.id.begin(), a.id.end(),
      [](char x, char y) { return static_cast<unsigned char>(x) < static_cast<unsigned char>(y); });
}

}  // namespace

TEST_CASE("order key byte order equals the timeline order on random statuses") {
  std::mt19937_64 rng(20131516);
  const std::vector<std::int64_t> times = {INT64_MIN, -5, -1, 0, 1, 2, 1368708983000000, INT64_MAX};
  const std::vector<std::string> ids = {
      "",     "a",        "ab", "b",  std::string("a\0", 2), std::string("a\0b", 3),
      "\xff", "\xfe\xff", "B",  "a b"};
  auto pick_time = [&]() -> std::optional<std::int64_t> {
    const auto i = rng() % (times.size() + 1);
    if (i == times.size()) return std::nullopt;
    return times[i];
  };
  for (int round = 0; round < 20000; ++round) {
    const fields a{pick_time(), pick_time(), ids[rng() % ids.size()]};
    const fields b{pick_time(), pick_time(), ids[rng() % ids.size()]};
    INFO("a: acked " << a.acked.value_or(-42) << " created " << a.created.value_or(-42) << " id "
                     << a.id << "; b: acked " << b.acked.value_or(-42) << " created "
                     << b.created.value_or(-42) << " id " << b.id);
    CHECK((key(a) < key(b)) == newer(a, b));
    CHECK((key(a) == key(b)) == (!newer(a, b) && !newer(b, a)));
  }
}

TEST_CASE("acked keys sort at or above the floor, unacked keys below") {
  const auto unacked = key({std::nullopt, 5, "x"});
  const auto acked = key({INT64_MIN, std::nullopt, ""});
  CHECK(unacked < std::string(acked_key_floor()));
  CHECK(acked >= std::string(acked_key_floor()));
  CHECK_FALSE(order_key_is_acked(unacked));
  CHECK(order_key_is_acked(acked));
}

TEST_CASE("re-keying for an ack equals encoding the acked status") {
  for (const auto& id : {std::string("x"), std::string("a\0b", 3), std::string()}) {
    const auto before = key({std::nullopt, 77, id});
    CHECK(order_key_with_acked_at(before, timestamp{microseconds{123}}) == key({123, 77, id}));
    const auto no_created = key({std::nullopt, std::nullopt, id});
    CHECK(order_key_with_acked_at(no_created, timestamp{microseconds{-9}}) ==
          key({-9, std::nullopt, id}));
  }
}
