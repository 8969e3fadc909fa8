// Failures around a PostgreSQL store: the server restarted under a writer (immediately,
// as a crash would stop it), and the Roost process killed while it writes. Nothing a
// caller was told is stored may be lost; calls after the restart succeed.
#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "../support/child_process.hpp"
#include "postgresql_support.hpp"
#include "storage/blocking.hpp"

namespace {

using namespace roost;
using namespace roost::testing;

// The fixture's cluster restarted by pg_cluster.sh; its directory is the socket's, the
// host of the test connection string ("host=DIR dbname=... user=...").
std::string restart_command(const std::string& mode) {
  const auto conninfo = postgresql_connection();
  const auto dir = conninfo.substr(5, conninfo.find(' ') - 5);
  std::string command = ROOST_PG_CLUSTER_SCRIPT;
  command.append(" restart ").append(dir).append(" ").append(mode);
  return command;
}

// Counts acknowledged puts and lets the test wait for a number of them.
struct progress {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> acknowledged;
  std::vector<storage_failure> failures;

  void wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return acknowledged.size() >= n; });
  }
};

}  // namespace

TEST_CASE("postgresql: a server restart fails calls in flight clearly and loses nothing",
          "[postgresql][faults]") {
  storage_limits limits;
  limits.soft_max = 0;
  const auto options = fresh_options(limits);
  postgresql_storage store(options);
  const auto restart = restart_command("immediate");
  progress p;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      const std::string id = "w" + std::to_string(i);
      try {
        blocking::put_statuses(store, {"home", put_mode::insert, {{{"id", id}}}});
        std::lock_guard lock(p.mutex);
        p.acknowledged.push_back(id);
      } catch (const storage_failure& e) {
        std::lock_guard lock(p.mutex);
        p.failures.push_back(e);
      }
      p.changed.notify_all();
    }
  });
  p.wait_for(20);
  const int restarted = std::system(restart.c_str());
  std::size_t at_restart = 0;
  {
    std::lock_guard lock(p.mutex);
    at_restart = p.acknowledged.size();
  }
  p.wait_for(at_restart + 20);  // the pool reconnected by itself
  stop = true;
  writer.join();
  REQUIRE(restarted == 0);

  for (const auto& e : p.failures) {
    INFO(e.what());
    CHECK(e.code() == make_error_code(errc::io_error));
    CHECK(std::string(e.what()).find("put_statuses on postgresql store") != std::string::npos);
  }
  std::vector<nlohmann::json> ids(p.acknowledged.begin(), p.acknowledged.end());
  const auto found = blocking::contains(store, {"home", ids});
  CHECK(found.not_contained.empty());
  // The counts and the revision agree with what is there: nothing is half-written.
  const auto all =
      blocking::get_status_texts(store, {"home", ack_state::any, {}, status_count::all()});
  CHECK(blocking::get_unacked_counts(store, "home").total == all.size());
  CHECK(blocking::get_revision(store, "home") == all.size());
}

TEST_CASE("postgresql: a writer killed at random moments loses no completed put",
          "[postgresql][faults]") {
  const auto options = fresh_options();
  { postgresql_storage create(options); }
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::vector<std::string> reported;
  for (int round = 0; round < 3; ++round) {
    const auto wait_for = std::uniform_int_distribution<int>(1, 40)(rng);
    child_process child(
        ROOST_POSTGRESQL_TEST_HELPER,
        {"crash-loop", options.connection, options.schema, std::to_string(round * 1000000)});
    for (int i = 0; i < wait_for; ++i) {
      const auto line = child.read_line();
      REQUIRE(line);
      REQUIRE(line->find_first_not_of("0123456789") == std::string::npos);
      reported.push_back("c" + *line);
    }
    child.kill();
  }
  postgresql_storage store(options);
  std::vector<nlohmann::json> ids(reported.begin(), reported.end());
  CHECK(blocking::contains(store, {"crash", ids}).not_contained.empty());
  const auto crash =
      blocking::get_status_texts(store, {"crash", ack_state::any, {}, status_count::all()});
  CHECK(crash.size() >= reported.size());
  CHECK(blocking::get_revision(store, "crash") == crash.size());  // inserts only
}
