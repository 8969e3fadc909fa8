// Change listeners hear every changing write, through the storage or any wrapper of it.
#include <catch2/catch.hpp>

#include "storage/blocking.hpp"
#include "storage/change_subscription.hpp"
#include "storage/memory_storage.hpp"
#include "storage/storage_wrapper.hpp"

using namespace roost;

TEST_CASE("change listeners hear changing writes through the storage and its wrappers") {
  memory_storage inner;
  storage_wrapper outer(inner);
  std::vector<std::string> heard;
  const auto token = outer.subscribe_changes([&](const std::string& t) { heard.push_back(t); });

  blocking::put_statuses(inner,
                         {.timeline = "a", .mode = put_mode::insert, .statuses = {{{"id", "1"}}}});
  blocking::put_statuses(outer,
                         {.timeline = "b", .mode = put_mode::insert, .statuses = {{{"id", "1"}}}});
  blocking::put_statuses(outer,
                         {.timeline = "b", .mode = put_mode::insert, .statuses = {{{"id", "1"}}}});
  blocking::ack_statuses(outer, {.timeline = "a"});
  blocking::ack_statuses(outer, {.timeline = "a"});
  blocking::get_statuses(outer, {.timeline = "a"});
  blocking::delete_statuses(inner, {.timeline = "b", .selection = delete_selection::all()});
  blocking::delete_statuses(inner, {.timeline = "b", .selection = delete_selection::all()});
  CHECK(heard == std::vector<std::string>{"a", "b", "a", "b"});

  outer.unsubscribe_changes(token);
  blocking::put_statuses(inner,
                         {.timeline = "c", .mode = put_mode::insert, .statuses = {{{"id", "1"}}}});
  CHECK(heard.size() == 4);
}

TEST_CASE("a listener runs before the operation's own callback") {
  memory_storage storage;
  std::vector<std::string> events;
  storage.subscribe_changes([&](const std::string&) { events.push_back("listener"); });
  storage.put_statuses({.timeline = "a", .mode = put_mode::insert, .statuses = {{{"id", "1"}}}},
                       [&](const storage_error&, std::size_t) { events.push_back("callback"); });
  CHECK(events == std::vector<std::string>{"listener", "callback"});
}

TEST_CASE("a change_subscription listens until it is cancelled or destroyed") {
  memory_storage storage;
  int heard = 0;
  const auto put = [&](const char* id) {
    blocking::put_statuses(storage,
                           {.timeline = "t", .mode = put_mode::insert, .statuses = {{{"id", id}}}});
  };
  {
    change_subscription subscription(storage, [&](const std::string&) { ++heard; });
    put("1");
    CHECK(heard == 1);
  }
  put("2");
  CHECK(heard == 1);  // destroyed: no longer called

  change_subscription subscription(storage, [&](const std::string&) { ++heard; });
  put("3");
  subscription.cancel();
  subscription.cancel();  // idempotent
  put("4");
  CHECK(heard == 2);
}
