#include "chain_lookup.hpp"

#include <bitset>

#include "lmdb_errors.hpp"
#include "table_access.hpp"

namespace roost::detail {

chain_hit find_in_chain(MDB_txn* txn, MDB_dbi dbi, const lmdb_format::chain_key& key,
                        const std::function<bool(std::string_view value)>& matches,
                        bool need_free_key) {
  chain_hit hit;
  if (!key.hashed) {
    const auto value = get_value(txn, dbi, key.bytes);
    hit.found = value.has_value();
    hit.key = key.bytes;
    if (value) hit.value = *value;
    return hit;
  }
  std::bitset<256> used;
  {
    table_cursor cursor(txn, dbi);
    for (bool more = cursor.seek(key.bytes); more; more = cursor.next()) {
      const auto k = cursor.key();
      if (k.size() != key.bytes.size() + lmdb_format::probe_size ||
          !lmdb_format::starts_with(k, key.bytes))
        break;
      if (matches(cursor.value())) {
        hit.found = true;
        hit.key = k;
        hit.value = cursor.value();
        return hit;
      }
      used.set(static_cast<unsigned char>(k.back()));
    }
  }
  if (!need_free_key) return hit;
  for (std::size_t probe = 0; probe < used.size(); ++probe) {
    if (used.test(probe)) continue;
    hit.key = key.bytes;
    hit.key.push_back(static_cast<char>(probe));
    return hit;
  }
  throw lmdb_backend_error(errc::internal,
                           "256 long keys share one 64-bit hash; cannot store another");
}

}  // namespace roost::detail
