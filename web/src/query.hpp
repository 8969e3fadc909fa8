// Query-string access for the Web API: percent-decoded, "+" read as a space.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace roost::web {

/// The decoded parameters of a request target's query; for a repeated key the first wins.
class query_params {
public:
  /// Parses the query part of `target` (origin-form); a target without one has no parameters.
  explicit query_params(std::string_view target);

  /// The value of `key`, if present.
  std::optional<std::string> get(std::string_view key) const;

  /// All parameters, in key order.
  const std::map<std::string, std::string, std::less<>>& all() const noexcept { return params_; }

private:
  std::map<std::string, std::string, std::less<>> params_;
};

/// `text` as a decimal integer (optional sign), nullopt when it is anything else.
std::optional<std::int64_t> parse_integer(std::string_view text);

}  // namespace roost::web
