// Changes made elsewhere (capabilities::changes_from_elsewhere): a storage's change
// listeners fire for the changes a second storage on the same store makes, and once a
// listener has heard of a change, the change can be read through the storage that heard.
// A storage may report a timeline that did not change (catching up after it could not
// listen), so the cases only ever wait for more reports, never count them exactly.
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

status at(const char* id, int seconds, std::int64_t level = 0) {
  return make_status({.id = id, .created_at = created(seconds), .level = level});
}

// How often each timeline was heard by a storage's change listeners.
class heard_counts {
public:
  explicit heard_counts(status_storage& storage)
      : storage_(storage), token_(storage.subscribe_changes([this](const std::string& t) {
          std::lock_guard lock(mutex_);
          ++heard_[t];
        })) {}
  ~heard_counts() { storage_.unsubscribe_changes(token_); }
  heard_counts(const heard_counts&) = delete;
  heard_counts& operator=(const heard_counts&) = delete;

  std::size_t of(const std::string& timeline) {
    std::lock_guard lock(mutex_);
    return heard_[timeline];
  }

  /// Drives the backend until `timeline` has been heard more than `before` times.
  void wait_beyond(storage_suite& suite, const std::string& timeline, std::size_t before) {
    INFO("waiting for the first storage to hear of a change to \"" << timeline << "\"");
    suite.run_until([&] { return of(timeline) > before; });
    REQUIRE(of(timeline) > before);
  }

private:
  status_storage& storage_;
  std::mutex mutex_;
  std::map<std::string, std::size_t> heard_;
  std::uint64_t token_;
};

// Two storages on one store, and what the first hears.
struct two_storages {
  explicit two_storages(storage_suite& suite)
      : first(open(suite, limits)),
        second(suite, suite.open_same_store(first.storage(), limits)),
        heard(first.storage()) {}
  storage_limits limits{.soft_max = 0};  // first: the members below are made with it
  driver first;
  driver second;
  heard_counts heard;
};

}  // namespace

std::vector<contract_case> elsewhere_cases() {
  return {
      {"changes elsewhere: another storage's put, ack and delete are heard, then readable",
       [](storage_suite& suite) {
         two_storages both(suite);
         auto& [limits, first, second, heard] = both;

         auto before = heard.of("home");
         second.put("home", put_mode::insert, {at("a", 1, 2), at("b", 2, 3)});
         heard.wait_beyond(suite, "home", before);
         CHECK(first.all_ids("home") == (std::vector<std::string>{"b", "a"}));
         CHECK(first.counts("home").total == 2);

         before = heard.of("home");
         second.ack({.timeline = "home", .ids = std::vector<std::string>{"a"}});
         heard.wait_beyond(suite, "home", before);
         CHECK(first.counts("home").total == 1);

         before = heard.of("home");
         second.erase({"home", delete_selection::ids({"b"})});
         heard.wait_beyond(suite, "home", before);
         CHECK(first.counts("home").total == 0);
         CHECK(first.all_ids("home") == (std::vector<std::string>{"a"}));

         // The other way round, and another timeline: each storage hears the other.
         heard_counts heard_back(second.storage());
         before = heard_back.of("other");
         first.put("other", put_mode::insert, {at("c", 3)});
         heard_back.wait_beyond(suite, "other", before);
         CHECK(second.all_ids("other") == std::vector<std::string>{"c"});
         first.check_exactly_once();
         second.check_exactly_once();
       },
       false, contract_case::settings_use::any, true},
      {"changes elsewhere: a write that changes nothing is not heard as a change",
       [](storage_suite& suite) {
         // (A storage may also report timelines that did not change, catching up after it
         // could not listen for a while; never one that does not exist.)
         two_storages both(suite);
         auto& [limits, first, second, heard] = both;
         // Nothing to delete, nothing to ack: no change, and no timeline "quiet".
         second.erase({"quiet", delete_selection::all()});
         second.ack({.timeline = "quiet"});
         // A real change after them: once it is heard, the no-ops would have been too.
         second.put("later", put_mode::insert, {at("z", 9)});
         heard.wait_beyond(suite, "later", 0);
         CHECK(heard.of("quiet") == 0);
       },
       false, contract_case::settings_use::any, true},
  };
}

}  // namespace roost::conformance::detail
