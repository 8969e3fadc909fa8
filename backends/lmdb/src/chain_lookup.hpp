// Finding an entry whose key may be a hash chain (key_codec.hpp's chain_key).
//
// An exact key is looked up directly. A hashed key is a base followed by a probe byte;
// every entry sharing the base is one contiguous key range, so a lookup scans that range
// and asks `matches` which value holds the wanted text. Because lookups scan the whole
// range, deleting an entry never breaks a chain (no tombstones are needed).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <lmdb.h>

#include "key_codec.hpp"

namespace roost::detail {

/// What find_in_chain found.
struct chain_hit {
  bool found = false;
  /// The entry's key when found; otherwise the key a new entry should take (for a hash
  /// chain, the base plus the first unused probe).
  std::string key;
  /// The entry's value when found: a view valid until the transaction's next write.
  std::string_view value;
};

/// Looks `key` up in table `dbi`. `matches(value)` tells whether a hashed entry holds the
/// wanted text. Throws lmdb_backend_error when a chain is full (256 entries sharing one
/// 64-bit hash) and a new key is needed (`need_free_key`).
chain_hit find_in_chain(MDB_txn* txn, MDB_dbi dbi, const lmdb_format::chain_key& key,
                        const std::function<bool(std::string_view value)>& matches,
                        bool need_free_key);

}  // namespace roost::detail
