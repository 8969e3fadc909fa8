#include "helper_process.hpp"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "storage/blocking.hpp"

namespace roost::testing {

void report(const std::string& line) {
  const std::string out = line + "\n";
  std::size_t written = 0;
  while (written < out.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, out.data() + written, out.size() - written);
    if (n <= 0) std::_Exit(3);
    written += static_cast<std::size_t>(n);
  }
}

status helper_status(const std::string& id, std::int64_t level, int created, std::size_t padding) {
  return {{"id", id},
          {"created_at", format_twitter(timestamp{} + std::chrono::hours{24 * 365 * 43} +
                                        std::chrono::seconds{created})},
          {"text", "helper status " + id + std::string(padding, '.')},
          {"busybird", {{"level", level}}}};
}

int crash_loop(status_storage& storage, long first, const churn_shape& shape) {
  std::mt19937 rng(static_cast<unsigned>(first));
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto churn_id = [&] { return "u" + std::to_string(below(shape.ids)); };
  for (long i = first;; ++i) {
    // Churn first, so that a kill also lands inside acks, deletes and multi-status puts.
    switch (below(4)) {
      case 0: {
        std::vector<status> batch;
        for (int k = 0; k < shape.batch; ++k)
          batch.push_back(
              helper_status(churn_id(), below(4) - 1, below(1000), shape.churn_padding));
        blocking::put_statuses(storage, {"churn", put_mode::upsert, batch});
        break;
      }
      case 1:
        blocking::ack_statuses(storage, {.timeline = "churn",
                                         .ids = std::vector<std::string>{churn_id(), churn_id()}});
        break;
      case 2: blocking::ack_statuses(storage, {.timeline = "churn", .max_id = churn_id()}); break;
      default: blocking::delete_statuses(storage, {"churn", delete_selection::ids({churn_id()})});
    }
    const auto id = "c" + std::to_string(i);
    const auto n = blocking::put_statuses(
        storage, {"crash",
                  put_mode::insert,
                  {helper_status(id, i % 3, static_cast<int>(i), shape.crash_padding)}});
    if (n != 1) {
      report("error: " + id + " was already there");
      return 4;
    }
    report(std::to_string(i));
  }
}

int print_feed(status_storage& storage, const std::string& timeline) {
  std::uint64_t since = 0;
  for (;;) {
    storage_error error;
    change_page page;
    storage.get_changes({.timeline = timeline, .since = since, .limit = max_change_limit},
                        [&](const storage_error& e, change_page p) {
                          error = e;
                          page = std::move(p);
                        });
    if (error) {
      report("error " + error.message());
      return 5;
    }
    for (const auto& c : page.changes)
      report(std::to_string(c.revision) + " " + std::string(change_op_name(c.op)) + " " + c.id);
    if (page.changes.empty()) {
      report("end " + std::to_string(page.last_revision));
      return 0;
    }
    since = page.changes.back().revision;
  }
}

int put_setting(status_storage& storage, const std::string& key, const std::string& value,
                std::uint64_t expected_version) {
  put_setting_request request{
      .key = key, .value = std::nullopt, .expected_version = expected_version};
  if (value != "-") request.value = value;
  try {
    report("version " + std::to_string(blocking::put_setting(storage, std::move(request))));
  } catch (const storage_failure& e) {
    report("error " + std::to_string(e.code().value()));
  }
  return 0;
}

}  // namespace roost::testing
