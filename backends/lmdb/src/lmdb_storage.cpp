// lmdb_storage: each operation is one transaction on the shared environment; the hooks
// translate every failure into the callback's storage_error and call back only after
// the transaction has ended.
#include "storage/lmdb_storage.hpp"

#include <optional>

#include <nlohmann/json.hpp>

#include "lmdb_environment.hpp"
#include "page_walk.hpp"
#include "record_check.hpp"
#include "records.hpp"
#include "storage/change_poller.hpp"
#include "table_access.hpp"
#include "timeline_reader.hpp"
#include "timeline_writer.hpp"

namespace roost {
namespace {

void validate(const lmdb_options& options) {
  options.limits.validate();
  if (options.directory.empty()) throw invalid_request("lmdb_options.directory must be set");
  if (options.initial_map_size == 0)
    throw invalid_request("lmdb_options.initial_map_size must be positive");
  if (options.initial_map_size > options.max_map_size)
    throw invalid_request("lmdb_options.initial_map_size must not exceed max_map_size");
  if (options.max_readers == 0) throw invalid_request("lmdb_options.max_readers must be positive");
}

// What a write through a read-only object gets. The environment refuses too when it was
// opened read-only, but it may be shared with a writable object of the same directory.
storage_error read_only_error(const detail::lmdb_environment& env) {
  return storage_error(errc::io_error, env.context() + ": opened read-only; nothing was changed");
}

// Every timeline with its revision, on one snapshot, for the watch. Throws storage_failure.
std::vector<std::pair<std::string, std::uint64_t>> timeline_revisions(
    detail::lmdb_environment& env) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  const auto error = env.read([&](MDB_txn* txn) {
    out.clear();  // the body may run again after a map resize
    for (auto& name : detail::read_timeline_names(txn, env.tables())) {
      const auto revision = detail::timeline_reader(txn, env.tables(), name).revision();
      out.emplace_back(std::move(name), revision);
    }
  });
  if (error) throw storage_failure(error);
  return out;
}

}  // namespace

lmdb_storage::lmdb_storage(lmdb_options options) : options_(std::move(options)) {
  validate(options_);
  env_ = detail::lmdb_environment::open(options_);
  if (options_.watch_interval.count() > 0) {
    // The transaction id is the environment's, so it also moves for this object's own
    // writes: those cost a scan (at most one per interval), which note_own keeps from
    // reporting them again.
    change_poller::probes probes{
        .version = [env = env_.get()] { return env->snapshot_id(); },
        .revisions = [env = env_.get()] { return timeline_revisions(*env); }};
    poller_ = std::make_unique<change_poller>(options_.watch_interval, std::move(probes),
                                              changes_elsewhere_notifier());
  }
}

lmdb_storage::~lmdb_storage() = default;

std::size_t lmdb_storage::map_size() const { return env_->map_size(); }

std::size_t lmdb_storage::clear_stale_readers() { return env_->clear_stale_readers(); }

store_check_report lmdb_storage::check() {
  store_check_report report;
  for (int attempt = 1;; ++attempt) {
    bool moved = false;
    const storage_error error = env_->read([&](MDB_txn* txn) {
      report = {};
      const auto walk = detail::walk_pages(env_->handle(), txn, detail::walk_depth::full);
      moved = walk.snapshot_moved;
      report.pages = walk.pages;
      for (const auto& p : walk.problems) report.add(p);
      report.unlisted += walk.unlisted;
      // LMDB trusts its pages: read records through it only when they are sound.
      if (!moved && report.ok()) detail::check_records(txn, env_->tables(), report);
    });
    if (error) throw storage_failure(error);
    if (!moved) return report;
    if (attempt == 8) {
      report.add("the store kept changing during the check (busy writers); run it again");
      return report;
    }
  }
}

void lmdb_storage::do_put_statuses(prepared_put request, count_callback done) {
  if (options_.read_only) return done(read_only_error(*env_), 0);
  std::size_t changed = 0;
  std::uint64_t revision = 0;
  const storage_error error = env_->write([&](MDB_txn* txn) {
    detail::timeline_writer timeline(txn, env_->tables(), request.timeline);
    const auto limits = options_.limits.for_timeline(request.timeline);
    changed = timeline.put(request.mode, request.statuses);
    if (changed != 0) timeline.truncate(limits);
    const bool commit = timeline.finish(changed, limits);
    revision = timeline.revision();
    return commit;
  });
  note_own(error, changed, request.timeline, revision);
  done(error, error ? 0 : changed);
}

void lmdb_storage::note_own(const storage_error& error, std::size_t changed,
                            const std::string& timeline, std::uint64_t revision) noexcept {
  if (!error && changed != 0 && poller_) poller_->note_own(timeline, revision);
}

void lmdb_storage::do_get_statuses(prepared_get request, texts_callback done) {
  std::vector<std::string> page;
  const storage_error error = env_->read([&](MDB_txn* txn) {
    page = detail::timeline_reader(txn, env_->tables(), request.timeline)
               .page(request, options_.limits.default_count);
  });
  if (error) page.clear();
  done(error, std::move(page));
}

void lmdb_storage::do_ack_statuses(prepared_ack request, count_callback done) {
  if (options_.read_only) return done(read_only_error(*env_), 0);
  std::size_t changed = 0;
  std::uint64_t revision = 0;
  const storage_error error = env_->write([&](MDB_txn* txn) {
    detail::timeline_writer timeline(txn, env_->tables(), request.timeline);
    changed = timeline.ack(request);
    const bool commit = timeline.finish(changed, options_.limits.for_timeline(request.timeline));
    revision = timeline.revision();
    return commit;
  });
  note_own(error, changed, request.timeline, revision);
  done(error, error ? 0 : changed);
}

void lmdb_storage::do_delete_statuses(delete_request request, count_callback done) {
  if (options_.read_only) return done(read_only_error(*env_), 0);
  std::size_t changed = 0;
  std::uint64_t revision = 0;
  const storage_error error = env_->write([&](MDB_txn* txn) {
    detail::timeline_writer timeline(txn, env_->tables(), request.timeline);
    const auto limits = options_.limits.for_timeline(request.timeline);
    changed = timeline.erase(request.selection, limits.change_retention);
    const bool commit = timeline.finish(changed, limits);
    revision = timeline.revision();
    return commit;
  });
  note_own(error, changed, request.timeline, revision);
  done(error, error ? 0 : changed);
}

void lmdb_storage::do_get_unacked_counts(std::string timeline, counts_callback done) {
  unacked_counts counts;
  const storage_error error = env_->read([&](MDB_txn* txn) {
    counts = detail::timeline_reader(txn, env_->tables(), timeline).counts();
  });
  if (error) counts = {};
  done(error, std::move(counts));
}

void lmdb_storage::do_contains(std::string timeline, std::vector<std::string> ids,
                               std::function<void(const storage_error&, std::vector<bool>)> done) {
  std::vector<bool> present;
  const storage_error error = env_->read([&](MDB_txn* txn) {
    const detail::timeline_reader reader(txn, env_->tables(), timeline);
    present.assign(ids.size(), false);
    for (std::size_t i = 0; i < ids.size(); ++i) present[i] = reader.contains(ids[i]);
  });
  if (error) present.clear();
  done(error, std::move(present));
}

void lmdb_storage::do_timeline_names(names_callback done) {
  std::vector<std::string> names;
  const storage_error error =
      env_->read([&](MDB_txn* txn) { names = detail::read_timeline_names(txn, env_->tables()); });
  if (error) names.clear();
  done(error, std::move(names));
}

void lmdb_storage::do_get_revision(std::string timeline, revision_callback done) {
  std::uint64_t revision = 0;
  const storage_error error = env_->read([&](MDB_txn* txn) {
    revision = detail::timeline_reader(txn, env_->tables(), timeline).revision();
  });
  done(error, error ? 0 : revision);
}

void lmdb_storage::do_get_changes(prepared_changes request, changes_callback done) {
  std::optional<change_page_builder> page;
  change_page out;
  storage_error error = env_->read([&](MDB_txn* txn) {
    const detail::timeline_reader reader(txn, env_->tables(), request.timeline);
    page.emplace(request, reader.revision());
    reader.read_changes(*page);
  });
  if (!error)
    error = page->finish(
        env_->context() + ": get_changes of timeline " + nlohmann::json(request.timeline).dump(),
        out);
  done(error, error ? change_page{} : std::move(out));
}

void lmdb_storage::do_get_setting(std::string key, setting_callback done) {
  setting found;
  storage_error error = env_->read([&](MDB_txn* txn) {
    found = {};
    if (env_->tables().settings == 0) return;  // an older store opened read-only
    const auto value = detail::get_value(txn, env_->tables().settings, key);
    if (!value) return;
    const auto record = detail::lmdb_format::decode_setting_record(*value);
    if (record.present) found.value = std::string(record.value);
    found.version = record.version;
  });
  if (error) found = {};
  done(error, std::move(found));
}

void lmdb_storage::do_put_setting(put_setting_request request, revision_callback done) {
  if (options_.read_only) return done(read_only_error(*env_), 0);
  std::uint64_t current = 0;
  bool written = false;
  storage_error error = env_->write([&](MDB_txn* txn) {
    const MDB_dbi table = env_->tables().settings;
    current = 0;
    written = false;
    if (const auto value = detail::get_value(txn, table, request.key))
      current = detail::lmdb_format::decode_setting_record(*value).version;
    if (current != request.expected_version) return false;  // nothing to commit
    detail::put_value(txn, table, request.key,
                      detail::lmdb_format::encode_setting_record(
                          current + 1, request.value ? &*request.value : nullptr));
    written = true;
    return true;
  });
  if (!error && !written)
    error =
        storage_error(make_error_code(errc::conflict),
                      env_->context() + ": put_setting \"" + request.key +
                          "\": the setting is at version " + std::to_string(current) + ", not " +
                          std::to_string(request.expected_version) + "; nothing was changed");
  done(error, error ? 0 : current + 1);
}

std::unique_ptr<status_storage> make_lmdb_storage(lmdb_options options) {
  return std::make_unique<lmdb_storage>(std::move(options));
}

}  // namespace roost
