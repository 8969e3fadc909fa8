#include "query.hpp"

#include <charconv>

#include <boost/url/parse.hpp>

namespace roost::web {

query_params::query_params(std::string_view target) {
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& param : parsed->params(opts)) params_.emplace(param.key, param.value);
}

std::optional<std::string> query_params::get(std::string_view key) const {
  const auto it = params_.find(key);
  if (it == params_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace roost::web
