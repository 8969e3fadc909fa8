// Several processes on one store: a writer killed with SIGKILL at random moments loses no
// completed operation, nor its change log entries, and leaves a consistent file; two
// processes writing at once keep both's writes and see each other's, in the change log too.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>

#include "../support/heard_revisions.hpp"
#include "sqlite_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

TEST_CASE("a writer killed at random moments loses no completed put",
          "[sqlite][processes][crash]") {
  temp_dir dir;
  const auto path = dir / "crash.db";
  // A fixed seed per run of the suite would test the same moments forever; log it instead.
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);

  std::vector<std::string> reported;
  for (int round = 0; round < 5; ++round) {
    // Kill after a random number of reported puts, at whatever the child is doing then.
    const auto wait_for = std::uniform_int_distribution<int>(1, 60)(rng);
    {
      // Each round numbers its statuses afresh: the child may have put more than it
      // reported before it died.
      helper_process child({"crash-loop", path.string(), std::to_string(round * 1000000)});
      for (int i = 0; i < wait_for; ++i) {
        const auto line = child.read_line();
        REQUIRE(line);
        REQUIRE(line->find_first_not_of("0123456789") == std::string::npos);
        reported.push_back("c" + *line);
      }
      // And a random part of an operation later (a busy wait: the child runs meanwhile).
      const auto spin = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng));
      for (const auto until = std::chrono::steady_clock::now() + spin;
           std::chrono::steady_clock::now() < until;) {
      }
      child.kill();
    }
    INFO("round " << round << ", " << reported.size() << " puts reported");
    require_consistent(path);
    sqlite_options options;
    options.path = path;
    options.limits.soft_max = 0;
    sqlite_storage storage(options);
    std::vector<nlohmann::json> query(reported.begin(), reported.end());
    const auto found = blocking::contains(storage, {"crash", query});
    CHECK(found.not_contained.empty());
    // The log was committed with the statuses: every reported put is in it, and replaying
    // it rebuilds both timelines exactly, whatever the kill interrupted.
    std::set<std::string> logged;
    for (const auto& c : all_changes(storage, "crash"))
      if (c.op == change_op::insert) logged.insert(c.id);
    for (const auto& id : reported) CHECK(logged.contains(id));
    require_log_replays_to_statuses(storage, "crash");
    require_log_replays_to_statuses(storage, "churn");
  }
}

TEST_CASE("two processes writing one store keep every write and see each other's",
          "[sqlite][processes]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  sqlite_storage storage(options);
  blocking::put_statuses(storage, {"shared", put_mode::insert, make_statuses("p", 0, 20)});

  helper_process child({"put", options.path.string(), "shared", "child-", "150"});
  const auto saw = child.read_line();
  REQUIRE(saw);
  CHECK(*saw == "saw 20");  // the child sees what this process wrote
  // Both write at once now.
  std::size_t mine = 0;
  for (int i = 0; i < 150; ++i)
    mine += blocking::put_statuses(storage, {"shared", put_mode::insert, make_statuses("q", i, 1)});
  const auto done = child.read_line();
  CHECK(child.wait() == 0);
  REQUIRE(done);
  CHECK(*done == "done 150");
  CHECK(mine == 150);

  // This process sees the child's writes without reopening.
  const auto all =
      blocking::get_statuses(storage, {.timeline = "shared", .count = status_count::all()});
  CHECK(all.size() == 320);
  std::vector<nlohmann::json> childs;
  for (int i = 0; i < 150; ++i) childs.push_back("child-" + std::to_string(i));
  CHECK(blocking::contains(storage, {"shared", childs}).not_contained.empty());
  CHECK(blocking::get_unacked_counts(storage, "shared").total == 320);
  CHECK(blocking::get_revision(storage, "shared") == 320);  // one revision per status

  // One log for both: a revision per put, the child's in the order it put them...
  const auto log = all_changes(storage, "shared");
  REQUIRE(log.size() == 320);
  std::vector<std::string> from_child;
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i].revision == i + 1);
    CHECK(log[i].op == change_op::insert);
    if (log[i].id.starts_with("child-")) from_child.push_back(log[i].id);
  }
  std::vector<std::string> child_ids;
  for (int i = 0; i < 150; ++i) child_ids.push_back("child-" + std::to_string(i));
  CHECK(from_child == child_ids);
  // ...and another process reads the same log, this process's changes included.
  helper_process reader({"feed", options.path.string(), "shared"});
  for (const auto& c : log)
    REQUIRE(reader.read_line() == std::to_string(c.revision) + " insert " + c.id);
  CHECK(reader.read_line() == "end 320");
  CHECK(reader.wait() == 0);
  require_consistent(options.path);
}

TEST_CASE("a watching store hears another process's writes, and not its own twice",
          "[sqlite][processes][watch]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  options.watch_interval = std::chrono::milliseconds(2);
  sqlite_storage storage(options);
  heard_revisions heard(storage);
  // Its own write is reported once, by the write itself: data_version ignores the writer
  // connection's own commits, so the watch never reports it again.
  blocking::put_statuses(storage, {"mine", put_mode::insert, make_statuses("m", 0, 1)});
  CHECK(heard.reports("mine") == 1);

  helper_process child({"put", options.path.string(), "shared", "child-", "100"});
  REQUIRE(child.read_line() == "saw 0");
  REQUIRE(child.read_line() == "done 100");
  REQUIRE(child.wait() == 0);
  // The child's last put (revision 100) is heard without this process touching the store.
  CHECK(heard.wait_for("shared", 100));
  CHECK(heard.reports("mine") == 1);
}

TEST_CASE("two watching stores writing in turn hear every change of the other",
          "[sqlite][processes][watch]") {
  temp_dir dir;
  auto options = file_options(dir);
  options.limits.soft_max = 0;
  options.watch_interval = std::chrono::milliseconds(1);
  sqlite_storage a(options), b(options);
  heard_revisions heard_a(a), heard_b(b);
  for (int i = 0; i < 300; ++i) {
    auto& writer = i % 2 == 0 ? a : b;
    auto& other = i % 2 == 0 ? heard_b : heard_a;
    blocking::put_statuses(writer, {"home", put_mode::insert, make_statuses("s", i, 1)});
    INFO("change " << i + 1);
    REQUIRE(other.wait_for("home", static_cast<std::uint64_t>(i + 1)));
  }
}
