// timeline: construction, filters and add_statuses.
#include "storage/timeline.hpp"

#include <atomic>
#include <exception>
#include <utility>

#include "storage/id_generator.hpp"
#include "timeline_state.hpp"

namespace roost {
namespace {

using detail::any_filter;
using detail::timeline_state;

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

// Checks what can be checked before the filters run: every item is an object whose
// interpreted fields have the right types and formats. The id may be missing.
void timeline::validate_new_statuses(const std::vector<status>& statuses) {
  for (const auto& s : statuses) {
    if (!s.is_object()) throw invalid_request("a status must be a JSON object");
    (void)status_id(s);
    (void)status_level(s);
    (void)status_created_at(s);
    (void)status_acked_at(s);
  }
}

namespace {

// One add_statuses call in progress: runs the filters one after the other, then stores.
class add_run : public std::enable_shared_from_this<add_run> {
public:
  add_run(std::shared_ptr<timeline_state> state,
          std::shared_ptr<const std::vector<any_filter>> filters, count_callback done)
      : state_(std::move(state)), filters_(std::move(filters)), done_(std::move(done)) {}

  // Runs filters from next_ on; returns when the batch is stored or an asynchronous
  // filter has taken it.
  void resume(std::vector<status> batch) {
    while (next_ < filters_->size()) {
      const std::size_t index = next_++;
      const auto& filter = (*filters_)[index];
      if (const auto* sync = std::get_if<sync_filter>(&filter)) {
        try {
          batch = (*sync)(std::move(batch));
        } catch (...) {
          fail(filter_failure(index, describe_current_exception()));
          return;
        }
        continue;
      }
      start_async(index, std::get<async_filter>(filter), std::move(batch));
      return;
    }
    store(std::move(batch));
  }

private:
  static storage_error filter_failure(std::size_t index, const std::string& what) {
    return storage_error(timeline_errc::filter_failed,
                         "filter " + std::to_string(index + 1) + " failed: " + what);
  }

  void start_async(std::size_t index, const async_filter& filter, std::vector<status> batch) {
    auto called = std::make_shared<std::atomic<bool>>(false);
    auto self = shared_from_this();
    try {
      filter(std::move(batch),
             [self, called, index](const storage_error& error, std::vector<status> out) {
               if (called->exchange(true)) return;  // a second call is ignored
               if (error) {
                 self->fail(filter_failure(index, error.message()));
                 return;
               }
               self->resume(std::move(out));
             });
    } catch (...) {
      if (!called->exchange(true)) fail(filter_failure(index, describe_current_exception()));
    }
  }

  void store(std::vector<status> batch) {
    if (batch.empty()) {
      done_({}, 0);
      return;
    }
    std::optional<std::string> now_text;
    for (auto& s : batch) {
      if (!s.is_object()) {
        fail(storage_error(timeline_errc::invalid_status,
                           "a filter returned a status that is not a JSON object"));
        return;
      }
      if (auto id = s.find("id"); id == s.end() || id->is_null()) s["id"] = new_status_id();
      if (auto created = s.find("created_at"); created == s.end() || created->is_null()) {
        if (!now_text) now_text = format_twitter(now_in_seconds());
        s["created_at"] = *now_text;
      }
    }
    try {
      // The callback goes through this run so that done_ is still here if put throws.
      state_->storage.put_statuses(
          {.timeline = state_->name, .mode = put_mode::insert, .statuses = std::move(batch)},
          [self = shared_from_this()](const storage_error& error, std::size_t count) {
            self->done_(error, count);
          });
    } catch (const invalid_request& e) {
      // put_statuses rejects a request before calling anything: report it here.
      fail(storage_error(timeline_errc::invalid_status, e.what()));
    }
  }

  void fail(const storage_error& error) { done_(error, 0); }

  std::shared_ptr<timeline_state> state_;
  std::shared_ptr<const std::vector<any_filter>> filters_;
  count_callback done_;
  std::size_t next_ = 0;
};

}  // namespace

timeline::timeline(std::string name, status_storage& storage) {
  validate_timeline_name(name);
  state_ = std::make_shared<timeline_state>(std::move(name), storage);
  state_->listener_token =
      storage.subscribe_changes([weak = std::weak_ptr<timeline_state>(state_),
                                 name = state_->name](const std::string& changed) {
        if (changed != name) return;
        if (auto state = weak.lock()) state->on_change();
      });
}

timeline::~timeline() {
  if (!state_) return;
  state_->storage.unsubscribe_changes(state_->listener_token);
  state_->close();
}

timeline::timeline(timeline&& other) noexcept = default;

timeline& timeline::operator=(timeline&& other) noexcept {
  if (this != &other) {
    timeline gone(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

const std::string& timeline::name() const noexcept { return state_->name; }

status_storage& timeline::storage() const noexcept { return state_->storage; }

void timeline::add_filter(sync_filter filter) {
  if (!filter) throw invalid_request("a filter must not be empty");
  auto next = std::make_shared<std::vector<any_filter>>(*state_->filters);
  next->emplace_back(std::move(filter));
  std::lock_guard lock(state_->mutex);
  state_->filters = std::move(next);
}

void timeline::add_async_filter(async_filter filter) {
  if (!filter) throw invalid_request("a filter must not be empty");
  auto next = std::make_shared<std::vector<any_filter>>(*state_->filters);
  next->emplace_back(std::move(filter));
  std::lock_guard lock(state_->mutex);
  state_->filters = std::move(next);
}

void timeline::add_statuses(std::vector<status> statuses, count_callback done) const {
  if (!done) throw invalid_request("add_statuses needs a callback");
  validate_new_statuses(statuses);
  std::shared_ptr<const std::vector<any_filter>> filters;
  {
    std::lock_guard lock(state_->mutex);
    filters = state_->filters;
  }
  auto run = std::make_shared<add_run>(state_, std::move(filters), std::move(done));
  run->resume(std::move(statuses));
}

}  // namespace roost
