// The randomized mode: random operations on the backend and on the reference model,
// every answer compared. Ids, timestamps and timelines come from small pools so that
// operations collide (same ids, equal created_at, acks in the same second) often.
//
// The change feed is checked three ways: every revision equals the model's count of
// changes; a follower per timeline reads the feed in small pages as it goes and compares
// each change with the model's; and at the end the whole log, replayed from revision 0
// onto an empty timeline, must rebuild each timeline's statuses exactly.
#include <cstdlib>
#include <random>

#include <catch2/catch.hpp>

#include "cases.hpp"
#include "change_replay.hpp"
#include "reference_model.hpp"

namespace roost::conformance::detail {
namespace {

class generator {
public:
  explicit generator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& from) {
    return from[below(from.size())];
  }

  std::string timeline() { return pick(timelines_); }
  std::string id() { return pick(ids_); }

  std::vector<std::string> ids(std::size_t max) {
    std::vector<std::string> out(below(max + 1));
    for (auto& id : out) id = this->id();
    return out;
  }

  status make() {
    const auto text_id = id();
    nlohmann::json id_json = text_id;
    // Numeric ids sometimes arrive as JSON integers: the same id as their text.
    if (text_id.find_first_not_of("0123456789") == std::string::npos && text_id.size() < 4 &&
        chance(30))
      id_json = std::stoi(text_id);
    status s = {{"id", id_json}, {"text", "body " + std::to_string(below(1000))}};
    if (!chance(15)) s["created_at"] = pick(created_);
    if (chance(70)) s["busybird"]["level"] = pick(levels_);
    if (chance(20)) s["busybird"]["acked_at"] = pick(acked_);
    return s;
  }

  nlohmann::json query_item() {
    if (chance(20)) return make();
    if (chance(10)) return nlohmann::json{{"text", "no id"}};
    return id();
  }

  /// A get_changes limit: mostly small pages, sometimes the default (0).
  std::size_t change_limit() { return chance(10) ? 0 : 1 + below(20); }

  status_count count() {
    if (chance(15)) return status_count::all();
    if (chance(15)) return {};
    return status_count::of(1 + below(12));
  }

private:
  std::mt19937_64 rng_;
  std::vector<std::string> timelines_ = {"home", "work", "\xf0\x9f\x90\xa6 birds/feed"};
  std::vector<std::string> ids_ = {"0",
                                   "1",
                                   "2",
                                   "3",
                                   "4",
                                   "5",
                                   "6",
                                   "7",
                                   "8",
                                   "9",
                                   "10",
                                   "11",
                                   "12",
                                   "20",
                                   "100",
                                   "a",
                                   "b",
                                   "ab",
                                   "A",
                                   "a b",
                                   "\xc3\xa9",
                                   "\xf0\x9f\x90\xa6",
                                   "x/y",
                                   "q\"&?",
                                   "z",
                                   "zz",
                                   "https://example.com/1",
                                   "long-" + std::string(60, 'x')};
  std::vector<std::string> created_ = {
      "Thu May 16 12:56:20 +0000 2013", "Thu May 16 12:56:21 +0000 2013",
      "2013-05-16T21:56:21+09:00",      "2013-05-16T12:56:21.5Z",
      "Thu, 16 May 2013 12:56:22 GMT",  "Thu May 16 12:56:22 +0000 2013",
      "2013-05-16T12:56:23Z",           "Fri May 17 00:00:00 +0000 2013"};
  std::vector<std::int64_t> levels_ = {-1, 0, 0, 1, 2, 5};
  std::vector<std::string> acked_ = {"Tue May 13 16:53:20 +0000 2014", "2014-05-13T16:53:21Z",
                                     "Tue May 13 16:53:22 +0000 2014"};
};

std::vector<std::uint64_t> seeds() {
  if (const char* env = std::getenv("ROOST_SEED")) return {std::strtoull(env, nullptr, 10)};
  return {1, 2, 3, 5, 8, 13, 21, 34, 55, 89};
}

std::size_t operations(const storage_suite& suite) {
  if (const char* env = std::getenv("ROOST_RANDOM_OPS")) return std::strtoull(env, nullptr, 10);
  return suite.caps().random_operations;
}

// Requires `got` to be the change the model recorded as revision `revision`.
void require_change(const reference_model& model, const std::string& timeline,
                    std::uint64_t revision, const status_change& got) {
  const auto& expected = model.changes(timeline).at(revision - 1);
  INFO("change " << revision << ": got " << change_op_name(got.op) << " " << got.id << ", expected "
                 << change_op_name(expected.op) << " " << expected.id);
  REQUIRE(got.revision == revision);
  REQUIRE(got.op == expected.op);
  REQUIRE(got.id == expected.id);
  REQUIRE(got.acked_at == expected.acked_at);
  if (expected.doc)
    REQUIRE(nlohmann::json::parse(got.status_json) == *expected.doc);
  else
    REQUIRE(got.status_json.empty());
}

// Reads the timeline's next page of changes after `cursor` and checks it against the
// model; moves the cursor past what it read.
void follow(driver& d, const reference_model& model, generator& gen, const std::string& timeline,
            std::uint64_t& cursor) {
  const auto limit = gen.change_limit();
  INFO("get_changes since " << cursor << " limit " << limit);
  const auto page = d.changes(timeline, cursor, limit);
  const auto last = model.revision(timeline);
  REQUIRE(page.last_revision == last);
  const std::uint64_t page_size = limit == 0 ? default_change_limit : limit;
  REQUIRE(page.changes.size() == std::min(last - cursor, page_size));
  for (const auto& c : page.changes) require_change(model, timeline, ++cursor, c);
}

// Replays the timeline's whole log from revision 0 in pages of random size and requires
// it to rebuild the statuses the backend holds.
void replay_from_start(driver& d, generator& gen, const std::string& timeline) {
  change_replay replay;
  for (;;) {
    const auto page = d.changes(timeline, replay.revision(), gen.change_limit());
    replay.apply(page.changes);
    if (page.changes.empty()) break;
  }
  REQUIRE(replay.revision() == d.revision(timeline));
  require_same_statuses(replay, d.get_texts({.timeline = timeline, .count = status_count::all()}));
}

void run_seed(storage_suite& suite, std::uint64_t seed) {
  // Retention far above the changes a run makes: nothing is pruned, so the whole log
  // can be replayed at the end.
  constexpr std::size_t retention = 1000000;
  const storage_limits limits =
      suite.caps().truncation
          ? storage_limits{.soft_max = 12,
                           .hard_max = 15,
                           .default_count = 7,
                           .change_retention = retention}
          : storage_limits{.soft_max = 0, .default_count = 7, .change_retention = retention};
  driver d(suite, suite.make_storage(limits));
  reference_model model(limits);
  generator gen(seed);
  std::map<std::string, std::uint64_t> cursors;  // the followers' positions
  const auto base = *parse_timestamp("2020-01-01T00:00:00Z");
  const std::size_t n = operations(suite);

  // One revision per change: the backend's revision is the model's count of changes.
  auto check_revision = [&](const std::string& timeline) {
    REQUIRE(d.revision(timeline) == model.revision(timeline));
  };
  for (std::size_t op = 0; op < n; ++op) {
    const auto timeline = gen.timeline();
    const auto kind = gen.below(100);
    INFO("replay with ROOST_SEED=" << seed << "; operation #" << op << " on \"" << timeline
                                   << "\"");
    if (kind < 30) {
      std::vector<status> statuses(1 + gen.below(5));
      for (auto& s : statuses) s = gen.make();
      const auto mode = static_cast<put_mode>(1 + gen.below(3));
      INFO("put mode " << static_cast<int>(mode) << ": " << nlohmann::json(statuses).dump());
      const auto got = d.put(timeline, mode, statuses);
      REQUIRE(got == model.put(timeline, mode, statuses));
      check_revision(timeline);
    } else if (kind < 45) {
      get_request request{.timeline = timeline,
                          .state = static_cast<ack_state>(1 + gen.below(3)),
                          .max_id = gen.chance(50) ? std::optional(gen.id()) : std::nullopt,
                          .count = gen.count()};
      INFO("get state " << static_cast<int>(request.state) << " max_id "
                        << request.max_id.value_or("(none)"));
      REQUIRE(d.get(request) == model.get(request));
    } else if (kind < 60) {
      ack_request request{.timeline = timeline,
                          .ids = gen.chance(50) ? std::optional(gen.ids(4)) : std::nullopt,
                          .max_id = gen.chance(40) ? std::optional(gen.id()) : std::nullopt,
                          .at = base + std::chrono::seconds(op / 4)};
      INFO("ack ids " << nlohmann::json(request.ids.value_or(std::vector<std::string>{"(none)"}))
                      << " max_id " << request.max_id.value_or("(none)"));
      const auto got = d.ack(request);
      REQUIRE(got == model.ack(request));
      check_revision(timeline);
    } else if (kind < 67) {
      const delete_request request{.timeline = timeline,
                                   .selection = gen.chance(10) ? delete_selection::all()
                                                               : delete_selection::ids(gen.ids(3))};
      const auto got = d.erase(request);
      REQUIRE(got == model.erase(request));
      check_revision(timeline);
    } else if (kind < 75) {
      REQUIRE(d.counts(timeline) == model.counts(timeline));
    } else if (kind < 83) {
      std::vector<nlohmann::json> query(gen.below(6));
      for (auto& item : query) item = gen.query_item();
      const auto got = d.contains(timeline, query);
      const auto expected = model.contains(timeline, query);
      REQUIRE(got.contained == expected.contained);
      REQUIRE(got.not_contained == expected.not_contained);
    } else if (kind < 88) {
      REQUIRE(d.names() == model.names());
    } else if (kind < 97) {
      follow(d, model, gen, timeline, cursors[timeline]);
    } else {
      // A cursor ahead of the timeline is stale, however far ahead.
      const auto ahead = model.revision(timeline) + 1 + gen.below(3);
      INFO("get_changes since " << ahead);
      REQUIRE(d.changes_error(timeline, ahead).code() == make_error_code(errc::stale_cursor));
    }
  }
  for (const auto& timeline : model.names()) {
    INFO("final state of \"" << timeline << "\", seed " << seed);
    REQUIRE(d.all(timeline) == model.get({.timeline = timeline, .count = status_count::all()}));
    REQUIRE(d.counts(timeline) == model.counts(timeline));
    while (cursors[timeline] < model.revision(timeline))
      follow(d, model, gen, timeline, cursors[timeline]);
    replay_from_start(d, gen, timeline);
  }
  d.check_exactly_once();
}

}  // namespace

void run_randomized_cases(storage_suite& suite) {
  for (const auto seed : seeds()) {
    DYNAMIC_SECTION("random operations, seed " << seed) { run_seed(suite, seed); }
  }
}

}  // namespace roost::conformance::detail

namespace roost::conformance {

void run_randomized_cases(storage_suite& suite) { detail::run_randomized_cases(suite); }

}  // namespace roost::conformance
