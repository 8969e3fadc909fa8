// change_poller on probes the test controls: what it reports after the version moves,
// what it leaves alone, and that a failing probe does not stop it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>

#include "storage/change_poller.hpp"

namespace {

using namespace std::chrono_literals;
using revision_list = std::vector<std::pair<std::string, std::uint64_t>>;

// A store the test changes, and what the poller reported of it.
class fake_store {
public:
  // Commits a change to `timeline` as another writer would: revision and version move.
  void commit(const std::string& timeline) {
    std::lock_guard lock(mutex_);
    ++revisions_[timeline];
    ++version_;
  }

  // Moves the version without changing any revision (a write to something else).
  void touch() {
    std::lock_guard lock(mutex_);
    ++version_;
  }

  void fail_probes(bool fail) {
    std::lock_guard lock(mutex_);
    failing_ = fail;
  }

  roost::change_poller::probes probes() {
    return {.version =
                [this] {
                  std::lock_guard lock(mutex_);
                  ++looks_;
                  looked_.notify_all();
                  if (failing_) throw std::runtime_error("the store is locked");
                  return version_;
                },
            .revisions =
                [this] {
                  std::lock_guard lock(mutex_);
                  ++scans_;
                  if (failing_) throw std::runtime_error("the store is locked");
                  return revision_list(revisions_.begin(), revisions_.end());
                }};
  }

  std::function<void(const std::string&)> listener() {
    return [this](const std::string& timeline) {
      std::lock_guard lock(mutex_);
      heard_.push_back(timeline);
      looked_.notify_all();
    };
  }

  // Waits until the poller has looked `n` more times than when called: everything
  // committed before the call has then been seen (a look finishes before the next).
  void wait_for_looks(int n) {
    std::unique_lock lock(mutex_);
    const int target = looks_ + n;
    REQUIRE(looked_.wait_for(lock, 30s, [&] { return looks_ >= target; }));
  }

  std::vector<std::string> heard() {
    std::lock_guard lock(mutex_);
    return heard_;
  }

  int scans() {
    std::lock_guard lock(mutex_);
    return scans_;
  }

private:
  std::mutex mutex_;
  std::condition_variable looked_;
  std::uint64_t version_ = 0;
  std::map<std::string, std::uint64_t> revisions_;
  bool failing_ = false;
  int looks_ = 0, scans_ = 0;
  std::vector<std::string> heard_;
};

}  // namespace

TEST_CASE("change_poller reports the timelines whose revision moved, once per look") {
  fake_store store;
  store.commit("before");  // part of the starting state: never reported
  roost::change_poller poller(1ms, store.probes(), store.listener());
  store.wait_for_looks(2);
  CHECK(store.heard().empty());

  store.commit("home");
  store.commit("home");
  store.commit("other");
  store.wait_for_looks(2);
  const auto heard = store.heard();
  // Two commits to home before one look are one report, or two when a look fell between.
  CHECK(std::count(heard.begin(), heard.end(), "other") == 1);
  CHECK(std::count(heard.begin(), heard.end(), "home") >= 1);
  CHECK(std::count(heard.begin(), heard.end(), "before") == 0);
}

TEST_CASE("change_poller scans only when the version moved, and reports only real changes") {
  fake_store store;
  store.commit("home");
  roost::change_poller poller(1ms, store.probes(), store.listener());
  store.wait_for_looks(3);
  const int scans = store.scans();  // the baseline's
  store.wait_for_looks(3);
  CHECK(store.scans() == scans);

  store.touch();
  store.wait_for_looks(2);
  CHECK(store.scans() == scans + 1);
  CHECK(store.heard().empty());
}

TEST_CASE("change_poller keeps looking after its probes fail, and misses nothing") {
  fake_store store;
  roost::change_poller poller(1ms, store.probes(), store.listener());
  store.wait_for_looks(1);
  store.fail_probes(true);
  store.commit("during");
  store.wait_for_looks(3);
  CHECK(store.heard().empty());
  store.fail_probes(false);
  store.wait_for_looks(2);
  CHECK(store.heard() == std::vector<std::string>{"during"});
}

TEST_CASE("change_poller whose first probes fail starts from what it first reads") {
  fake_store store;
  store.fail_probes(true);
  store.commit("old");
  roost::change_poller poller(1ms, store.probes(), store.listener());
  store.wait_for_looks(2);
  store.fail_probes(false);
  store.wait_for_looks(2);
  CHECK(store.heard().empty());  // the baseline, read late
  store.commit("new");
  store.wait_for_looks(2);
  CHECK(store.heard() == std::vector<std::string>{"new"});
}

TEST_CASE("change_poller refuses an interval that is not positive") {
  fake_store store;
  CHECK_THROWS_AS(roost::change_poller(0ms, store.probes(), store.listener()),
                  std::invalid_argument);
}

TEST_CASE("change_poller does not report what the storage noted as its own") {
  fake_store store;
  roost::change_poller poller(1ms, store.probes(), store.listener());
  store.wait_for_looks(1);
  // Noted before the commit here, so that no look can fall between the two.
  poller.note_own("home", 1);
  store.commit("home");
  store.wait_for_looks(2);
  CHECK(store.heard().empty());
  store.commit("home");  // revision 2, made elsewhere
  store.wait_for_looks(2);
  CHECK(store.heard() == std::vector<std::string>{"home"});
  // A note older than what a scan saw changes nothing.
  poller.note_own("home", 1);
  store.touch();
  store.wait_for_looks(2);
  CHECK(store.heard() == std::vector<std::string>{"home"});
}
