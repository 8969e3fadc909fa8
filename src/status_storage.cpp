// The public half of status_storage: validation shared by every backend, so a caller's
// mistake is rejected identically everywhere and before any backend code runs.
#include "storage/status_storage.hpp"

#include <map>
#include <mutex>

#include "status_preparation.hpp"
#include "storage/utf8.hpp"
#include "stored_form.hpp"

namespace roost {
namespace {

void validate_optional_id(const std::optional<std::string>& id, const char* what) {
  if (id) validate_id(*id, what);
}

}  // namespace

void validate_timeline_name(const std::string& timeline) {
  if (timeline.empty()) throw invalid_request("timeline name must not be empty");
  if (!is_valid_utf8(timeline)) throw invalid_request("timeline name is not valid UTF-8");
}

struct status_storage::listener_list {
  std::mutex mutex;
  std::uint64_t next_token = 1;
  std::map<std::uint64_t, change_listener> listeners;

  void notify(const std::string& timeline) {
    std::vector<change_listener> snapshot;
    {
      std::lock_guard lock(mutex);
      if (listeners.empty()) return;
      snapshot.reserve(listeners.size());
      for (const auto& [token, listener] : listeners) snapshot.push_back(listener);
    }
    // Called outside the lock so that a listener may (un)subscribe.
    for (const auto& listener : snapshot) listener(timeline);
  }
};

status_storage::status_storage() : listeners_(std::make_shared<listener_list>()) {}

status_storage::~status_storage() = default;

std::uint64_t status_storage::subscribe_changes(change_listener listener) {
  auto& list = *change_source().listeners_;
  std::lock_guard lock(list.mutex);
  const auto token = list.next_token++;
  list.listeners.emplace(token, std::move(listener));
  return token;
}

void status_storage::unsubscribe_changes(std::uint64_t token) {
  auto& list = *change_source().listeners_;
  std::lock_guard lock(list.mutex);
  list.listeners.erase(token);
}

status_storage::change_listener status_storage::changes_elsewhere_notifier() {
  return
      [list = change_source().listeners_](const std::string& timeline) { list->notify(timeline); };
}

count_callback status_storage::notifying(const std::string& timeline, count_callback done) {
  // Shared, not borrowed: an asynchronous completion that runs after the storage object
  // is gone still finds a live list.
  return [list = change_source().listeners_, timeline, done = std::move(done)](
             const storage_error& error, std::size_t changed) {
    if (!error && changed != 0) list->notify(timeline);
    done(error, changed);
  };
}

namespace {

// A put with its timeline and mode checked and room for `size` statuses.
prepared_put start_put(std::string timeline, put_mode mode, std::size_t size) {
  validate_timeline_name(timeline);
  if (mode != put_mode::insert && mode != put_mode::update && mode != put_mode::upsert)
    throw invalid_request("put mode must be insert, update or upsert");
  prepared_put prepared{std::move(timeline), mode, {}};
  prepared.statuses.reserve(size);
  return prepared;
}

}  // namespace

void status_storage::put_statuses(put_request request, count_callback done) {
  auto prepared = start_put(std::move(request.timeline), request.mode, request.statuses.size());
  for (const auto& s : request.statuses) prepared.statuses.push_back(prepare_status(s));
  auto notify = notifying(prepared.timeline, std::move(done));
  do_put_statuses(std::move(prepared), std::move(notify));
}

void status_storage::put_status_texts(put_texts_request request, count_callback done) {
  auto prepared = start_put(std::move(request.timeline), request.mode, request.texts.size());
  for (std::size_t i = 0; i < request.texts.size(); ++i) {
    try {
      prepared.statuses.push_back(prepare_status_text(std::move(request.texts[i])));
    } catch (const invalid_request& e) {
      throw invalid_request("status text " + std::to_string(i) + " of the request: " + e.what());
    }
  }
  auto notify = notifying(prepared.timeline, std::move(done));
  do_put_statuses(std::move(prepared), std::move(notify));
}

namespace {

prepared_get prepare_get(get_request request) {
  validate_timeline_name(request.timeline);
  if (request.state != ack_state::any && request.state != ack_state::unacked &&
      request.state != ack_state::acked)
    throw invalid_request("ack_state must be any, unacked or acked");
  validate_optional_id(request.max_id, "max_id");
  return {std::move(request.timeline), request.state, std::move(request.max_id), request.count};
}

}  // namespace

void status_storage::get_statuses(get_request request, statuses_callback done) {
  do_get_statuses(prepare_get(std::move(request)), [done = std::move(done)](
                                                       const storage_error& error,
                                                       std::vector<std::string> texts) {
    std::vector<status> statuses;
    if (!error) {
      statuses.reserve(texts.size());
      try {
        for (const auto& t : texts) statuses.push_back(detail::parse_stored_text(t));
      } catch (const nlohmann::json::exception& e) {
        done(storage_error(errc::corrupt, std::string("stored status is not JSON: ") + e.what()),
             {});
        return;
      }
    }
    done(error, std::move(statuses));
  });
}

void status_storage::get_status_texts(get_request request, texts_callback done) {
  do_get_statuses(prepare_get(std::move(request)), std::move(done));
}

void status_storage::ack_statuses(ack_request request, count_callback done) {
  validate_timeline_name(request.timeline);
  if (request.ids)
    for (const auto& id : *request.ids) validate_id(id, "ack id");
  validate_optional_id(request.max_id, "max_id");
  // Whole seconds: acked_at is stored in Twitter style, which has no fraction, and the
  // order must be the same whether it is computed now or re-parsed from the text later.
  const timestamp at =
      request.at ? std::chrono::floor<std::chrono::seconds>(*request.at) : now_in_seconds();
  auto notify = notifying(request.timeline, std::move(done));
  do_ack_statuses({std::move(request.timeline), std::move(request.ids), std::move(request.max_id),
                   at, format_twitter(at)},
                  std::move(notify));
}

void status_storage::delete_statuses(delete_request request, count_callback done) {
  validate_timeline_name(request.timeline);
  for (const auto& id : request.selection.id_list()) validate_id(id, "delete id");
  auto notify = notifying(request.timeline, std::move(done));
  do_delete_statuses(std::move(request), std::move(notify));
}

void status_storage::get_unacked_counts(std::string timeline, counts_callback done) {
  validate_timeline_name(timeline);
  do_get_unacked_counts(std::move(timeline), std::move(done));
}

void status_storage::contains(contains_request request, contains_callback done) {
  validate_timeline_name(request.timeline);
  // Index into `ids` for each query item, or npos for a status without id.
  constexpr std::size_t no_id = static_cast<std::size_t>(-1);
  std::vector<std::size_t> slot;
  std::vector<std::string> ids;
  slot.reserve(request.query.size());
  for (const auto& item : request.query) {
    if (item.is_null()) throw invalid_request("contains query has a null item");
    std::optional<std::string> id = item.is_object() ? status_id(item) : id_text(item);
    if (!id) {
      slot.push_back(no_id);
      continue;
    }
    validate_id(*id, "contains id");
    slot.push_back(ids.size());
    ids.push_back(std::move(*id));
  }
  const std::size_t id_count = ids.size();
  do_contains(
      std::move(request.timeline), std::move(ids),
      [query = std::move(request.query), slot = std::move(slot), id_count, done = std::move(done)](
          const storage_error& error, std::vector<bool> present) mutable {
        contains_result result;
        if (!error && present.size() != id_count) {
          done(storage_error(errc::internal, "backend answered contains with " +
                                                 std::to_string(present.size()) + " flags for " +
                                                 std::to_string(id_count) + " ids"),
               {});
          return;
        }
        if (!error) {
          for (std::size_t i = 0; i < query.size(); ++i) {
            const bool in = slot[i] != no_id && present[slot[i]];
            (in ? result.contained : result.not_contained).push_back(std::move(query[i]));
          }
        }
        done(error, std::move(result));
      });
}

void status_storage::timeline_names(names_callback done) { do_timeline_names(std::move(done)); }

void status_storage::get_revision(std::string timeline, revision_callback done) {
  validate_timeline_name(timeline);
  do_get_revision(std::move(timeline), std::move(done));
}

void status_storage::get_changes(changes_request request, changes_callback done) {
  validate_timeline_name(request.timeline);
  if (request.limit > max_change_limit)
    throw invalid_request("a change limit must not exceed " + std::to_string(max_change_limit));
  do_get_changes({std::move(request.timeline), request.since,
                  request.limit == 0 ? default_change_limit : request.limit},
                 std::move(done));
}

void validate_setting_key(const std::string& key) {
  if (key.empty()) throw invalid_request("setting key must not be empty");
  if (key.size() > max_setting_key_size)
    throw invalid_request("setting key must not be longer than " +
                          std::to_string(max_setting_key_size) + " bytes");
  for (const char c : key) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      throw invalid_request(
          "setting key may hold only lower-case ASCII letters, digits, '.', '_' and '-'");
  }
}

void validate_put_setting(const put_setting_request& request) {
  validate_setting_key(request.key);
  if (!request.value) return;
  if (request.value->size() > max_setting_value_size)
    throw invalid_request("setting value must not be larger than " +
                          std::to_string(max_setting_value_size) + " bytes");
  if (!is_valid_utf8(*request.value)) throw invalid_request("setting value is not valid UTF-8");
}

// Settings do not belong to a timeline, so neither operation notifies change listeners.
void status_storage::get_setting(std::string key, setting_callback done) {
  validate_setting_key(key);
  do_get_setting(std::move(key), std::move(done));
}

void status_storage::put_setting(put_setting_request request, revision_callback done) {
  validate_put_setting(request);
  do_put_setting(std::move(request), std::move(done));
}

void status_storage::do_get_setting(std::string key, setting_callback done) {
  done(storage_error(errc::unsupported,
                     "this storage keeps no settings (get_setting \"" + key + "\")"),
       {});
}

void status_storage::do_put_setting(put_setting_request request, revision_callback done) {
  done(storage_error(errc::unsupported,
                     "this storage keeps no settings (put_setting \"" + request.key + "\")"),
       0);
}

}  // namespace roost
