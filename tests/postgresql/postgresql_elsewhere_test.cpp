// Changes made elsewhere: a storage hears, through its change listeners, what other
// storages on the same schema change (as other processes would), skips its own notices,
// and listens again after its listen connection is killed.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "change_notice.hpp"  // backends/postgresql/src
#include "postgresql_support.hpp"
#include "storage/blocking.hpp"

namespace {

using namespace roost;
using namespace std::chrono_literals;

// The timelines a storage's change listener was called with, in order.
class heard_log {
public:
  explicit heard_log(status_storage& storage)
      : storage_(storage), token_(storage.subscribe_changes([this](const std::string& t) {
          std::lock_guard lock(mutex_);
          heard_.push_back(t);
          changed_.notify_all();
        })) {}
  ~heard_log() { storage_.unsubscribe_changes(token_); }

  /// Waits until `timeline` was heard (failing the test after 20 s: a lost notice).
  void wait_for(const std::string& timeline) {
    std::unique_lock lock(mutex_);
    const bool got = changed_.wait_for(lock, 20s, [&] {
      return std::find(heard_.begin(), heard_.end(), timeline) != heard_.end();
    });
    INFO("waiting to hear \"" << timeline << "\"");
    REQUIRE(got);
  }

  std::size_t count(const std::string& timeline) {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count(heard_.begin(), heard_.end(), timeline));
  }

private:
  status_storage& storage_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> heard_;
  std::uint64_t token_;
};

put_request one_status(std::string timeline, std::string id) {
  return {std::move(timeline), put_mode::upsert, {nlohmann::json{{"id", std::move(id)}}}};
}

// Ends every change-listener connection of the test cluster (only this test's storage
// listens: the others here have listening off); returns how many there were.
int kill_listeners() {
  PGconn* c = PQconnectdb(testing::postgresql_connection().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c,
                       "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE application_name = 'roost change listener'");
  REQUIRE(PQresultStatus(r) == PGRES_TUPLES_OK);
  const int killed = std::stoi(PQgetvalue(r, 0, 0));
  PQclear(r);
  PQfinish(c);
  return killed;
}

// Two storages on a fresh schema: `listener` listens (what it hears goes to `heard`),
// `other` only writes.
struct listening_pair {
  postgresql_options options = testing::fresh_options();
  postgresql_storage listener{options};
  postgresql_storage other{[this] {
    auto o = options;
    o.listen_for_changes = false;
    return o;
  }()};
  heard_log heard{listener};
};

}  // namespace

TEST_CASE("postgresql: a storage hears the changes other storages make, not its own twice",
          "[postgresql]") {
  listening_pair pair;
  auto& [options, listener, other, heard] = pair;

  // Heard by notice, or by the reread when listening starts after the put committed.
  blocking::put_statuses(other, one_status("home", "a"));
  heard.wait_for("home");

  // Listening now: a change through the storage itself is heard once (its own listener
  // call; its own notice is skipped), and the other's next one arrives after it.
  blocking::put_statuses(listener, one_status("mine", "b"));
  CHECK(heard.count("mine") == 1);
  blocking::ack_statuses(other, {"home", std::vector<std::string>{"a"}, {}, {}});
  blocking::delete_statuses(other, {"theirs", delete_selection::all()});  // changes nothing
  blocking::put_statuses(other, one_status("theirs", "c"));
  heard.wait_for("theirs");
  CHECK(heard.count("mine") == 1);
  CHECK(heard.count("home") >= 2);  // the put and the ack
}

TEST_CASE("postgresql: a killed listen connection listens again and hears what it missed",
          "[postgresql]") {
  listening_pair pair;
  auto& [options, listener, other, heard] = pair;
  blocking::put_statuses(other, one_status("before", "a"));
  heard.wait_for("before");

  REQUIRE(kill_listeners() >= 1);
  // Made while the storage may not be listening: heard by the reread after it listens
  // again if its notice found nobody.
  blocking::put_statuses(other, one_status("meanwhile", "b"));
  heard.wait_for("meanwhile");
  blocking::put_statuses(other, one_status("after", "c"));
  heard.wait_for("after");
}

TEST_CASE("postgresql: change notices name any timeline, and refuse what is not theirs",
          "[postgresql]") {
  listening_pair pair;
  auto& [options, listener, other, heard] = pair;
  const std::string odd("a b\0c\xc3\xa9", 7);
  const std::string long_name(5000, 'x');  // past NOTIFY's payload limit: "some timeline"
  blocking::put_statuses(other, one_status(odd, "a"));
  heard.wait_for(odd);
  blocking::put_statuses(other, one_status(long_name, "b"));
  heard.wait_for(long_name);
  // Somebody else's NOTIFY on the channel is not a notice: ignored, and the storage
  // goes on listening.
  const auto channel = pg::notice_channel(options.schema);
  PGconn* c = PQconnectdb(testing::postgresql_connection().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PQclear(PQexec(c, ("SELECT pg_notify('" + channel + "', 'not a notice'), pg_notify('" + channel +
                     "', 'x 1 zz'), pg_notify('" + channel + "', '')")
                        .c_str()));
  PQfinish(c);
  blocking::put_statuses(other, one_status("later", "c"));
  heard.wait_for("later");
}

TEST_CASE("postgresql change notices: encoded and decoded", "[postgresql]") {
  const std::string name("a b\0c\xc3\xa9", 7);
  const auto decoded = pg::decode_notice(pg::encode_notice("0123456789abcdef", 42, name));
  REQUIRE(decoded);
  CHECK(decoded->origin == "0123456789abcdef");
  CHECK(decoded->revision == 42);
  CHECK(decoded->timeline == name);
  const auto some = pg::decode_notice(pg::encode_notice("o", 7, std::string(5000, 'x')));
  REQUIRE(some);
  CHECK_FALSE(some->timeline);
  CHECK(pg::encode_notice("o", 7, std::string(5000, 'x')).size() < 8000);
  for (const char* bad : {"", "x", "x 1", "x one 61", "x 1 6", "x 1 zz", "x -1 61"})
    CHECK_FALSE(pg::decode_notice(bad));
  CHECK(pg::notice_channel("roost").size() <= 63);
  CHECK(pg::notice_channel("roost") != pg::notice_channel("roost2"));
}
