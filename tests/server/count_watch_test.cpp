// count_watch answers a waiter with counts at least as new as the waiter: a change
// notified before it came (a POST whose answer the client already has) must be in the
// answer, even while the read it started is still running and an older read's counts
// are cached. Reads here complete when the test releases them, in any order.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <deque>

#include "count_watch.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/storage_wrapper.hpp"

namespace {

using namespace roost;

// Holds every get_unacked_counts until release() runs it.
class held_counts final : public storage_wrapper {
public:
  using storage_wrapper::storage_wrapper;

  std::size_t held() const { return held_.size(); }

  // Runs the oldest held read (or the newest), which completes at once (memory).
  void release(bool newest = false) {
    REQUIRE_FALSE(held_.empty());
    auto read = newest ? std::move(held_.back()) : std::move(held_.front());
    newest ? held_.pop_back() : held_.pop_front();
    read();
  }

protected:
  void do_get_unacked_counts(std::string timeline, counts_callback done) override {
    held_.push_back([this, timeline = std::move(timeline), done = std::move(done)]() mutable {
      storage_wrapper::do_get_unacked_counts(std::move(timeline), std::move(done));
    });
  }

private:
  std::deque<std::function<void()>> held_;
};

put_request statuses(std::initializer_list<const char*> ids) {
  put_request r{"home", put_mode::insert, {}};
  for (const auto* id : ids) r.statuses.push_back({{"id", id}});
  return r;
}

}  // namespace

TEST_CASE("count_watch never answers a waiter with counts older than the waiter") {
  memory_storage memory;
  held_counts storage(memory);
  boost::asio::io_context ioc;  // never run: the idle bound's timer does not fire
  web::count_watch watch(storage, ioc.get_executor(), std::chrono::seconds(3600));
  const auto total = [](const web::counts_by_timeline& c) { return c.at("home").total; };

  // Somebody waits on "home": its counts (one status) are read and cached.
  blocking::put_statuses(storage, statuses({"a"}));
  auto cancel_first = watch.watch(
      {"home"}, [](const auto&) { return false; }, [](auto&&...) {});
  storage.release();
  cancel_first();

  // Two more statuses: the change starts a read, which is still running.
  blocking::put_statuses(storage, statuses({"b", "c"}));
  REQUIRE(storage.held() == 1);

  // A client that knows total = 3 waits for a change. The cache still says 1: that must
  // not be answered as a change.
  std::optional<std::size_t> answered;
  auto cancel = watch.watch(
      {"home"}, [&](const web::counts_by_timeline& c) { return total(c) != 3; },
      [&](const storage_error& e, web::counts_by_timeline c) {
        REQUIRE_FALSE(e);
        answered = total(c);
      });
  CHECK_FALSE(answered);
  storage.release();  // the read started by the change: 3, no change for this client
  CHECK_FALSE(answered);

  // One that states the old total 1 gets 3 once the read has landed, never 1.
  blocking::put_statuses(storage, statuses({"d"}));  // 4 now, a read is running
  std::optional<std::size_t> old_client;
  auto cancel_old = watch.watch(
      {"home"}, [&](const web::counts_by_timeline& c) { return total(c) != 3; },
      [&](const storage_error&, web::counts_by_timeline c) { old_client = total(c); });
  CHECK_FALSE(old_client);
  storage.release();
  REQUIRE(old_client);
  CHECK(*old_client == 4);
  REQUIRE(answered);
  CHECK(*answered == 4);
  cancel();
  cancel_old();
}
