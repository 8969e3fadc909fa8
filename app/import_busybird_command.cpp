// `roost import-busybird --from PATH/TO/busybird.sqlite3 --storage URI`
#include "busybird_import.hpp"
#include "command_support.hpp"
#include "data_commands.hpp"
#include "store_location.hpp"

namespace roost::app {

int import_busybird_command(const std::vector<std::string>& args) {
  const flags f(args,
                {"from", "storage", "mode", "on-error", "batch-size", progress_interval_flag});
  const auto path = required_flag(f, "from");
  const auto where = store_location::parse(required_flag(f, "storage"));
  import_options options;
  options.mode = mode_flag(f);
  options.on_error = on_error_flag(f);
  options.batch_size = count_flag(f, "batch-size", options.batch_size);
  // Open (and check) the BusyBird file before creating anything at the target.
  busybird_reader{path};
  auto target = open_store_for_moving(where, false);
  terminal_run run("import-busybird", f);
  const auto result = import_busybird(path, *target, options, run.hooks());
  sync_to_disk(where);
  return run.conclude(result.run, "row",
                      "Run the same import-busybird again to finish: what is there already is "
                      "skipped.");
}

}  // namespace roost::app
