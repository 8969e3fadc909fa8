// status_storage: the abstract store of statuses in named timelines.
//
// One object holds many timelines. Every backend (memory, SQLite, LMDB, a third
// party's) implements the protected `do_*` hooks; callers use the public operations,
// which validate the request first. So a caller's mistake throws `invalid_request` from
// the public call — identically on every backend — before the backend sees anything, and
// a backend only ever receives well-formed, pre-parsed ("prepared") requests.
//
// Completion: each operation calls its callback exactly once with (error, result...).
// A synchronous backend calls it before the operation returns; an asynchronous one
// may call it later on a thread it documents. Store failures arrive as a non-empty
// `storage_error`, never as exceptions, and leave the data as it was.
//
// Thread safety: the bundled backends accept concurrent calls from several threads;
// a third-party backend documents its own rule. The object must outlive every pending
// operation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/changes.hpp"
#include "storage/requests.hpp"
#include "storage/settings.hpp"

namespace roost {

/// A status checked and serialized once on its way in: what backends store.
struct prepared_status {
  std::string id;         ///< the id's text
  std::string order_key;  ///< encode_order_key() of the status
  std::int64_t level = 0;
  bool acked = false;
  std::string json;  ///< the document as given, serialized
};

/// A validated put_request.
struct prepared_put {
  std::string timeline;
  put_mode mode{};
  std::vector<prepared_status> statuses;  ///< in request order, duplicates kept
};

/// A validated ack_request with its acknowledgement time fixed.
struct prepared_ack {
  std::string timeline;
  std::optional<std::vector<std::string>> ids;
  std::optional<std::string> max_id;
  timestamp at;         ///< the instant recorded, whole seconds
  std::string at_text;  ///< `at` in Twitter style: the value written to acked_at
};

/// A validated get_request with its count resolved by the backend's default.
struct prepared_get {
  std::string timeline;
  ack_state state = ack_state::any;
  std::optional<std::string> max_id;
  status_count count;
};

class storage_wrapper;

/// The abstract store. Non-copyable; derive and implement the `do_*` hooks.
class status_storage {
public:
  virtual ~status_storage();
  status_storage(const status_storage&) = delete;
  status_storage& operator=(const status_storage&) = delete;

  /// Inserts, updates or upserts statuses; completes with the number inserted or
  /// replaced. Throws invalid_request for an empty timeline name, an unset mode, a
  /// non-object, a status without id, or a field of the wrong type or format.
  void put_statuses(put_request request, count_callback done);

  /// put_statuses for statuses given as JSON texts: stores what put_statuses would store
  /// for the parsed documents, but reads a text that is already in stored form (as every
  /// store's get_status_texts returns) without building a JSON tree. Throws
  /// invalid_request as put_statuses does, and for a text that is not JSON; the message
  /// names the text's position in the request.
  void put_status_texts(put_texts_request request, count_callback done);

  /// Completes with a page of statuses, newest first, as parsed JSON objects.
  /// Throws invalid_request for an empty timeline name or an unset ack state.
  void get_statuses(get_request request, statuses_callback done);

  /// As get_statuses, but completes with each status's stored JSON text, for callers
  /// that only pass documents through (no parse and re-serialize).
  void get_status_texts(get_request request, texts_callback done);

  /// Acks statuses (see ack_request); completes with how many changed from unacked to
  /// acked. Throws invalid_request for an empty timeline name.
  void ack_statuses(ack_request request, count_callback done);

  /// Deletes statuses; completes with how many were removed.
  void delete_statuses(delete_request request, count_callback done);

  /// Completes with the timeline's unacked counts (zero total for an unknown timeline).
  void get_unacked_counts(std::string timeline, counts_callback done);

  /// Splits the query into contained and not contained items. Throws invalid_request
  /// for a null item or an id of the wrong type.
  void contains(contains_request request, contains_callback done);

  /// Completes with the names of the timelines that have ever been changed, sorted.
  void timeline_names(names_callback done);

  /// Completes with the timeline's revision: 0 before its first change, then the
  /// revision of its latest change (changes.hpp), which grows with every change.
  void get_revision(std::string timeline, revision_callback done);

  /// Completes with the timeline's changes after `request.since`, oldest first, and its
  /// latest revision (changes.hpp). Throws invalid_request for an empty timeline name or
  /// a limit above max_change_limit. Fails with errc::stale_cursor when the changes
  /// after `since` are no longer all retained.
  void get_changes(changes_request request, changes_callback done);

  /// Completes with the store-wide setting `key` (settings.hpp): its value, or none, and
  /// its version. Throws invalid_request for an invalid key. Fails with errc::unsupported
  /// on a backend that keeps no settings.
  void get_setting(std::string key, setting_callback done);

  /// Writes or removes a store-wide setting (settings.hpp) and completes with its new
  /// version. Fails with errc::conflict, changing nothing, when the setting's version is
  /// not `request.expected_version`; with errc::unsupported on a backend that keeps no
  /// settings. Throws invalid_request for an invalid request. Durable when it completes.
  void put_setting(put_setting_request request, revision_callback done);

  /// Called with a timeline's name after an operation that changed it succeeded, on the
  /// thread that completes the operation, just before the operation's own callback.
  using change_listener = std::function<void(const std::string& timeline)>;

  /// Registers `listener` for changes made through this storage or through any wrapper
  /// of it (they share one listener list); returns a token for unsubscribe_changes.
  /// Listeners must be quick and must not throw. Thread-safe.
  std::uint64_t subscribe_changes(change_listener listener);

  /// Removes a listener. After it returns the listener is not called again, unless a
  /// notification was already running on another thread. Thread-safe.
  void unsubscribe_changes(std::uint64_t token);

protected:
  status_storage();

  // The hooks a backend implements. Each receives a validated request, must call its
  // callback exactly once, and must not throw: a failure goes to the callback.
  virtual void do_put_statuses(prepared_put request, count_callback done) = 0;
  virtual void do_get_statuses(prepared_get request, texts_callback done) = 0;
  virtual void do_ack_statuses(prepared_ack request, count_callback done) = 0;
  virtual void do_delete_statuses(delete_request request, count_callback done) = 0;
  virtual void do_get_unacked_counts(std::string timeline, counts_callback done) = 0;
  /// Completes with one flag per id, true when the timeline holds that id.
  virtual void do_contains(std::string timeline, std::vector<std::string> ids,
                           std::function<void(const storage_error&, std::vector<bool>)> done) = 0;
  virtual void do_timeline_names(names_callback done) = 0;
  virtual void do_get_revision(std::string timeline, revision_callback done) = 0;
  virtual void do_get_changes(prepared_changes request, changes_callback done) = 0;

  /// Settings hooks, called with a validated key or request. A backend that keeps
  /// settings overrides both; these defaults fail with errc::unsupported.
  virtual void do_get_setting(std::string key, setting_callback done);
  virtual void do_put_setting(put_setting_request request, revision_callback done);

  /// The storage whose listeners hear about changes made through this one: itself,
  /// or for a wrapper the storage it wraps.
  virtual status_storage& change_source() noexcept { return *this; }

  /// For a backend that learns of changes made elsewhere (another process or another
  /// storage object on the same store): a function that calls this storage's change
  /// listeners with a timeline's name, as for a change made through it. It holds the
  /// listener list, not the storage, so it may be called (from any thread) after the
  /// storage is gone; it then calls nobody.
  change_listener changes_elsewhere_notifier();

private:
  friend class storage_wrapper;
  struct listener_list;

  /// `done` wrapped to notify the listeners of `timeline` when it reports a change.
  count_callback notifying(const std::string& timeline, count_callback done);

  std::shared_ptr<listener_list> listeners_;
};

/// Checks a timeline name (non-empty, valid UTF-8); throws invalid_request otherwise.
void validate_timeline_name(const std::string& timeline);

/// Validates and serializes one status as put_statuses does; throws invalid_request.
prepared_status prepare_status(const status& s);

/// prepare_status for a status given as JSON text: the same result as
/// prepare_status(nlohmann::json::parse(text)), faster when the text is already in the
/// stored (dump()) form. Throws invalid_request, also when the text is not JSON or nests
/// deeper than max_status_depth (json_input.hpp).
prepared_status prepare_status_text(std::string text);

/// Returns `json_text` with busybird.acked_at set to `acked_at`, for backends that ack
/// a stored document. Throws nlohmann::json::parse_error when the text is not JSON.
std::string with_acked_at(const std::string& json_text, const std::string& acked_at);

}  // namespace roost
