// The ready-made filters and the Timeline layer's error category.
#include "storage/filters.hpp"

#include <string>
#include <utility>

namespace roost {
namespace {

class timeline_category_impl : public std::error_category {
public:
  const char* name() const noexcept override { return "roost.timeline"; }
  std::string message(int value) const override {
    switch (static_cast<timeline_errc>(value)) {
      case timeline_errc::filter_failed: return "a timeline filter failed";
      case timeline_errc::invalid_status: return "a filtered status cannot be stored";
    }
    return "unknown timeline error";
  }
};

}  // namespace

const std::error_category& timeline_category() noexcept {
  static const timeline_category_impl category;
  return category;
}

std::error_code make_error_code(timeline_errc e) noexcept {
  return {static_cast<int>(e), timeline_category()};
}

storage_error filter_error(std::string message) {
  return storage_error(timeline_errc::filter_failed, std::move(message));
}

namespace filters {

sync_filter map(std::function<void(status&)> change) {
  return [change = std::move(change)](std::vector<status> batch) {
    for (auto& s : batch) change(s);
    return batch;
  };
}

sync_filter grep(std::function<bool(const status&)> keep) {
  return [keep = std::move(keep)](std::vector<status> batch) {
    std::vector<status> kept;
    kept.reserve(batch.size());
    for (auto& s : batch)
      if (keep(s)) kept.push_back(std::move(s));
    return kept;
  };
}

sync_filter set_level(std::function<std::optional<std::int64_t>(const status&)> rule) {
  return [rule = std::move(rule)](std::vector<status> batch) {
    for (auto& s : batch) {
      if (auto level = rule(s)) {
        auto& busybird = s["busybird"];
        if (!busybird.is_object()) busybird = nlohmann::json::object();
        busybird["level"] = *level;
      }
    }
    return batch;
  };
}

async_filter as_async(sync_filter filter) {
  return [filter = std::move(filter)](std::vector<status> batch, filter_done done) {
    std::vector<status> out;
    try {
      out = filter(std::move(batch));
    } catch (const std::exception& e) {
      done(filter_error(e.what()), {});
      return;
    }
    done({}, std::move(out));
  };
}

}  // namespace filters
}  // namespace roost
