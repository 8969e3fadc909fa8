#include "store_walk.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz_check.hpp"
#include "ndjson.hpp"
#include "ndjson_export.hpp"
#include "storage/blocking.hpp"
#include "storage/errors.hpp"
#include "store_location.hpp"
#include "store_stats.hpp"

namespace roost::fuzz {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A text that is not a JSON object: damage inside a record, which the engine's own
// checks cannot see (no checksums per record). Reads pass stored texts on unparsed, so the
// property is that roost check finds every such damage (walk's caller checks).
bool damaged(const std::string& text) {
  return !nlohmann::json::accept(text) || !nlohmann::json::parse(text).is_object();
}

// Reads everything; true when a read or the export passed on damage.
bool walk(status_storage& storage) {
  bool damage = false;
  app::collect_stats(storage);
  for (const auto& name : blocking::timeline_names(storage)) {
    for (const auto state : {ack_state::any, ack_state::acked, ack_state::unacked})
      for (const auto& text : blocking::get_status_texts(
               storage, {.timeline = name, .state = state, .count = status_count::of(1000)}))
        damage = damage || damaged(text);
    blocking::get_unacked_counts(storage, name);
    blocking::get_changes(storage, {.timeline = name, .since = 0, .limit = 1000});
  }
  const auto exported = app::export_ndjson_string(storage);
  std::string_view rest(exported);
  while (!rest.empty()) {
    const auto line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    try {
      app::check_status(app::parse_ndjson_line(line).item);
    } catch (const std::exception&) {
      damage = true;  // export copies stored texts unchecked, as reads return them
    }
  }
  return damage;
}

}  // namespace

std::filesystem::path private_directory(const char* name) {
  static const auto dir = [name] {
    auto d = std::filesystem::temp_directory_path() /
             ("roost-fuzz-" + std::string(name) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    static const std::filesystem::path removed_at_exit = d;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(removed_at_exit, ec);
    });
    return d;
  }();
  return dir;
}

void open_and_walk(const std::filesystem::path& dir, const char* file, const std::string& uri,
                   std::string_view bytes) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    std::filesystem::remove_all(entry);
  {
    std::ofstream out(dir / file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const auto where = app::store_location::parse(uri);
  bool damage = false;
  try {
    auto storage = app::open_store_for_moving(where, true);
    damage = walk(*storage);
  } catch (const std::exception&) {
    // Refused or failed with a message: what a damaged store should do.
  }
  if (damage) {
    std::string found;
    try {
      const auto report = app::check_store(where);
      found = report.ok() ? "" : report.problems.empty() ? "unlisted" : report.problems.front();
    } catch (const std::exception& e) {
      found = e.what();  // cannot even be opened for checking: found too
    }
    check(!found.empty(), "roost check reports every damage that reads pass on",
          "[known: damaged text]");
  }
  check(read_file(dir / file) == bytes, "reading a store leaves its file as it was",
        "[known: read-only writes]");
}

}  // namespace roost::fuzz
