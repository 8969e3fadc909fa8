// `roost check --storage URI`: reads a whole store and says whether it is sound.
//
// Opens the store read-only (nothing is created or written), runs the backend's check()
// (storage/lmdb_storage.hpp, storage/sqlite_storage.hpp) and prints each problem. A store
// that cannot even be opened (empty, cut short, pages damaged, not a store) is a finding
// too: its message is the report. Exit code 0 sound, 1 damaged or unreadable.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "command_support.hpp"
#include "data_commands.hpp"
#include "store_location.hpp"

namespace roost::app {
namespace {

std::string seconds_text(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

int check_command(const std::vector<std::string>& args) {
  const flags f(args, {"storage"});
  const auto where = store_location::parse(required_flag(f, "storage"));
  if (where.scheme == "memory") {
    std::cout << "storage: memory: holds nothing between runs; nothing to check\n";
    return 0;
  }
  if (where.scheme == "postgresql") {
    // Its constraints (unique keys, counts that stay positive, references) hold on every
    // write; its pages are PostgreSQL's to check.
    std::cerr << "roost check: a PostgreSQL store is checked by PostgreSQL itself: run "
                 "pg_amcheck on the database (docs/postgresql.md)\n";
    return 2;
  }
  if (!where.exists()) {
    std::cerr << "roost check: no store at \"" << where.uri << "\"\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  store_check_report report;
  try {
    report = check_store(where);
  } catch (const storage_failure& e) {
    std::cerr << "roost check: " << e.what() << '\n';
    std::cerr << "roost check: " << where.uri
              << " is damaged or not a store; restore it from a backup or an export\n";
    return 1;
  }
  const auto took = std::chrono::steady_clock::now() - start;
  std::cout << "storage: " << where.uri << '\n'
            << "read " << report.timelines << " timelines, " << report.statuses << " statuses, "
            << report.changes << " changes, " << report.pages << " pages in " << seconds_text(took)
            << '\n';
  for (const auto& p : report.problems) std::cout << "problem: " << p << '\n';
  if (report.ok()) {
    std::cout << "ok: no problems found\n";
    return 0;
  }
  const std::size_t total = report.problems.size() + report.unlisted;
  std::cout << total << " problem" << (total == 1 ? "" : "s")
            << (report.unlisted > 0 ? " (" + std::to_string(report.unlisted) + " not listed)" : "")
            << ": the store is damaged. Restore it from a backup, or import an earlier export "
               "into a new store (when only records are damaged, roost export still reads "
               "the rest).\n";
  return 1;
}

}  // namespace roost::app
