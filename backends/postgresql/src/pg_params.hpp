// pg_params: the parameters of one statement, all sent in PostgreSQL's binary format with
// their types named, so that bytes travel as they are (ids and names may hold any byte,
// NUL included) and nothing is parsed from text on either side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::pg {

/// PostgreSQL type OIDs (pg_type.dat), for the types Roost sends.
enum class oid : unsigned {
  boolean = 16,
  bytea = 17,
  int8 = 20,
  text = 25,
  bytea_array = 1001,
  text_array = 1009,
  int8_array = 1016,
};

/// The parameters $1, $2, ... of a statement, in order.
class params {
public:
  params& bytea(std::string_view bytes) { return add(oid::bytea, std::string(bytes)); }
  params& text(std::string_view text) { return add(oid::text, std::string(text)); }
  params& int8(std::int64_t value);
  /// A NULL of type `type`.
  params& null(oid type);
  /// bytea, or NULL when absent.
  params& bytea_or_null(const std::optional<std::string>& bytes);
  /// A one-dimensional bytea[] (elements absent are NULL).
  params& bytea_array(const std::vector<std::optional<std::string_view>>& items);
  params& bytea_array(const std::vector<std::string>& items);
  /// A one-dimensional text[] (elements absent are NULL).
  params& text_array(const std::vector<std::optional<std::string_view>>& items);
  params& int8_array(const std::vector<std::int64_t>& items);

  /// For PQsendQueryParams / PQsendQueryPrepared: filled by the connection.
  std::size_t size() const noexcept { return types_.size(); }
  const std::vector<unsigned>& types() const noexcept { return types_; }
  /// Pointers into this object: valid while it is neither changed nor destroyed.
  void views(std::vector<const char*>& values, std::vector<int>& lengths) const;

private:
  params& add(oid type, std::optional<std::string> value);
  params& array(oid element, const std::vector<std::optional<std::string_view>>& items);

  std::vector<unsigned> types_;
  std::vector<std::optional<std::string>> values_;
};

}  // namespace roost::pg
