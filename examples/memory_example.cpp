// Stores, reads, acks and counts statuses in the memory backend, printing each step.
// This is what the README's first command runs until the server exists.
#include <iostream>

#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"

int main() {
  using namespace roost;
  memory_storage storage;

  std::vector<status> statuses;
  for (int i = 1; i <= 5; ++i) {
    statuses.push_back({{"id", "status-" + std::to_string(i)},
                        {"created_at", "Thu May 16 12:5" + std::to_string(i) + ":00 +0000 2013"},
                        {"text", "hello number " + std::to_string(i)},
                        {"busybird", {{"level", i % 2}}}});
  }
  const auto added = blocking::put_statuses(
      storage, {.timeline = "home", .mode = put_mode::insert, .statuses = statuses});
  std::cout << "put " << added << " statuses into timeline \"home\"\n";

  for (const auto& s : blocking::get_statuses(storage, {.timeline = "home"}))
    std::cout << "  " << s["id"].get<std::string>() << ": " << s["text"].get<std::string>() << '\n';

  std::cout << "unacked counts: " << blocking::get_unacked_counts(storage, "home").to_json()
            << '\n';
  const auto acked = blocking::ack_statuses(storage, {.timeline = "home", .max_id = "status-3"});
  std::cout << "acked " << acked << " statuses at or older than status-3\n";
  std::cout << "unacked counts: " << blocking::get_unacked_counts(storage, "home").to_json()
            << '\n';

  const auto newest_acked = blocking::get_statuses(
      storage, {.timeline = "home", .state = ack_state::acked, .count = status_count::of(1)});
  std::cout << "newest acked: " << newest_acked.at(0).dump() << '\n';
  return 0;
}
