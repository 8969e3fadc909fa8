// A structural check of an LMDB data file, read with pread(2), never through the map.
//
// LMDB trusts its file: it has no page checksums, and its only bound check is that a
// page number is below the snapshot's page count. A file shorter than that count (cut off
// by a full disk, a bad copy) makes the first read of a missing page a SIGBUS; garbage
// written over pages (a bad disk, another program) makes LMDB follow offsets and sizes
// out of its pages (SIGSEGV) or fail one of its assertions (abort). So before LMDB reads
// a page through the map, this walker reads the same pages itself and checks what LMDB
// will rely on:
//
//   - tail: the file holds every page of the snapshot up to the last one that is not
//     free (free pages at the end may legitimately be missing: LMDB can count a page it
//     allocated and freed within one transaction without ever writing it). Reads only
//     the free-page tree, which is small.
//   - full: additionally every tree (the free-page tree, the main tree, every named
//     table): each page's own number, type, bounds of its header, node offsets and
//     sizes, child page numbers, overflow runs, tree depth, key order, and the entry and
//     page counts the tree's record claims; every page of the snapshot reachable exactly
//     once (used or free). A file that passes cannot make LMDB read outside the pages it
//     owns, whatever the bytes of its keys and values are.
//
// The walk runs inside a read transaction, which pins its snapshot: a writer in another
// process never reuses the pages it reads. Supported on 64-bit little-endian systems
// (LMDB's page layout differs elsewhere); on others it reports nothing.
//
// Thread-safe (it only reads).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace roost::detail {

/// How much of the file to read.
enum class walk_depth {
  tail,  ///< the free-page tree and the file length (cheap)
  full,  ///< every page of every tree
};

/// What a walk found.
struct page_walk_result {
  /// Each problem names the page and the table it belongs to; empty when the file is sound.
  std::vector<std::string> problems;
  /// How many problems were found beyond those listed (the list stops at a few dozen).
  std::size_t unlisted = 0;
  std::uint64_t page_size = 0;
  std::uint64_t pages = 0;       ///< pages of the snapshot, the two meta pages included
  std::uint64_t pages_used = 0;  ///< in trees (full walk only)
  std::uint64_t pages_free = 0;
  std::uint64_t file_bytes = 0;
  /// True when another transaction replaced the snapshot's meta page during the walk
  /// (two commits in a row): the caller should run the walk again in a new transaction.
  bool snapshot_moved = false;

  bool ok() const noexcept { return problems.empty() && !snapshot_moved; }
};

/// Walks the data file of `env` as of the snapshot of read transaction `txn` (which must
/// stay open meanwhile). Never throws for what it finds in the file; throws
/// std::system_error when the file cannot be read at all, std::bad_alloc.
page_walk_result walk_pages(MDB_env* env, MDB_txn* txn, walk_depth depth);

/// Checks the two meta pages of the data file open as `fd` (`file_bytes` long) before
/// LMDB opens it: each one LMDB may take (right magic and version) must give a page size
/// that is a power of two from 512 to 65536, for LMDB divides by it while opening (a
/// zeroed size is a SIGFPE). Returns what is wrong, or an empty string. Reports nothing
/// where the layout is not supported (see above).
std::string meta_pages_problem(int fd, std::uint64_t file_bytes);

}  // namespace roost::detail
