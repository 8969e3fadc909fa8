#include "fixtures.hpp"

#include "storage/timestamp.hpp"

namespace roost::conformance::detail {
namespace {

std::string twitter_after(int base_year_seconds, int seconds) {
  using namespace std::chrono;
  return format_twitter(timestamp{duration_cast<microseconds>(
      std::chrono::seconds{base_year_seconds} + std::chrono::seconds{seconds})});
}

}  // namespace

status make_status(const status_spec& spec) {
  status s = {{"id", spec.id}};
  if (spec.created_at) s["created_at"] = *spec.created_at;
  if (spec.level) s["busybird"]["level"] = *spec.level;
  if (spec.acked_at) s["busybird"]["acked_at"] = *spec.acked_at;
  s["text"] = spec.text.value_or("status " + id_text(spec.id));
  return s;
}

std::string created(int seconds) { return twitter_after(1368708983, seconds); }  // 2013-05-16

std::string acked(int seconds) { return twitter_after(1400000000, seconds); }  // 2014-05-13

std::vector<status> numbered(int from, int to) {
  std::vector<status> out;
  for (int i = from; i <= to; ++i)
    out.push_back(make_status({.id = std::to_string(i), .created_at = created(i)}));
  return out;
}

std::vector<std::string> reversed_ids(int from, int to) {
  std::vector<std::string> out;
  for (int i = to; i >= from; --i) out.push_back(std::to_string(i));
  return out;
}

}  // namespace roost::conformance::detail
