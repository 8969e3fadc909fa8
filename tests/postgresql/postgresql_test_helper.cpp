// A separate process for the PostgreSQL tests, to kill with SIGKILL while it writes.
// Reports on standard output, one line each, straight to the file descriptor.
//
//   crash-loop CONNINFO SCHEMA FIRST
//       put status "c<i>" into timeline "crash" for i = FIRST, FIRST+1, ... with churn
//       in timeline "churn" between them; print "<i>" after each crash put completed.
//       Runs until killed.
#include <iostream>
#include <string>

#include "../support/helper_process.hpp"
#include "storage/postgresql_storage.hpp"

int main(int argc, char** argv) {
  using namespace roost;
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "crash-loop" && argc == 5) {
    postgresql_options options;
    options.connection = argv[2];
    options.schema = argv[3];
    options.limits.soft_max = 0;  // every reported status must stay
    postgresql_storage storage(options);
    return testing::crash_loop(storage, std::stol(argv[4]), {});
  }
  std::cerr << "usage: postgresql_test_helper crash-loop CONNINFO SCHEMA FIRST\n";
  return 2;
}
