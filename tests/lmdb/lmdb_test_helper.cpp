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
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include <lmdb++.h>

#include "storage/blocking.hpp"
#include "storage/lmdb_storage.hpp"

namespace {

using namespace roost;

void report(const std::string& line) {
  const std::string out = line + "\n";
  std::size_t written = 0;
  while (written < out.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, out.data() + written, out.size() - written);
    if (n <= 0) std::_Exit(3);
    written += static_cast<std::size_t>(n);
  }
}

lmdb_options options_for(const std::string& dir) {
  lmdb_options o;
  o.directory = dir;
  o.limits.soft_max = 0;  // every reported status must stay
  o.initial_map_size = std::size_t{1} << 20;
  o.max_map_size = std::size_t{64} << 20;
  o.sync_writes = false;  // a killed process loses nothing without fsync
  return o;
}

status make(const std::string& id, std::int64_t level, int created, std::size_t padding) {
  return {{"id", id},
          {"created_at", format_twitter(timestamp{} + std::chrono::hours{24 * 365 * 43} +
                                        std::chrono::seconds{created})},
          {"text", "helper status " + id + std::string(padding, '.')},
          {"busybird", {{"level", level}}}};
}

int crash_loop(const std::string& dir, long first) {
  auto options = options_for(dir);
  options.initial_map_size = 256 << 10;
  lmdb_storage storage(options);
  std::mt19937 rng(static_cast<unsigned>(first));
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (long i = first;; ++i) {
    // Churn first, so that a kill also lands inside acks, deletes and multi-status puts.
    switch (below(4)) {
      case 0: {
        std::vector<status> batch;
        for (int k = 0; k < 8; ++k)
          batch.push_back(make("u" + std::to_string(below(60)), below(4) - 1, below(1000), 600));
        blocking::put_statuses(storage, {"churn", put_mode::upsert, batch});
        break;
      }
      case 1:
        blocking::ack_statuses(storage, {.timeline = "churn",
                                         .ids = std::vector<std::string>{
                                             "u" + std::to_string(below(60)),
                                             "u" + std::to_string(below(60))}});
        break;
      case 2:
        blocking::ack_statuses(storage,
                               {.timeline = "churn", .max_id = "u" + std::to_string(below(60))});
        break;
      default:
        blocking::delete_statuses(
            storage, {"churn", delete_selection::ids({"u" + std::to_string(below(60))})});
    }
    const auto id = "c" + std::to_string(i);
    const auto n = blocking::put_statuses(
        storage, {"crash", put_mode::insert, {make(id, i % 3, static_cast<int>(i), 300)}});
    if (n != 1) return 4;
    report(std::to_string(i));
  }
}

int put(const std::string& dir, const std::string& timeline, const std::string& prefix, int n,
        std::size_t padding) {
  lmdb_storage storage(options_for(dir));
  const auto existing = blocking::get_statuses(
      storage, {.timeline = timeline, .count = status_count::all()});
  report("saw " + std::to_string(existing.size()));
  for (int i = 0; i < n; ++i) {
    const auto inserted = blocking::put_statuses(
        storage, {timeline, put_mode::insert, {make(prefix + std::to_string(i), i % 2, i, padding)}});
    if (inserted != 1) return 4;
    report("put " + std::to_string(i));
  }
  report("done " + std::to_string(storage.map_size()));
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

// Prints the timeline's whole retained change log, "<revision> <op> <id>" per change
// (the op as change_op_name), then "end <latest revision>".
template <typename Storage>
int feed(Storage& storage, const std::string& timeline) {
  std::uint64_t since = 0;
  for (;;) {
    storage_error error;
    change_page page;
    storage.get_changes({.timeline = timeline, .since = since, .limit = max_change_limit},
                        [&](const storage_error& e, change_page p) {
                          error = e;
                          page = std::move(p);
                        });
    if (error) {
      report("error " + error.message());
      return 5;
    }
    for (const auto& c : page.changes)
      report(std::to_string(c.revision) + " " + std::string(change_op_name(c.op)) + " " + c.id);
    if (page.changes.empty()) {
      report("end " + std::to_string(page.last_revision));
      return 0;
    }
    since = page.changes.back().revision;
  }
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
    if (args.size() == 2 && args[0] == "hold-reader") return hold_reader(args[1]);
    if (args.size() == 2 && args[0] == "hold-writer") return hold_writer(args[1]);
    if (args.size() == 2 && args[0] == "reader-check") return reader_check(args[1]);
    if (args.size() == 2 && args[0] == "open") return open(args[1]);
    if (args.size() == 3 && args[0] == "feed") {
      lmdb_storage storage(options_for(args[1]));
      return feed(storage, args[2]);
    }
  } catch (const std::exception& e) {
    report(std::string("exception ") + e.what());
    return 2;
  }
  std::cerr << "usage: see the top of lmdb_test_helper.cpp\n";
  return 1;
}
