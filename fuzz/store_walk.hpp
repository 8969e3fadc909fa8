// What the store_open harnesses share: an input written as a store file in a private
// temporary directory, opened as `roost stats` and `roost export` open it, and read whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace roost::fuzz {

/// Writes `bytes` to `dir`/`file` (creating `dir`, removing everything else in it), opens
/// `uri` as the data-moving commands do (open_store_for_moving, must exist), and reads it
/// all: stats, every timeline's statuses in each ack state, its change log, and the export.
/// A store that cannot be opened or read must say so with an exception; it must not crash.
///
/// Properties checked: no crash; reading leaves the store file byte for byte as it was
/// (reading commands never write). A status text a read returns that is not a JSON
/// object, or an exported line that import refuses (damage inside a record, which reads
/// pass on unparsed), is run past `roost check` (check_store), and reported when the
/// check misses it (fuzz/findings/README.md): not yet a property.
void open_and_walk(const std::filesystem::path& dir, const char* file, const std::string& uri,
                   std::string_view bytes);

/// A directory of this process's own under the system's temporary directory, removed at
/// exit.
std::filesystem::path private_directory(const char* name);

}  // namespace roost::fuzz
