// A separate process for the SQLite tests. Reports on standard output, one line each,
// written straight to the file descriptor so a report is out before the next operation.
//
//   crash-loop DB FIRST   put status "c<i>" into timeline "crash" for i = FIRST, FIRST+1, ...
//                         and churn (upserts, acks, deletes) in timeline "churn" between
//                         them; print "<i>" after each crash put completed. Runs until killed.
//   put DB TIMELINE PREFIX N
//                         print "saw <size of TIMELINE>", then put N statuses PREFIX0.. one
//                         per call, then print "done <number inserted>".
//   open DB               try to open the store; print "ok", or "error <errc> <message>".
//   feed DB TIMELINE      print the timeline's change log, "<revision> <op> <id>" per
//                         change, then "end <latest revision>".
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "storage/blocking.hpp"
#include "storage/sqlite_storage.hpp"

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

status make(const std::string& id, std::int64_t level, int created) {
  return {{"id", id},
          {"created_at", format_twitter(timestamp{} + std::chrono::hours{24 * 365 * 43} +
                                        std::chrono::seconds{created})},
          {"text", "helper status " + id + std::string(200, '.')},
          {"busybird", {{"level", level}}}};
}

int crash_loop(const std::string& path, long first) {
  sqlite_options options;
  options.path = path;
  options.limits.soft_max = 0;  // every reported status must stay
  sqlite_storage storage(options);
  std::mt19937 rng(static_cast<unsigned>(first));
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (long i = first;; ++i) {
    // Churn first, so that a kill also lands inside acks, deletes and multi-row puts.
    switch (below(4)) {
      case 0: {
        std::vector<status> batch;
        for (int k = 0; k < 5; ++k)
          batch.push_back(make("u" + std::to_string(below(40)), below(4) - 1, below(1000)));
        blocking::put_statuses(storage, {"churn", put_mode::upsert, batch});
        break;
      }
      case 1:
        blocking::ack_statuses(storage,
                               {.timeline = "churn",
                                .ids = std::vector<std::string>{"u" + std::to_string(below(40)),
                                                                "u" + std::to_string(below(40))}});
        break;
      case 2:
        blocking::ack_statuses(storage,
                               {.timeline = "churn", .max_id = "u" + std::to_string(below(40))});
        break;
      default:
        blocking::delete_statuses(
            storage, {"churn", delete_selection::ids({"u" + std::to_string(below(40))})});
    }
    const auto id = "c" + std::to_string(i);
    const auto n = blocking::put_statuses(
        storage, {"crash", put_mode::insert, {make(id, i % 3, static_cast<int>(i))}});
    if (n != 1) {
      report("error: " + id + " was already there");
      return 4;
    }
    report(std::to_string(i));
  }
}

int put(const std::string& path, const std::string& timeline, const std::string& prefix, int n) {
  sqlite_options options;
  options.path = path;
  options.limits.soft_max = 0;
  sqlite_storage storage(options);
  const auto existing =
      blocking::get_statuses(storage, {.timeline = timeline, .count = status_count::all()});
  report("saw " + std::to_string(existing.size()));
  std::size_t inserted = 0;
  for (int i = 0; i < n; ++i)
    inserted += blocking::put_statuses(
        storage, {timeline, put_mode::insert, {make(prefix + std::to_string(i), i % 2, i)}});
  report("done " + std::to_string(inserted));
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

int open(const std::string& path) {
  try {
    sqlite_options options;
    options.path = path;
    sqlite_storage storage(options);
    report("ok");
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
    if (args.size() == 5 && args[0] == "put")
      return put(args[1], args[2], args[3], std::stoi(args[4]));
    if (args.size() == 2 && args[0] == "open") return open(args[1]);
    if (args.size() == 3 && args[0] == "feed") {
      sqlite_options options;
      options.path = args[1];
      sqlite_storage storage(options);
      return feed(storage, args[2]);
    }
  } catch (const std::exception& e) {
    report(std::string("exception ") + e.what());
    return 2;
  }
  std::cerr << "usage: see the top of sqlite_test_helper.cpp\n";
  return 1;
}
