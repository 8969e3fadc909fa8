#include "storage/blocking.hpp"

#include <future>

namespace roost::blocking {
namespace {

// Starts `op` with a callback that fulfils a promise, then waits for it.
template <typename Result, typename Start>
Result wait_for(Start&& start) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  start([promise](const storage_error& error, Result result) {
    if (error)
      promise->set_exception(std::make_exception_ptr(storage_failure(error)));
    else
      promise->set_value(std::move(result));
  });
  return future.get();
}

}  // namespace

std::size_t put_statuses(status_storage& s, put_request request) {
  return wait_for<std::size_t>([&](auto cb) { s.put_statuses(std::move(request), cb); });
}

std::size_t put_status_texts(status_storage& s, put_texts_request request) {
  return wait_for<std::size_t>([&](auto cb) { s.put_status_texts(std::move(request), cb); });
}

std::vector<status> get_statuses(status_storage& s, get_request request) {
  return wait_for<std::vector<status>>([&](auto cb) { s.get_statuses(std::move(request), cb); });
}

std::vector<std::string> get_status_texts(status_storage& s, get_request request) {
  return wait_for<std::vector<std::string>>(
      [&](auto cb) { s.get_status_texts(std::move(request), cb); });
}

std::size_t ack_statuses(status_storage& s, ack_request request) {
  return wait_for<std::size_t>([&](auto cb) { s.ack_statuses(std::move(request), cb); });
}

std::size_t delete_statuses(status_storage& s, delete_request request) {
  return wait_for<std::size_t>([&](auto cb) { s.delete_statuses(std::move(request), cb); });
}

unacked_counts get_unacked_counts(status_storage& s, std::string timeline) {
  return wait_for<unacked_counts>([&](auto cb) { s.get_unacked_counts(std::move(timeline), cb); });
}

contains_result contains(status_storage& s, contains_request request) {
  return wait_for<contains_result>([&](auto cb) { s.contains(std::move(request), cb); });
}

std::vector<std::string> timeline_names(status_storage& s) {
  return wait_for<std::vector<std::string>>([&](auto cb) { s.timeline_names(cb); });
}

std::uint64_t get_revision(status_storage& s, std::string timeline) {
  return wait_for<std::uint64_t>([&](auto cb) { s.get_revision(std::move(timeline), cb); });
}

change_page get_changes(status_storage& s, changes_request request) {
  return wait_for<change_page>([&](auto cb) { s.get_changes(std::move(request), cb); });
}

setting get_setting(status_storage& s, std::string key) {
  return wait_for<setting>([&](auto cb) { s.get_setting(std::move(key), cb); });
}

std::uint64_t put_setting(status_storage& s, put_setting_request request) {
  return wait_for<std::uint64_t>([&](auto cb) { s.put_setting(std::move(request), cb); });
}

}  // namespace roost::blocking
