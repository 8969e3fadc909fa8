#include "pg_params.hpp"

#include <limits>
#include <stdexcept>

namespace roost::pg {
namespace {

// Network byte order, as the binary format wants every integer.
void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_i32(std::string& out, std::int64_t v) {
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw std::length_error("a statement parameter is larger than PostgreSQL accepts");
  put_be(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), 4);
}

}  // namespace

params& params::add(oid type, std::optional<std::string> value) {
  types_.push_back(static_cast<unsigned>(type));
  values_.push_back(std::move(value));
  return *this;
}

params& params::int8(std::int64_t value) {
  std::string out;
  put_be(out, static_cast<std::uint64_t>(value), 8);
  return add(oid::int8, std::move(out));
}

params& params::null(oid type) { return add(type, std::nullopt); }

params& params::bytea_or_null(const std::optional<std::string>& bytes) {
  return bytes ? bytea(std::string_view(*bytes)) : null(oid::bytea);
}

// The binary array format (src/backend/utils/adt/arrayfuncs.c, array_send): dimensions,
// a has-nulls flag, the element type, then per dimension its size and lower bound, then
// each element as its length (-1 for NULL) and bytes.
params& params::array(oid element, const std::vector<std::optional<std::string_view>>& items) {
  std::string out;
  bool has_null = false;
  for (const auto& item : items) has_null = has_null || !item;
  put_i32(out, items.empty() ? 0 : 1);
  put_i32(out, has_null ? 1 : 0);
  put_be(out, static_cast<unsigned>(element), 4);
  if (!items.empty()) {
    put_i32(out, static_cast<std::int64_t>(items.size()));
    put_i32(out, 1);
  }
  for (const auto& item : items) {
    if (!item) {
      put_i32(out, -1);
      continue;
    }
    put_i32(out, static_cast<std::int64_t>(item->size()));
    out.append(*item);
  }
  const oid type = element == oid::bytea  ? oid::bytea_array
                   : element == oid::text ? oid::text_array
                                          : oid::int8_array;
  return add(type, std::move(out));
}

params& params::bytea_array(const std::vector<std::optional<std::string_view>>& items) {
  return array(oid::bytea, items);
}

params& params::bytea_array(const std::vector<std::string>& items) {
  return array(oid::bytea,
               std::vector<std::optional<std::string_view>>(items.begin(), items.end()));
}

params& params::text_array(const std::vector<std::optional<std::string_view>>& items) {
  return array(oid::text, items);
}

params& params::int8_array(const std::vector<std::int64_t>& items) {
  std::vector<std::string> encoded;
  encoded.reserve(items.size());
  for (const auto v : items) {
    std::string e;
    put_be(e, static_cast<std::uint64_t>(v), 8);
    encoded.push_back(std::move(e));
  }
  return array(oid::int8,
               std::vector<std::optional<std::string_view>>(encoded.begin(), encoded.end()));
}

void params::views(std::vector<const char*>& values, std::vector<int>& lengths) const {
  values.clear();
  lengths.clear();
  for (const auto& v : values_) {
    values.push_back(v ? v->data() : nullptr);
    if (v && v->size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw std::length_error("a statement parameter is larger than libpq can send");
    lengths.push_back(v ? static_cast<int>(v->size()) : 0);
  }
}

}  // namespace roost::pg
