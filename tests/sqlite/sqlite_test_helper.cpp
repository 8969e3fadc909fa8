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
//   put-setting DB KEY VALUE EXPECTED
//                         put_setting KEY = VALUE ("-" removes it) based on version
//                         EXPECTED; print "version <new version>" or "error <errc value>".
#include <iostream>
#include <string>

#include "../support/helper_process.hpp"
#include "storage/blocking.hpp"
#include "storage/sqlite_storage.hpp"

namespace {

using namespace roost;

using testing::report;  // helper_process.hpp: the lines the tests read

// The SQLite helper's statuses carry 200 characters of text.
status make(const std::string& id, std::int64_t level, int created) {
  return testing::helper_status(id, level, created, 200);
}

sqlite_options options_for(const std::string& path) {
  sqlite_options options;
  options.path = path;
  options.limits.soft_max = 0;  // every reported status must stay
  return options;
}

int crash_loop(const std::string& path, long first) {
  sqlite_storage storage(options_for(path));
  return testing::crash_loop(storage, first,
                             {.ids = 40, .batch = 5, .churn_padding = 200, .crash_padding = 200});
}

int put(const std::string& path, const std::string& timeline, const std::string& prefix, int n) {
  sqlite_storage storage(options_for(path));
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
    if (args.size() == 5 && args[0] == "put-setting") {
      sqlite_storage storage(options_for(args[1]));
      return testing::put_setting(storage, args[2], args[3], std::stoull(args[4]));
    }
    if (args.size() == 3 && args[0] == "feed") {
      sqlite_options options;
      options.path = args[1];
      sqlite_storage storage(options);
      return testing::print_feed(storage, args[2]);
    }
  } catch (const std::exception& e) {
    report(std::string("exception ") + e.what());
    return 2;
  }
  std::cerr << "usage: see the top of sqlite_test_helper.cpp\n";
  return 1;
}
