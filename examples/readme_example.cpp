// The README's library example, verbatim, so that it always compiles and runs.
#include <iostream>
#include <storage/blocking.hpp>
#include <storage/memory_storage.hpp>

int main() {
  roost::memory_storage storage;  // or sqlite_storage / lmdb_storage: one line to choose
  storage.put_statuses(
      {.timeline = "home",
       .mode = roost::put_mode::insert,
       .statuses = {{{"id", "1"}, {"text", "hello"}, {"busybird", {{"level", 2}}}}}},
      [](const roost::storage_error& error, std::size_t added) {
        if (error)
          std::cerr << error.message() << '\n';
        else
          std::cout << "added " << added << '\n';
      });
  // Blocking helpers wrap the callbacks for programs without an event loop.
  auto counts = roost::blocking::get_unacked_counts(storage, "home");
  std::cout << counts.to_json() << '\n';  // {"2":1,"total":1}
  roost::blocking::ack_statuses(storage, {.timeline = "home"});
  auto page = roost::blocking::get_statuses(storage, {.timeline = "home"});
  std::cout << page.at(0)["busybird"]["acked_at"] << '\n';
}
