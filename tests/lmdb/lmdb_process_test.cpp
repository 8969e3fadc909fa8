// Several processes on one environment: both write and see each other's writes (in the
// change log too), a map grown by one is adopted by the other, readers do not wait for
// another process's writer, a writer killed at random moments loses no completed put nor
// its change log entries, and reader slots of killed processes are cleared.
#include <future>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "../support/heard_revisions.hpp"
#include "lmdb_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

std::size_t put(status_storage& s, const std::string& timeline, std::vector<status> statuses) {
  return blocking::put_statuses(s, {timeline, put_mode::insert, std::move(statuses)});
}

bool contains(status_storage& s, const std::string& timeline, const std::string& id) {
  return blocking::contains(s, {.timeline = timeline, .query = {id}}).contained.size() == 1;
}

}  // namespace

TEST_CASE("two processes write to one store and see each other's writes", "[lmdb][process]") {
  temp_dir dir;
  lmdb_storage s(small_options(dir.path()));
  REQUIRE(put(s, "t", make_statuses("p", 0, 10)) == 10);
  helper_process child({"put", dir.path().string(), "t", "c", "40", "100"});
  REQUIRE(child.read_line() == "saw 10");
  // Interleaved: one put here, then wait for one put there.
  for (int i = 0; i < 40; ++i) {
    REQUIRE(put(s, "t", make_statuses("p", 10 + i, 1)) == 1);
    REQUIRE(child.read_line() == "put " + std::to_string(i));
    REQUIRE(contains(s, "t", "c" + std::to_string(i)));
  }
  const auto done = child.read_line();
  REQUIRE(done);
  CHECK_THAT(*done, Catch::StartsWith("done "));
  REQUIRE(child.wait() == 0);
  REQUIRE(all_statuses(s, "t").size() == 90);
  require_counts_match_recount(s, "t");
  REQUIRE(blocking::get_revision(s, "t") == 90);  // one revision per status put

  // One log for both: a revision per put, each process's puts in its own order...
  const auto log = all_changes(s, "t");
  REQUIRE(log.size() == 90);
  std::vector<std::string> mine, childs;
  for (std::size_t i = 0; i < log.size(); ++i) {
    REQUIRE(log[i].revision == i + 1);
    REQUIRE(log[i].op == change_op::insert);
    (log[i].id[0] == 'p' ? mine : childs).push_back(log[i].id);
  }
  REQUIRE(mine == ids_of(make_statuses("p", 0, 50)));
  REQUIRE(childs == ids_of(make_statuses("c", 0, 40)));
  // ...and another process reads the same log, this process's changes included.
  helper_process reader({"feed", dir.path().string(), "t"});
  for (const auto& c : log)
    REQUIRE(reader.read_line() == std::to_string(c.revision) + " insert " + c.id);
  REQUIRE(reader.read_line() == "end 90");
  REQUIRE(reader.wait() == 0);
}

TEST_CASE("a map grown by another process is adopted", "[lmdb][process][map]") {
  temp_dir dir;
  lmdb_storage s(small_options(dir.path()));  // 1 MiB
  REQUIRE(put(s, "t", make_statuses("p", 0, 1)) == 1);
  const auto before = s.map_size();
  // About 1.5 MB: the child must grow its map beyond our 1 MiB.
  helper_process child({"put", dir.path().string(), "t", "big", "25", "60000"});
  std::string last;
  while (auto line = child.read_line()) last = *line;
  REQUIRE(child.wait() == 0);
  REQUIRE_THAT(last, Catch::StartsWith("done "));
  const auto child_map = std::stoull(last.substr(5));
  REQUIRE(child_map > before);
  // Reading here finds the data beyond our old map: the size is adopted, not an error.
  REQUIRE(all_statuses(s, "t").size() == 26);
  REQUIRE(s.map_size() >= child_map);
  REQUIRE(put(s, "t", make_statuses("after", 0, 5, 50000)) == 5);
  require_counts_match_recount(s, "t");
}

TEST_CASE("readers do not wait for a writer in another process", "[lmdb][process]") {
  temp_dir dir;
  lmdb_storage s(small_options(dir.path()));
  REQUIRE(put(s, "t", make_statuses("s", 0, 3)) == 3);
  helper_process writer({"hold-writer", dir.path().string()});
  REQUIRE(writer.read_line() == "ready");
  // The other process holds LMDB's writer lock; every read still completes.
  REQUIRE(all_statuses(s, "t").size() == 3);
  REQUIRE(blocking::get_unacked_counts(s, "t").total == 3);
  REQUIRE(contains(s, "t", "s1"));
  REQUIRE(blocking::timeline_names(s) == std::vector<std::string>{"t"});
  REQUIRE(blocking::get_revision(s, "t") == 3);
  // A write does wait for the lock...
  auto pending =
      std::async(std::launch::async, [&] { return put(s, "t", make_statuses("late", 0, 1)); });
  REQUIRE(pending.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
  // ...and gets it once the holder dies (LMDB's lock is a robust mutex).
  writer.kill();
  REQUIRE(pending.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  REQUIRE(pending.get() == 1);
  REQUIRE(all_statuses(s, "t").size() == 4);
}

TEST_CASE("a writer killed at random moments loses no completed put", "[lmdb][process][crash]") {
  temp_dir dir;
  std::mt19937 rng(std::random_device{}());
  std::set<long> reported;
  long first = 0;
  for (int round = 0; round < 8; ++round) {
    const int kill_after = std::uniform_int_distribution<int>(1, 60)(rng);
    INFO("round " << round << ", killed after " << kill_after << " reported puts");
    {
      helper_process child({"crash-loop", dir.path().string(), std::to_string(first)});
      for (int i = 0; i < kill_after; ++i) {
        const auto line = child.read_line();
        REQUIRE(line);
        reported.insert(std::stol(*line));
      }
      // Spin a random while (no sleep) so the kill lands at varying points of the next
      // operations: inside a put, an ack, a delete, a commit, a map resize.
      volatile unsigned sink = 0;
      for (unsigned k = std::uniform_int_distribution<unsigned>(0, 2'000'000)(rng); k > 0; --k)
        sink = sink + k;
      child.kill();
      // Lines written before the kill are completed puts too.
      while (const auto line = child.read_line()) reported.insert(std::stol(*line));
    }
    require_consistent(dir.path());
    lmdb_storage s(small_options(dir.path()));
    for (const long id : reported) REQUIRE(contains(s, "crash", "c" + std::to_string(id)));
    require_counts_match_recount(s, "crash");
    require_counts_match_recount(s, "churn");
    // A put that completed without being reported may be there too, never more.
    REQUIRE(all_statuses(s, "crash").size() >= reported.size());
    REQUIRE(all_statuses(s, "crash").size() <= reported.size() + round + 1);
    // The log was committed with the statuses: every reported put is in it, and replaying
    // it rebuilds both timelines exactly, whatever the kill interrupted.
    std::set<std::string> logged;
    for (const auto& c : all_changes(s, "crash"))
      if (c.op == change_op::insert) logged.insert(c.id);
    for (const long id : reported) REQUIRE(logged.contains("c" + std::to_string(id)));
    require_log_replays_to_statuses(s, "crash");
    require_log_replays_to_statuses(s, "churn");
    // Fresh ids for the next child: the last one may have stored one it did not report.
    first = *reported.rbegin() + 1000;
  }
}

TEST_CASE("reader slots of killed processes are cleared", "[lmdb][process][readers]") {
  temp_dir dir;
  // This process keeps the environment open: LMDB resets its reader table when the last
  // process closes it, so stale slots only matter while someone has it open.
  lmdb_storage s(small_options(dir.path()));
  REQUIRE(blocking::get_unacked_counts(s, "t").total == 0);
  const auto kill_a_reader = [&] {
    helper_process reader({"hold-reader", dir.path().string()});
    REQUIRE(reader.read_line() == "ready");
    reader.kill();
  };
  kill_a_reader();
  REQUIRE(s.clear_stale_readers() == 1);  // the dead reader's slot was taken
  REQUIRE(s.clear_stale_readers() == 0);
  kill_a_reader();
  // Opening the store in another process clears it: that process's own check afterwards
  // finds nothing, and neither does ours.
  helper_process opener({"open", dir.path().string()});
  REQUIRE(opener.read_line() == "ok 0");
  REQUIRE(opener.wait() == 0);
  REQUIRE(s.clear_stale_readers() == 0);
}

TEST_CASE("closing one of two storages on a directory keeps the other's locks",
          "[lmdb][process][readers]") {
  // Were the two objects separate LMDB environments, closing one would free every reader
  // slot of this process (LMDB frees slots by process id) and release every POSIX lock
  // the process holds on lock.mdb, including the one that tells other processes that its
  // slots are alive. The other object's pooled read transaction would then fail, or
  // another process's mdb_reader_check would clear it. Sharing one environment avoids it.
  temp_dir dir;
  auto a = std::make_unique<lmdb_storage>(small_options(dir.path()));
  lmdb_storage b(small_options(dir.path()));
  REQUIRE(put(b, "t", make_statuses("s", 0, 2)) == 2);
  REQUIRE(all_statuses(b, "t").size() == 2);  // b's pooled read transaction keeps a slot
  REQUIRE(all_statuses(*a, "t").size() == 2);
  a.reset();
  helper_process checker({"reader-check", dir.path().string()});
  REQUIRE(checker.read_line() == "cleared 0");
  REQUIRE(checker.wait() == 0);
  REQUIRE(all_statuses(b, "t").size() == 2);
}

TEST_CASE("a watching store hears another process's writes", "[lmdb][process][watch]") {
  temp_dir dir;
  auto options = small_options(dir.path());
  options.watch_interval = std::chrono::milliseconds(2);
  lmdb_storage s(options);
  heard_revisions heard(s);
  helper_process child({"put", dir.path().string(), "t", "c", "40", "0"});
  REQUIRE(child.read_line() == "saw 0");
  for (int i = 0; i < 40; ++i) REQUIRE(child.read_line() == "put " + std::to_string(i));
  REQUIRE(child.read_line());  // done
  REQUIRE(child.wait() == 0);
  // The child's last put (revision 40) is heard without this process touching the store.
  CHECK(heard.wait_for("t", 40));
}

TEST_CASE("two watching stores writing in turn hear every change of the other",
          "[lmdb][process][watch]") {
  // The other store in a process of its own: the moment this checks (a commit's meta page
  // written, the snapshot not yet published to readers) is between processes.
  temp_dir dir;
  auto options = small_options(dir.path());
  options.watch_interval = std::chrono::milliseconds(1);
  options.sync_writes = true;  // both: the window is widest while a commit syncs
  lmdb_storage s(options);
  heard_revisions heard(s);
  helper_process child({"put-in-turn", dir.path().string(), "t", "100"});
  for (int i = 0; i < 100; ++i) {
    // The child puts, this process hears it and puts, the child hears that.
    const auto theirs = static_cast<std::uint64_t>(2 * i + 1);
    REQUIRE(child.read_line() == "put " + std::to_string(theirs));
    INFO("revision " << theirs);
    REQUIRE(heard.wait_for("t", theirs));
    REQUIRE(put(s, "t", make_statuses("p", i, 1)) == 1);
  }
  REQUIRE(child.wait() == 0);  // 6: it missed one of this process's puts
}
