// Many writers on one PostgreSQL store at once (threads with their own storages and
// connection pools, and `roost import` processes), all on one timeline, while a follower
// reads its change feed. Afterwards the counts equal a recount, the revisions are dense,
// and the follower saw every change exactly once, in order: what it saw, replayed, is
// the timeline.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <thread>

#include "../app/app_support.hpp"
#include "postgresql_support.hpp"
#include "storage/blocking.hpp"

namespace {

using namespace roost;
using namespace roost::testing;

constexpr const char* timeline = "shared";

// One writer thread: random upserts, acks and deletes over a small set of ids, so that
// the writers keep colliding on the same statuses.
void write_randomly(const postgresql_options& options, unsigned seed, int rounds) {
  postgresql_storage store(options);
  std::mt19937 random(seed);
  const auto some_id = [&] { return "s" + std::to_string(random() % 40); };
  for (int i = 0; i < rounds; ++i) {
    switch (random() % 4) {
      case 0:
      case 1: {
        put_request r{timeline, put_mode::upsert, {}};
        for (unsigned n = 1 + random() % 4; n > 0; --n)
          r.statuses.push_back({{"id", some_id()},
                                {"text", "by writer " + std::to_string(seed)},
                                {"busybird", {{"level", static_cast<int>(random() % 3)}}}});
        blocking::put_statuses(store, std::move(r));
        break;
      }
      case 2:
        blocking::ack_statuses(store,
                               {timeline, std::vector<std::string>{some_id(), some_id()}, {}, {}});
        break;
      default: blocking::delete_statuses(store, {timeline, delete_selection::ids({some_id()})});
    }
  }
}

// The NDJSON one `roost import` process writes: its own ids, on the shared timeline.
std::string process_lines(int process, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += nlohmann::json{{"timeline", timeline},
                          {"status",
                           {{"id", "p" + std::to_string(process) + "-" + std::to_string(i)},
                            {"busybird", {{"level", i % 2}}}}}}
               .dump() +
           '\n';
  return out;
}

std::string uri_of(const postgresql_options& o) {
  return "postgresql:" + o.connection + " roost_schema=" + o.schema;
}

}  // namespace

TEST_CASE("postgresql: concurrent writers keep counts, revisions and the feed exact",
          "[postgresql][concurrency]") {
  storage_limits limits;
  limits.soft_max = 0;  // every status stays: the replay below needs the whole log
  const auto options = fresh_options(limits);
  postgresql_storage store(options);  // creates the schema before anyone races for it
  temp_dir dir;

  std::atomic<bool> writing{true};
  std::vector<status_change> seen;
  std::thread follower([&] {
    postgresql_storage reader(options);
    std::uint64_t since = 0;
    for (;;) {
      const bool last_round = !writing.load();
      const auto page = blocking::get_changes(reader, {timeline, since, 500});
      for (const auto& c : page.changes) seen.push_back(c);
      if (!page.changes.empty()) since = page.changes.back().revision;
      if (last_round && page.changes.size() < 500) return;
    }
  });

  std::vector<std::unique_ptr<roost_child>> imports;
  for (int p = 0; p < 2; ++p) {
    const auto file = dir / ("import-" + std::to_string(p) + ".ndjson");
    write_file(file, process_lines(p, 300));
    imports.push_back(std::make_unique<roost_child>(std::vector<std::string>{
        "import", "--storage", uri_of(options), "--input", file.string(), "--batch-size", "7"}));
  }
  std::vector<std::thread> writers;
  for (unsigned w = 1; w <= 4; ++w) writers.emplace_back(write_randomly, options, w, 150);
  for (auto& t : writers) t.join();
  for (auto& child : imports) {
    std::string err;
    INFO(err);
    REQUIRE(child->wait(&err) == 0);
  }
  writing = false;
  follower.join();

  // Dense revisions, each seen once, in order, up to the timeline's revision.
  const auto revision = blocking::get_revision(store, timeline);
  REQUIRE(seen.size() == revision);
  for (std::size_t i = 0; i < seen.size(); ++i) REQUIRE(seen[i].revision == i + 1);

  // The feed replayed is the timeline, byte for byte.
  std::map<std::string, std::string> replayed;
  for (const auto& c : seen) {
    if (c.op == change_op::insert || c.op == change_op::update) replayed[c.id] = c.status_json;
    if (c.op == change_op::ack) replayed[c.id] = with_acked_at(replayed.at(c.id), c.acked_at);
    if (c.op == change_op::remove) replayed.erase(c.id);
  }
  std::map<std::string, std::string> stored;
  std::map<std::int64_t, std::size_t> recount;
  std::size_t unacked = 0;
  for (const auto& text :
       blocking::get_status_texts(store, {timeline, ack_state::any, {}, status_count::all()})) {
    const auto s = nlohmann::json::parse(text);
    const std::string id = s["id"].is_string() ? s["id"].get<std::string>() : s["id"].dump();
    stored[id] = text;
    if (!s.contains("busybird") || !s["busybird"].contains("acked_at")) {
      ++recount[s.value("/busybird/level"_json_pointer, 0)];
      ++unacked;
    }
  }
  CHECK(stored == replayed);
  CHECK(stored.size() >= 600);  // every imported status is there
  const auto counts = blocking::get_unacked_counts(store, timeline);
  CHECK(counts.total == unacked);
  CHECK(counts.by_level == recount);
}
