// Uses the installed headers and library; exits non-zero if anything is off.
#include <storage/blocking.hpp>
#include <storage/memory_storage.hpp>

int main() {
  roost::memory_storage storage;
  const auto added = roost::blocking::put_statuses(
      storage, {.timeline = "home", .mode = roost::put_mode::insert, .statuses = {{{"id", "1"}}}});
  const auto counts = roost::blocking::get_unacked_counts(storage, "home");
  return added == 1 && counts.total == 1 ? 0 : 1;
}
