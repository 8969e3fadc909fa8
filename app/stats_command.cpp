// `roost stats --storage URI [--format text|json]`
#include <iostream>

#include "command_support.hpp"
#include "data_commands.hpp"
#include "store_location.hpp"
#include "store_stats.hpp"

namespace roost::app {

int stats_command(const std::vector<std::string>& args) {
  const flags f(args, {"storage", "format"});
  const auto where = store_location::parse(required_flag(f, "storage"));
  const auto format = f.get("format").value_or("text");
  if (format != "text" && format != "json")
    throw usage_error("--format must be text or json, not \"" + format + "\"");
  auto storage = open_store_for_moving(where, true);
  auto stats = collect_stats(*storage);
  stats.bytes = where.bytes_on_disk();
  if (format == "json")
    std::cout << stats_json(stats).dump(2) << '\n';
  else
    std::cout << "storage: " << where.uri << '\n' << stats_text(stats);
  return 0;
}

}  // namespace roost::app
