// Random operations on the LMDB backend and on the memory backend side by side, with
// what the key layout finds hardest: ids and timeline names far beyond LMDB's key limit
// (differing early enough that the order is exact), few distinct times, truncation, and
// reopening the store between operations. Every answer must be identical.
#include <random>

#include <catch2/catch.hpp>

#include "lmdb_support.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;
using namespace roost::testing;

TEST_CASE("long ids and names behave exactly as in the memory backend", "[lmdb][model]") {
  const unsigned seed = GENERATE(1u, 2u, 3u);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(std::to_string(i));
  for (int i = 0; i < 12; ++i)
    ids.push_back("https://example.com/" + std::string(static_cast<std::size_t>(i * 30), '/') +
                  std::to_string(i) + std::string(900, 'q'));
  const std::vector<std::string> timelines = {"home", std::string(600, 'n') + "1",
                                              std::string(600, 'n') + "2"};
  storage_limits limits{.soft_max = 12, .hard_max = 15, .default_count = 5};
  limits.per_timeline[timelines[1]] = {.soft_max = 4, .hard_max = 6};
  limits.per_timeline[timelines[2]] = {.soft_max = 0};

  temp_dir dir;
  auto lmdb = std::make_unique<lmdb_storage>(small_options(dir.path(), limits));
  memory_storage model({.limits = limits});

  const auto random_ids = [&] {
    std::vector<std::string> out;
    for (int k = below(4); k > 0; --k) out.push_back(ids[static_cast<std::size_t>(below(24))]);
    return out;
  };
  const auto random_id = [&]() -> std::optional<std::string> {
    if (below(3) == 0) return std::nullopt;
    return ids[static_cast<std::size_t>(below(24))];
  };

  for (int op = 0; op < 400; ++op) {
    INFO("operation " << op);
    const auto& timeline = timelines[static_cast<std::size_t>(below(3))];
    switch (below(7)) {
      case 0:
      case 1: {
        std::vector<status> batch;
        for (int k = below(5) + 1; k > 0; --k)
          batch.push_back(make_status(ids[static_cast<std::size_t>(below(24))], below(3) - 1,
                                      below(3), below(4) == 0,
                                      static_cast<std::size_t>(below(50))));
        const auto mode = static_cast<put_mode>(below(3) + 1);
        REQUIRE(blocking::put_statuses(*lmdb, {timeline, mode, batch}) ==
                blocking::put_statuses(model, {timeline, mode, batch}));
        break;
      }
      case 2: {
        ack_request r{.timeline = timeline,
                      .ids = below(2) ? std::optional(random_ids()) : std::nullopt,
                      .max_id = random_id(),
                      .at = timestamp{} + std::chrono::seconds{below(3)}};
        REQUIRE(blocking::ack_statuses(*lmdb, r) == blocking::ack_statuses(model, r));
        break;
      }
      case 3: {
        auto selection =
            below(8) == 0 ? delete_selection::all() : delete_selection::ids(random_ids());
        REQUIRE(blocking::delete_statuses(*lmdb, {timeline, selection}) ==
                blocking::delete_statuses(model, {timeline, selection}));
        break;
      }
      case 4: {
        get_request r{.timeline = timeline,
                      .state = static_cast<ack_state>(below(3) + 1),
                      .max_id = random_id(),
                      .count = below(2) ? status_count::all() : status_count::of(below(6) + 1)};
        REQUIRE(blocking::get_status_texts(*lmdb, r) == blocking::get_status_texts(model, r));
        break;
      }
      case 5: {
        std::vector<nlohmann::json> query;
        for (const auto& id : random_ids()) query.push_back(id);
        const contains_request r{timeline, query};
        const auto got = blocking::contains(*lmdb, r);
        const auto want = blocking::contains(model, r);
        REQUIRE(got.contained == want.contained);
        REQUIRE(got.not_contained == want.not_contained);
        break;
      }
      default:
        if (below(4) == 0) {
          lmdb.reset();
          lmdb = std::make_unique<lmdb_storage>(small_options(dir.path(), limits));
        }
    }
    REQUIRE(blocking::get_unacked_counts(*lmdb, timeline) ==
            blocking::get_unacked_counts(model, timeline));
    REQUIRE(blocking::get_revision(*lmdb, timeline) == blocking::get_revision(model, timeline));
  }
  REQUIRE(blocking::timeline_names(*lmdb) == blocking::timeline_names(model));
  for (const auto& t : timelines) {
    const get_request all{.timeline = t, .count = status_count::all()};
    REQUIRE(blocking::get_status_texts(*lmdb, all) == blocking::get_status_texts(model, all));
  }
  lmdb.reset();
  require_consistent(dir.path());
}
