// `roost migrate --from URI --to URI [--mode insert|upsert]`
#include "command_support.hpp"
#include "data_commands.hpp"
#include "migrate.hpp"
#include "ndjson_export.hpp"
#include "progress.hpp"
#include "storage/blocking.hpp"
#include "store_location.hpp"

namespace roost::app {

int migrate_command(const std::vector<std::string>& args) {
  const flags f(args, {"from", "to", "mode", "batch-size", progress_interval_flag});
  const auto from = store_location::parse(required_flag(f, "from"));
  const auto to = store_location::parse(required_flag(f, "to"));
  if (from.same_as(to)) throw usage_error("--from and --to name the same store");
  migrate_options options;
  options.mode = mode_flag(f);
  options.batch_size = count_flag(f, "batch-size", options.batch_size);
  auto source = open_store_for_moving(from, true);
  auto target = open_store_for_moving(to, false);

  migrate_result result;
  {
    terminal_run run("migrate", f);
    if (run.worth_counting()) options.expected_total = count_all_statuses(*source, {});
    result = migrate_statuses(*source, *target, options, run.hooks());
    sync_to_disk(to);
    const auto& t = result.totals;
    const std::string counts = group_digits(result.read) + " statuses read, " +
                               group_digits(t.written) + " written, " + group_digits(t.unchanged) +
                               " already there";
    switch (result.outcome) {
      case run_outcome::completed:
        run.say("copied " + group_digits(result.timelines) + " timelines: " + counts);
        break;
      case run_outcome::stopped:
        run.say("interrupted after " + group_digits(result.timelines) + " complete timelines (" +
                counts +
                "); the target holds whole batches only. Run the same migrate again to finish.");
        return terminal_run::stopped_exit_code();
      case run_outcome::aborted:
      case run_outcome::failed: run.say(result.message + " (" + counts + ")"); return 1;
    }
  }

  terminal_run check("verify", f);
  const auto cmp = verify_migration(*source, *target, result, check.hooks());
  if (interrupt_guard::requested()) {
    check.say("interrupted while comparing; the migration itself is complete");
    return terminal_run::stopped_exit_code();
  }
  if (!cmp.same()) {
    for (const auto& d : cmp.differences) check.say(d);
    check.say("the stores differ after the migration (see above)");
    return 1;
  }
  check.say("both stores hold the same " + group_digits(cmp.statuses) + " statuses in " +
            group_digits(cmp.timelines) + " timelines, with the same unacked counts");
  return 0;
}

}  // namespace roost::app
