#include "timeline_cursor.hpp"

#include <stdexcept>

#include "storage/blocking.hpp"

namespace roost::app {

std::string stored_status_id(const std::string& text) {
  try {
    const auto id = status_id(nlohmann::json::parse(text));
    if (id) return *id;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("a stored status is damaged: ") + e.what());
  }
  throw std::runtime_error("a stored status has no id");
}

timeline_cursor::timeline_cursor(status_storage& storage, std::string timeline,
                                 std::size_t page_size)
    : storage_(storage),
      timeline_(std::move(timeline)),
      page_size_(page_size),
      revision_(blocking::get_revision(storage_, timeline_)) {}

const std::vector<std::string>& timeline_cursor::next_page() {
  page_.clear();
  if (done_) return page_;
  // max_id is inclusive: a later page asks for one more and drops the status that
  // ended the previous page.
  const std::size_t want = page_size_ + (last_id_ ? 1 : 0);
  page_ = blocking::get_status_texts(
      storage_, {.timeline = timeline_, .max_id = last_id_, .count = status_count::of(want)});
  if (page_.size() < want) done_ = true;
  if (last_id_ && !page_.empty()) page_.erase(page_.begin());
  if (page_.empty())
    done_ = true;
  else
    last_id_ = stored_status_id(page_.back());
  return page_;
}

bool timeline_cursor::unchanged() const {
  return blocking::get_revision(storage_, timeline_) == revision_;
}

std::size_t count_statuses(status_storage& storage, const std::string& timeline) {
  timeline_cursor cursor(storage, timeline);
  std::size_t n = 0;
  while (true) {
    const auto& page = cursor.next_page();
    if (page.empty()) return n;
    n += page.size();
  }
}

}  // namespace roost::app
