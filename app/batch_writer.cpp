#include "batch_writer.hpp"

#include "ndjson.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"

namespace roost::app {

batch_writer::batch_writer(status_storage& target, put_mode mode, std::size_t batch_size,
                           error_policy policy, const run_hooks& hooks, describe_fn describe)
    : target_(target),
      mode_(mode),
      batch_size_(batch_size),
      policy_(policy),
      hooks_(hooks),
      describe_(std::move(describe)) {
  statuses_.reserve(batch_size_);
}

bool batch_writer::reject(const std::string& message) {
  ++totals_.invalid;
  hooks_.report(message);
  if (policy_ == error_policy::skip) return true;
  discard();
  return false;
}

bool batch_writer::add(const std::string& timeline, status s, std::uint64_t origin) {
  try {
    check_status(s);
  } catch (const invalid_request& e) {
    return reject(describe_(timeline, origin, s) + ": " + e.what());
  }
  return add_checked(timeline, std::move(s), origin);
}

bool batch_writer::add_checked(const std::string& timeline, status s, std::uint64_t origin) {
  if (!statuses_.empty() && timeline != timeline_ && !flush()) return false;
  if (statuses_.empty()) {
    timeline_ = timeline;
    first_origin_ = origin;
  }
  statuses_.push_back(std::move(s));
  last_origin_ = origin;
  return statuses_.size() < batch_size_ || flush();
}

void batch_writer::discard() { statuses_.clear(); }

bool batch_writer::write_texts(const std::string& timeline, std::vector<std::string> texts,
                               std::uint64_t first_origin) {
  if (!flush()) return false;
  if (texts.empty()) return true;
  const std::size_t size = texts.size();
  const std::size_t n = blocking::put_status_texts(
      target_, {.timeline = timeline, .mode = mode_, .texts = std::move(texts)});
  count_committed(size, n, first_origin + size - 1);
  return true;
}

void batch_writer::count_committed(std::size_t size, std::size_t written,
                                   std::uint64_t last_origin) {
  totals_.written += written;
  totals_.unchanged += size - std::min(written, size);
  committed_through_ = last_origin;
}

bool batch_writer::flush() {
  if (statuses_.empty()) return true;
  const std::size_t size = statuses_.size();
  std::size_t n = 0;
  try {
    n = blocking::put_statuses(
        target_, {.timeline = timeline_, .mode = mode_, .statuses = std::move(statuses_)});
  } catch (const invalid_request& e) {
    // check_status() lets nothing through that put_statuses refuses; should the two
    // ever disagree, the batch (written not at all) ends the run.
    ++totals_.invalid;
    hooks_.report("the store refused the batch from " +
                  describe_(timeline_, first_origin_, status::object()) + " to " +
                  describe_(timeline_, last_origin_, status::object()) + ": " + e.what());
    discard();
    return false;
  }
  statuses_.clear();
  statuses_.reserve(batch_size_);
  count_committed(size, n, last_origin_);
  return true;
}

}  // namespace roost::app
