// A separate process for the LMDB tests. It reports on standard output, one line at a
// time, written straight to the file descriptor, so that a report is out before the
// next operation starts.
//
//   crash-loop DIR FIRST   put status "c<i>" into timeline "crash" for i = FIRST, FIRST+1,
//                          ..., with churn (upserts, acks, deletes) in timeline "churn"
//                          between them; print "<i>" after each crash put has completed.
//                          Starts with a small map so that it also grows it. Runs until
//                          killed.
//   put DIR TIMELINE PREFIX N PADDING
//                          print "saw <size of TIMELINE>", then put N statuses PREFIX0..
//                          (PADDING bytes of text each) one per call, printing "put <i>"
//                          after each, then "done <map size>".
//   hold-reader DIR        open the store, read once (the pooled read transaction keeps
//                          its reader slot), print "ready", then wait to be killed.
//   hold-writer DIR        open the environment with plain LMDB, begin a write transaction
//                          (taking LMDB's writer lock), print "ready", then wait to be
//                          killed.
//   reader-check DIR       open the environment with plain LMDB, run mdb_reader_check, print
//                          "cleared <number of slots of dead processes it cleared>".
//   feed DIR TIMELINE      print the timeline's change log, "<revision> <op> <id>" per
//                          change, then "end <latest revision>".
//   open DIR               try to open the store; print "ok <stale readers cleared by a
//                          second check>", or "error <errc value> <message>".
//   put-in-turn DIR TIMELINE N
//                          with a watching storage (1 ms): N times, put one status and
//                          print "put <revision>", then wait to hear the next revision
//                          (the test's put); exit 6 if it is not heard within 30 s.
//   put-setting DIR KEY VALUE EXPECTED
//                         put_setting KEY = VALUE ("-" removes it) based on version
//                         EXPECTED; print "version <new version>" or "error <errc value>".
#include <unistd.h>

#include <iostream>
#include <string>

#include <lmdb++.h>

#include "../support/heard_revisions.hpp"
#include "../support/helper_process.hpp"
#include "storage/blocking.hpp"
#include "storage/lmdb_storage.hpp"

namespace {

using namespace roost;

using testing::report;  // helper_process.hpp: the lines the tests read

lmdb_options options_for(const std::string& dir) {
  lmdb_options o;
  o.directory = dir;
  o.limits.soft_max = 0;  // every reported status must stay
  o.initial_map_size = std::size_t{1} << 20;
  o.max_map_size = std::size_t{64} << 20;
  o.sync_writes = false;  // a killed process loses nothing without fsync
  return o;
}

int crash_loop(const std::string& dir, long first) {
  auto options = options_for(dir);
  options.initial_map_size = 256 << 10;
  lmdb_storage storage(options);
  return testing::crash_loop(storage, first,
                             {.ids = 60, .batch = 8, .churn_padding = 600, .crash_padding = 300});
}

int put(const std::string& dir, const std::string& timeline, const std::string& prefix, int n,
        std::size_t padding) {
  lmdb_storage storage(options_for(dir));
  const auto existing =
      blocking::get_statuses(storage, {.timeline = timeline, .count = status_count::all()});
  report("saw " + std::to_string(existing.size()));
  for (int i = 0; i < n; ++i) {
    const auto inserted = blocking::put_statuses(
        storage, {timeline,
                  put_mode::insert,
                  {testing::helper_status(prefix + std::to_string(i), i % 2, i, padding)}});
    if (inserted != 1) return 4;
    report("put " + std::to_string(i));
  }
  report("done " + std::to_string(storage.map_size()));
  return 0;
}

int put_in_turn(const std::string& dir, const std::string& timeline, int n) {
  auto options = options_for(dir);
  options.watch_interval = std::chrono::milliseconds(1);
  options.sync_writes = true;
  lmdb_storage storage(options);
  testing::heard_revisions heard(storage);
  for (int i = 0; i < n; ++i) {
    const auto mine = static_cast<std::uint64_t>(2 * i + 1);
    blocking::put_statuses(
        storage,
        {timeline, put_mode::insert, {testing::helper_status("c" + std::to_string(i), 0, i, 0)}});
    report("put " + std::to_string(mine));
    if (!heard.wait_for(timeline, mine + 1)) return 6;
  }
  return 0;
}

int hold_reader(const std::string& dir) {
  lmdb_storage storage(options_for(dir));
  blocking::get_unacked_counts(storage, "any");
  report("ready");
  for (;;) ::pause();
}

int hold_writer(const std::string& dir) {
  auto env = lmdb::env::create();
  env.set_max_dbs(8);
  env.open(dir.c_str(), MDB_NOTLS, 0644);
  auto txn = lmdb::txn::begin(env);
  report("ready");
  for (;;) ::pause();
}

int reader_check(const std::string& dir) {
  auto env = lmdb::env::create();
  env.set_max_dbs(8);
  env.open(dir.c_str(), MDB_NOTLS, 0644);
  int dead = 0;
  if (::mdb_reader_check(env, &dead) != MDB_SUCCESS) return 5;
  report("cleared " + std::to_string(dead));
  return 0;
}

int open(const std::string& dir) {
  try {
    lmdb_storage storage(options_for(dir));
    report("ok " + std::to_string(storage.clear_stale_readers()));
  } catch (const storage_failure& e) {
    report("error " + std::to_string(e.code().value()) + " " + e.what());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 3 && args[0] == "crash-loop") return crash_loop(args[1], std::stol(args[2]));
    if (args.size() == 6 && args[0] == "put")
      return put(args[1], args[2], args[3], std::stoi(args[4]), std::stoul(args[5]));
    if (args.size() == 4 && args[0] == "put-in-turn")
      return put_in_turn(args[1], args[2], std::stoi(args[3]));
    if (args.size() == 2 && args[0] == "hold-reader") return hold_reader(args[1]);
    if (args.size() == 2 && args[0] == "hold-writer") return hold_writer(args[1]);
    if (args.size() == 2 && args[0] == "reader-check") return reader_check(args[1]);
    if (args.size() == 2 && args[0] == "open") return open(args[1]);
    if (args.size() == 5 && args[0] == "put-setting") {
      lmdb_storage storage(options_for(args[1]));
      return testing::put_setting(storage, args[2], args[3], std::stoull(args[4]));
    }
    if (args.size() == 3 && args[0] == "feed") {
      lmdb_storage storage(options_for(args[1]));
      return testing::print_feed(storage, args[2]);
    }
  } catch (const std::exception& e) {
    report(std::string("exception ") + e.what());
    return 2;
  }
  std::cerr << "usage: see the top of lmdb_test_helper.cpp\n";
  return 1;
}
