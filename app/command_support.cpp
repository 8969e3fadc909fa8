#include "command_support.hpp"
#include "progress.hpp"

#include <cmath>

namespace roost::app {

std::string required_flag(const flags& f, const std::string& name) {
  auto v = f.get(name);
  if (!v || v->empty()) throw usage_error("--" + name + " is required");
  return *v;
}

put_mode mode_flag(const flags& f) {
  const auto v = f.get("mode").value_or("insert");
  if (v == "insert") return put_mode::insert;
  if (v == "upsert") return put_mode::upsert;
  throw usage_error("--mode must be insert or upsert, not \"" + v + "\"");
}

error_policy on_error_flag(const flags& f) {
  const auto v = f.get("on-error").value_or("abort");
  if (v == "abort") return error_policy::abort;
  if (v == "skip") return error_policy::skip;
  throw usage_error("--on-error must be abort or skip, not \"" + v + "\"");
}

std::size_t count_flag(const flags& f, const std::string& name, std::size_t fallback) {
  const auto v = f.get(name);
  if (!v) return fallback;
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v->size() || n == 0 || v->front() == '-' || n > (1ull << 32))
    throw usage_error("--" + name + " must be a positive number, not \"" + *v + "\"");
  return static_cast<std::size_t>(n);
}

namespace {

std::chrono::steady_clock::duration interval_flag(const flags& f) {
  const auto v = f.get(progress_interval_flag);
  if (!v) return std::chrono::seconds(5);
  double seconds = -1;
  std::size_t used = 0;
  try {
    seconds = std::stod(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v->size() || !std::isfinite(seconds) || seconds < 0 || seconds > 86400)
    throw usage_error("--progress-interval must be a number of seconds, not \"" + *v + "\"");
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

}  // namespace

terminal_run::terminal_run(std::string what, const flags& f)
    : meter_(progress_meter::for_stderr(std::move(what), interval_flag(f))) {
  hooks_ = meter_.hooks();
  hooks_.stop_requested = [] { return interrupt_guard::requested(); };
}

void terminal_run::say(const std::string& text) {
  meter_.finish();
  meter_.message(text);
}

int terminal_run::conclude(const import_result& r, const std::string& unit,
                           const std::string& resume_hint) {
  meter_.finish();
  const auto& t = r.totals;
  const std::string counts = group_digits(t.written) + " written, " + group_digits(t.unchanged) +
                             " already there, " + group_digits(t.invalid) + " invalid";
  const std::string upto =
      r.committed_through == 0
          ? "nothing was written"
          : unit + "s 1-" + group_digits(r.committed_through) +
                " are in the store, nothing after them was written by this run";
  switch (r.outcome) {
    case run_outcome::completed:
      meter_.message("done: " + group_digits(r.lines) + " " + unit + "s read, " + counts +
                     (t.invalid > 0 ? " (skipped)" : ""));
      return 0;
    case run_outcome::aborted:
      meter_.message(r.message + "; " + upto + " (" + counts +
                     "). Fix the input, or pass --on-error skip to leave invalid " + unit +
                     "s out, and run again: what is there already is skipped.");
      return 1;
    case run_outcome::failed:
      meter_.message(r.message + "; " + upto + " (" + counts + "). " + resume_hint);
      return 1;
    case run_outcome::stopped:
      meter_.message("interrupted after " + unit + " " + group_digits(r.lines) + ": " + upto +
                     " (" + counts + "). " + resume_hint);
      return stopped_exit_code();
  }
  return 1;
}

}  // namespace roost::app
