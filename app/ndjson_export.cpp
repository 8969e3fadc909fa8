#include "ndjson_export.hpp"

#include <stdexcept>

#include "ndjson.hpp"
#include "storage/blocking.hpp"
#include "timeline_cursor.hpp"

namespace roost::app {

export_result export_ndjson(status_storage& source, std::vector<std::string> timelines,
                            const std::function<void(std::string_view)>& sink,
                            const run_hooks& hooks, std::size_t expected_total,
                            std::size_t page_size) {
  if (timelines.empty()) timelines = blocking::timeline_names(source);
  export_result result;
  std::string chunk;
  for (const auto& name : timelines) {
    validate_timeline_name(name);
    const auto prefix = ndjson_prefix(name);
    timeline_cursor cursor(source, name, page_size);
    while (true) {
      if (hooks.should_stop()) {
        result.stopped = true;
        return result;
      }
      const auto& page = cursor.next_page();
      if (page.empty()) break;
      chunk.clear();
      for (const auto& text : page) append_ndjson_line(chunk, prefix, text);
      sink(chunk);
      result.statuses += page.size();
      hooks.advance(result.statuses,
                    expected_total > 0 ? double(result.statuses) / double(expected_total) : -1.0);
    }
    if (!cursor.unchanged())
      throw std::runtime_error("timeline \"" + name +
                               "\" changed while it was exported; stop whatever writes to the "
                               "store and export again");
    ++result.timelines;
  }
  return result;
}

std::string export_ndjson_string(status_storage& source,
                                 const std::vector<std::string>& timelines) {
  std::string out;
  export_ndjson(source, timelines, [&](std::string_view chunk) { out.append(chunk); }, {});
  return out;
}

std::size_t count_all_statuses(status_storage& source, const std::vector<std::string>& timelines) {
  const auto names = timelines.empty() ? blocking::timeline_names(source) : timelines;
  std::size_t n = 0;
  for (const auto& name : names) n += count_statuses(source, name);
  return n;
}

}  // namespace roost::app
