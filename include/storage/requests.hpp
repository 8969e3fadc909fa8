// Requests, results and callbacks of the six storage operations (docs/spec/storage-contract.md).
//
// Every field says what it means; nothing dangerous is a default: deleting everything
// needs `delete_selection::all()`, and a put must name its mode. Value types only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/errors.hpp"
#include "storage/status.hpp"
#include "storage/timestamp.hpp"

namespace roost {

/// How put_statuses treats ids already in the timeline. Zero is deliberately not a
/// mode: a request whose mode was never set is a caller error.
enum class put_mode { insert = 1, update, upsert };

/// Which statuses a get considers.
enum class ack_state { any = 1, unacked, acked };

/// How many statuses a get returns: the backend's default, a positive number, or all.
class status_count {
public:
  /// The backend's default (storage_limits::default_count).
  status_count() = default;

  /// Every status from the starting point on.
  static status_count all() { return status_count(kind::all, 0); }

  /// At most `n` statuses. Throws invalid_request when n is 0.
  static status_count of(std::size_t n);

  /// True for all().
  bool is_all() const noexcept { return kind_ == kind::all; }

  /// The limit to apply: `n`, `backend_default` when unset, SIZE_MAX for all().
  std::size_t resolve(std::size_t backend_default) const noexcept;

  bool operator==(const status_count&) const = default;

private:
  enum class kind { backend_default, all, limit };
  status_count(kind k, std::size_t n) : kind_(k), n_(n) {}
  kind kind_ = kind::backend_default;
  std::size_t n_ = 0;
};

/// Which statuses delete_statuses removes. It has no default on purpose: removing a
/// whole timeline must be spelled `delete_selection::all()`.
class delete_selection {
public:
  /// Every status of the timeline.
  static delete_selection all() { return delete_selection(true, {}); }

  /// The statuses with these ids; unknown ids are skipped.
  static delete_selection ids(std::vector<std::string> ids) {
    return delete_selection(false, std::move(ids));
  }

  /// True for all().
  bool is_all() const noexcept { return all_; }

  /// The ids to delete; empty for all().
  const std::vector<std::string>& id_list() const noexcept { return ids_; }

private:
  delete_selection(bool all, std::vector<std::string> ids) : all_(all), ids_(std::move(ids)) {}
  bool all_;
  std::vector<std::string> ids_;
};

/// put_statuses: insert, update or upsert statuses into one timeline.
struct put_request {
  std::string timeline;          ///< non-empty UTF-8 name
  put_mode mode{};               ///< must be set
  std::vector<status> statuses;  ///< each an object with an id
};

/// put_status_texts: put_statuses with each status as JSON text (one object per text),
/// e.g. as read from another store with get_status_texts or received in a request body.
struct put_texts_request {
  std::string timeline;            ///< non-empty UTF-8 name
  put_mode mode{};                 ///< must be set
  std::vector<std::string> texts;  ///< each a JSON object with an id
};

/// get_statuses: a page of a timeline, newest first.
struct get_request {
  std::string timeline;
  ack_state state = ack_state::any;
  /// Start at this status (inclusive) and go older; empty result when it is not in the
  /// timeline in `state`. nullopt: start at the newest.
  std::optional<std::string> max_id;
  status_count count;
};

/// ack_statuses: mark statuses read by setting busybird.acked_at.
struct ack_request {
  std::string timeline;
  /// Ack these (those that exist and are unacked); an empty list acks nothing.
  std::optional<std::vector<std::string>> ids;
  /// Ack every unacked status at or older than this one, if it is itself unacked.
  std::optional<std::string> max_id;
  /// The time to record; nullopt means now. Both ids and max_id unset acks everything.
  std::optional<timestamp> at;
};

/// delete_statuses: remove statuses from one timeline.
struct delete_request {
  std::string timeline;
  delete_selection selection;
};

/// contains: which of these ids or statuses the timeline holds.
struct contains_request {
  std::string timeline;
  /// Ids (strings or integers) and statuses, mixed; a status without id is never contained.
  std::vector<nlohmann::json> query;
};

/// Unacked statuses per level; `total` is their sum.
struct unacked_counts {
  std::size_t total = 0;
  std::map<std::int64_t, std::size_t> by_level;  ///< only levels with at least one

  /// {"total": N, "<level>": n, ...} as in the Web API.
  nlohmann::json to_json() const;

  /// The count at `level`, 0 when none.
  std::size_t at_level(std::int64_t level) const;

  bool operator==(const unacked_counts&) const = default;
};

/// The two halves of a contains query, each item unchanged and in query order.
struct contains_result {
  std::vector<nlohmann::json> contained;
  std::vector<nlohmann::json> not_contained;
};

/// Completion callbacks: the error first, empty on success. Each runs exactly once.
using count_callback = std::function<void(const storage_error&, std::size_t)>;
using statuses_callback = std::function<void(const storage_error&, std::vector<status>)>;
/// Statuses as their stored JSON text, for paths that pass documents through unparsed.
using texts_callback = std::function<void(const storage_error&, std::vector<std::string>)>;
using counts_callback = std::function<void(const storage_error&, unacked_counts)>;
using contains_callback = std::function<void(const storage_error&, contains_result)>;
using names_callback = std::function<void(const storage_error&, std::vector<std::string>)>;
using revision_callback = std::function<void(const storage_error&, std::uint64_t)>;

}  // namespace roost
