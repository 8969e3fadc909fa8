#include "storage/memory_storage.hpp"

#include <mutex>

#include "memory_state.hpp"

namespace roost {

memory_storage::memory_storage(memory_options options)
    : options_(std::move(options)), state_(std::make_unique<state>()) {
  options_.limits.validate();
}

memory_storage::~memory_storage() = default;

namespace {

// Runs a write on `name`'s timeline, creating it only if the write changes something
// (the write records its own changes), then prunes the change log to the timeline's
// retention: in the same locked step, so no reader sees the log longer than retained.
template <typename Timelines, typename Write>
std::size_t write_timeline(Timelines& timelines, const std::string& name,
                           const storage_limits& limits, Write&& write) {
  auto it = timelines.find(name);
  const bool existed = it != timelines.end();
  if (!existed) it = timelines.try_emplace(name).first;
  const std::size_t changed = write(it->second);
  if (changed != 0)
    it->second.prune_log(limits.change_retention);
  else if (!existed)
    timelines.erase(it);
  return changed;
}

// Writes that never create a timeline (ack, delete) leave unknown names alone.
template <typename Timelines, typename Write>
std::size_t write_existing(Timelines& timelines, const std::string& name,
                           const storage_limits& limits, Write&& write) {
  const auto it = timelines.find(name);
  if (it == timelines.end()) return 0;
  const std::size_t changed = write(it->second);
  if (changed != 0) it->second.prune_log(limits.change_retention);
  return changed;
}

}  // namespace

void memory_storage::do_put_statuses(prepared_put request, count_callback done) {
  std::size_t changed = 0;
  {
    std::unique_lock lock(state_->mutex);
    const auto limits = options_.limits.for_timeline(request.timeline);
    changed = write_timeline(state_->timelines, request.timeline, limits, [&](auto& tl) {
      return tl.put(request.mode, request.statuses, limits);
    });
  }
  done({}, changed);
}

void memory_storage::do_get_statuses(prepared_get request, texts_callback done) {
  std::vector<std::string> page;
  {
    std::shared_lock lock(state_->mutex);
    if (const auto* tl = state_->find(request.timeline))
      page = tl->get(request, options_.limits.default_count);
  }
  done({}, std::move(page));
}

void memory_storage::do_ack_statuses(prepared_ack request, count_callback done) {
  std::size_t changed = 0;
  {
    std::unique_lock lock(state_->mutex);
    changed = write_existing(state_->timelines, request.timeline,
                             options_.limits.for_timeline(request.timeline),
                             [&](auto& tl) { return tl.ack(request); });
  }
  done({}, changed);
}

void memory_storage::do_delete_statuses(delete_request request, count_callback done) {
  std::size_t changed = 0;
  {
    std::unique_lock lock(state_->mutex);
    changed = write_existing(state_->timelines, request.timeline,
                             options_.limits.for_timeline(request.timeline),
                             [&](auto& tl) { return tl.erase(request.selection); });
  }
  done({}, changed);
}

void memory_storage::do_get_unacked_counts(std::string timeline, counts_callback done) {
  unacked_counts counts;
  {
    std::shared_lock lock(state_->mutex);
    if (const auto* tl = state_->find(timeline)) counts = tl->counts();
  }
  done({}, std::move(counts));
}

void memory_storage::do_contains(
    std::string timeline, std::vector<std::string> ids,
    std::function<void(const storage_error&, std::vector<bool>)> done) {
  std::vector<bool> present(ids.size(), false);
  {
    std::shared_lock lock(state_->mutex);
    if (const auto* tl = state_->find(timeline))
      for (std::size_t i = 0; i < ids.size(); ++i) present[i] = tl->contains(ids[i]);
  }
  done({}, std::move(present));
}

void memory_storage::do_timeline_names(names_callback done) {
  std::vector<std::string> names;
  {
    std::shared_lock lock(state_->mutex);
    names.reserve(state_->timelines.size());
    for (const auto& [name, tl] : state_->timelines) names.push_back(name);
  }
  done({}, std::move(names));
}

void memory_storage::do_get_revision(std::string timeline, revision_callback done) {
  std::uint64_t revision = 0;
  {
    std::shared_lock lock(state_->mutex);
    if (const auto* tl = state_->find(timeline)) revision = tl->revision();
  }
  done({}, revision);
}

void memory_storage::do_get_changes(prepared_changes request, changes_callback done) {
  change_page out;
  storage_error error;
  {
    std::shared_lock lock(state_->mutex);
    const auto* tl = state_->find(request.timeline);
    change_page_builder page(request, tl != nullptr ? tl->revision() : 0);
    if (tl != nullptr) tl->read_changes(page);
    error = page.finish("get_changes of memory timeline " + nlohmann::json(request.timeline).dump(),
                        out);
  }
  done(error, std::move(out));
}

void memory_storage::do_get_setting(std::string key, setting_callback done) {
  setting found;
  {
    std::shared_lock lock(state_->mutex);
    if (const auto it = state_->settings.find(key); it != state_->settings.end())
      found = it->second;
  }
  done({}, std::move(found));
}

void memory_storage::do_put_setting(put_setting_request request, revision_callback done) {
  std::uint64_t current = 0;
  std::uint64_t written = 0;
  {
    std::unique_lock lock(state_->mutex);
    auto it = state_->settings.find(request.key);
    current = it == state_->settings.end() ? 0 : it->second.version;
    if (current == request.expected_version) {
      if (it == state_->settings.end()) it = state_->settings.try_emplace(request.key).first;
      written = current + 1;
      it->second = {std::move(request.value), written};
    }
  }
  if (written == 0)
    return done(storage_error(errc::conflict, "setting \"" + request.key + "\" is at version " +
                                                  std::to_string(current) + ", not " +
                                                  std::to_string(request.expected_version)),
                0);
  done({}, written);
}

std::unique_ptr<status_storage> make_memory_storage(memory_options options) {
  return std::make_unique<memory_storage>(std::move(options));
}

}  // namespace roost
