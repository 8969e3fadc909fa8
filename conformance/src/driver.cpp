#include "driver.hpp"

#include <catch2/catch.hpp>

namespace roost::conformance::detail {

driver::driver(storage_suite& suite, std::unique_ptr<status_storage> storage)
    : suite_(suite), storage_(std::move(storage)) {
  REQUIRE(storage_ != nullptr);
}

driver::~driver() = default;

std::shared_ptr<driver::call_state> driver::begin_call() {
  auto state = std::make_shared<call_state>();
  calls_.push_back(state);
  return state;
}

template <typename Result, typename Start>
std::pair<storage_error, Result> driver::run_any(const char* what, Start&& start) {
  auto state = begin_call();
  auto slot = std::make_shared<std::pair<storage_error, Result>>();
  start([state, slot](const storage_error& error, Result result) {
    std::lock_guard lock(state->mutex);
    if (++state->calls == 1) *slot = {error, std::move(result)};
  });
  suite_.run_until([state] {
    std::lock_guard lock(state->mutex);
    return state->calls > 0;
  });
  std::lock_guard lock(state->mutex);
  INFO("operation: " << what);
  REQUIRE(state->calls == 1);
  return std::move(*slot);
}

template <typename Result, typename Start>
Result driver::run(const char* what, Start&& start) {
  auto [error, result] = run_any<Result>(what, std::forward<Start>(start));
  INFO("operation: " << what << "; store error: " << error.message());
  REQUIRE_FALSE(error);
  return std::move(result);
}

std::size_t driver::put(const std::string& timeline, put_mode mode, std::vector<status> statuses) {
  return run<std::size_t>("put_statuses", [&](auto cb) {
    storage_->put_statuses({.timeline = timeline, .mode = mode, .statuses = std::move(statuses)},
                           cb);
  });
}

std::vector<status> driver::get(get_request request) {
  return run<std::vector<status>>("get_statuses",
                                  [&](auto cb) { storage_->get_statuses(std::move(request), cb); });
}

std::vector<std::string> driver::get_ids(get_request request) {
  std::vector<std::string> ids;
  for (const auto& s : get(std::move(request))) ids.push_back(*status_id(s));
  return ids;
}

std::vector<status> driver::all(const std::string& timeline) {
  return get({.timeline = timeline, .count = status_count::all()});
}

std::vector<std::string> driver::all_ids(const std::string& timeline) {
  return get_ids({.timeline = timeline, .count = status_count::all()});
}

std::vector<std::string> driver::get_texts(get_request request) {
  return run<std::vector<std::string>>(
      "get_status_texts", [&](auto cb) { storage_->get_status_texts(std::move(request), cb); });
}

std::size_t driver::ack(ack_request request) {
  return run<std::size_t>("ack_statuses",
                          [&](auto cb) { storage_->ack_statuses(std::move(request), cb); });
}

std::size_t driver::erase(delete_request request) {
  return run<std::size_t>("delete_statuses",
                          [&](auto cb) { storage_->delete_statuses(std::move(request), cb); });
}

unacked_counts driver::counts(const std::string& timeline) {
  return run<unacked_counts>("get_unacked_counts",
                             [&](auto cb) { storage_->get_unacked_counts(timeline, cb); });
}

contains_result driver::contains(const std::string& timeline, std::vector<nlohmann::json> query) {
  return run<contains_result>("contains", [&](auto cb) {
    storage_->contains({.timeline = timeline, .query = std::move(query)}, cb);
  });
}

std::vector<std::string> driver::names() {
  return run<std::vector<std::string>>("timeline_names",
                                       [&](auto cb) { storage_->timeline_names(cb); });
}

std::uint64_t driver::revision(const std::string& timeline) {
  return run<std::uint64_t>("get_revision", [&](auto cb) { storage_->get_revision(timeline, cb); });
}

change_page driver::changes(const std::string& timeline, std::uint64_t since, std::size_t limit) {
  return run<change_page>("get_changes", [&](auto cb) {
    storage_->get_changes({.timeline = timeline, .since = since, .limit = limit}, cb);
  });
}

storage_error driver::changes_error(const std::string& timeline, std::uint64_t since,
                                    std::size_t limit) {
  auto [error, page] = run_any<change_page>("get_changes", [&](auto cb) {
    storage_->get_changes({.timeline = timeline, .since = since, .limit = limit}, cb);
  });
  INFO("get_changes(\"" << timeline << "\", since " << since << ") answered " << page.changes.size()
                        << " changes, last revision " << page.last_revision);
  REQUIRE(error);
  return error;
}

setting driver::get_setting(const std::string& key) {
  return run<setting>("get_setting", [&](auto cb) { storage_->get_setting(key, cb); });
}

std::uint64_t driver::put_setting(const std::string& key, std::optional<std::string> value,
                                  std::uint64_t expected_version) {
  return run<std::uint64_t>("put_setting", [&](auto cb) {
    storage_->put_setting(
        {.key = key, .value = std::move(value), .expected_version = expected_version}, cb);
  });
}

storage_error driver::put_setting_error(const std::string& key, std::optional<std::string> value,
                                        std::uint64_t expected_version) {
  auto [error, version] = run_any<std::uint64_t>("put_setting", [&](auto cb) {
    storage_->put_setting(
        {.key = key, .value = std::move(value), .expected_version = expected_version}, cb);
  });
  INFO("put_setting(\"" << key << "\", expected " << expected_version << ") answered version "
                        << version);
  REQUIRE(error);
  return error;
}

storage_error driver::get_setting_error(const std::string& key) {
  auto [error, found] =
      run_any<setting>("get_setting", [&](auto cb) { storage_->get_setting(key, cb); });
  INFO("get_setting(\"" << key << "\") answered version " << found.version);
  REQUIRE(error);
  return error;
}

void driver::expect_rejected(const std::function<void(rejected_callback)>& start) {
  rejected_callback callback{std::make_shared<std::atomic<int>>(0)};
  REQUIRE_THROWS_AS(start(callback), std::invalid_argument);
  suite_.run_until([] { return true; });
  REQUIRE(callback.calls->load() == 0);
}

void driver::check_exactly_once() {
  for (const auto& state : calls_) {
    std::lock_guard lock(state->mutex);
    REQUIRE(state->calls == 1);
  }
}

}  // namespace roost::conformance::detail
