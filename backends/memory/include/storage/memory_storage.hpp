// memory_storage: a status_storage held in process memory.
//
// Fast and synchronous: every callback runs before the operation returns. Statuses are
// kept in the timeline order with an index, so a get is O(log N + count), an ack by
// max_id O(acked * log N), and unacked counts O(levels), maintained on every change.
// Nothing survives the process unless you save() it; load() reads such a file back.
//
// Change feed: each timeline keeps its change log (changes.hpp) in memory, pruned to
// limits.change_retention. save() writes each timeline's revision but not its log, so
// after load() every timeline resumes at its saved revision with an empty log: a reader
// whose cursor is that revision follows on, any older cursor gets errc::stale_cursor and
// must resync.
//
// Settings (settings.hpp) live in memory beside the timelines and go into the file with
// save(), removed ones with their version, so that versions keep growing after load().
// "Durable" for put_setting means what it means for every write here: until save().
//
// Thread safety: all operations, save() and load() may be called concurrently from any
// number of threads; reads share a lock, writes take it alone. Callbacks run after the
// lock is released, so they may call back into the storage.
#pragma once

#include <filesystem>
#include <memory>

#include "storage/limits.hpp"
#include "storage/status_storage.hpp"

namespace roost {

/// Options of a memory_storage.
struct memory_options {
  storage_limits limits;  ///< truncation and default page size
};

/// The in-memory backend.
class memory_storage final : public status_storage {
public:
  /// An empty store. Throws invalid_request for contradictory limits.
  explicit memory_storage(memory_options options = {});
  ~memory_storage() override;

  /// Writes every timeline and its revision, and every setting, to `path` as one JSON
  /// document, atomically (a temporary file beside it, flushed, then renamed over it);
  /// change logs are not written. Throws storage_failure on I/O errors, leaving any previous file
  /// intact.
  void save(const std::filesystem::path& path) const;

  /// Replaces the contents with those saved at `path`, each timeline at its saved
  /// revision with an empty change log, and the settings (none for a file saved before
  /// settings existed). Throws storage_failure when the file is missing,
  /// unreadable or damaged, naming the path and the problem; the store is then empty,
  /// never half-loaded.
  void load(const std::filesystem::path& path);

protected:
  void do_put_statuses(prepared_put request, count_callback done) override;
  void do_get_statuses(prepared_get request, texts_callback done) override;
  void do_ack_statuses(prepared_ack request, count_callback done) override;
  void do_delete_statuses(delete_request request, count_callback done) override;
  void do_get_unacked_counts(std::string timeline, counts_callback done) override;
  void do_contains(std::string timeline, std::vector<std::string> ids,
                   std::function<void(const storage_error&, std::vector<bool>)> done) override;
  void do_timeline_names(names_callback done) override;
  void do_get_revision(std::string timeline, revision_callback done) override;
  void do_get_changes(prepared_changes request, changes_callback done) override;
  void do_get_setting(std::string key, setting_callback done) override;
  void do_put_setting(put_setting_request request, revision_callback done) override;

private:
  struct state;
  memory_options options_;
  std::unique_ptr<state> state_;
};

/// A new empty memory_storage, for callers that hold backends by their interface.
std::unique_ptr<status_storage> make_memory_storage(memory_options options = {});

}  // namespace roost
