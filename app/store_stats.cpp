#include "store_stats.hpp"

#include <algorithm>
#include <cstdio>

#include "storage/blocking.hpp"
#include "timeline_cursor.hpp"
#include "utf8_text.hpp"

namespace roost::app {
namespace {

std::string human_bytes(std::uintmax_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string levels_text(const unacked_counts& counts) {
  std::string out;
  for (const auto& [level, n] : counts.by_level) {
    if (!out.empty()) out += ", ";
    out += std::to_string(level) + ": " + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

// Counts come from two reads; a write between them must not make this wrap around.
std::size_t acked_of(const timeline_stats& t) {
  return t.statuses > t.unacked.total ? t.statuses - t.unacked.total : 0;
}

}  // namespace

store_stats collect_stats(status_storage& storage, const run_hooks& hooks) {
  store_stats out;
  const auto names = blocking::timeline_names(storage);
  for (const auto& name : names) {
    timeline_stats t{name, count_statuses(storage, name),
                     blocking::get_unacked_counts(storage, name)};
    out.statuses += t.statuses;
    out.unacked += t.unacked.total;
    out.timelines.push_back(std::move(t));
    hooks.advance(out.statuses, double(out.timelines.size()) / double(names.size()));
  }
  return out;
}

std::string stats_text(const store_stats& stats) {
  std::vector<std::string> names;
  std::size_t width = 8;  // "TIMELINE"
  for (const auto& t : stats.timelines) {
    names.push_back(printable(t.name, 60));
    width = std::max(width, display_width(names.back()));
  }
  std::string out;
  char buf[128];
  const auto row = [&](const std::string& name, const std::string& statuses,
                       const std::string& acked, const std::string& unacked,
                       const std::string& levels) {
    out += name + std::string(width - std::min(width, display_width(name)) + 2, ' ');
    std::snprintf(buf, sizeof buf, "%10s %10s %10s  ", statuses.c_str(), acked.c_str(),
                  unacked.c_str());
    out += buf + levels + "\n";
  };
  row("TIMELINE", "STATUSES", "ACKED", "UNACKED", "UNACKED BY LEVEL");
  for (std::size_t i = 0; i < stats.timelines.size(); ++i) {
    const auto& t = stats.timelines[i];
    row(names[i], std::to_string(t.statuses), std::to_string(acked_of(t)),
        std::to_string(t.unacked.total), levels_text(t.unacked));
  }
  // Appends only: GCC 12 warns wrongly (-Wstringop-overflow) about "literal" + string.
  out.append("\n").append(std::to_string(stats.timelines.size())).append(" timelines, ");
  out.append(std::to_string(stats.statuses)).append(" statuses, ");
  out.append(std::to_string(stats.unacked)).append(" unacked\n");
  out.append("size on disk: ");
  if (stats.bytes)
    out.append(human_bytes(*stats.bytes))
        .append(" (")
        .append(std::to_string(*stats.bytes))
        .append(" bytes)\n");
  else
    out.append("none (not stored on disk)\n");
  return out;
}

nlohmann::json stats_json(const store_stats& stats) {
  nlohmann::json timelines = nlohmann::json::array();
  for (const auto& t : stats.timelines) {
    timelines.push_back({{"name", t.name},
                         {"statuses", t.statuses},
                         {"acked", acked_of(t)},
                         {"unacked", t.unacked.to_json()}});
  }
  return {{"bytes", stats.bytes ? nlohmann::json(*stats.bytes) : nlohmann::json(nullptr)},
          {"statuses", stats.statuses},
          {"unacked", stats.unacked},
          {"timelines", std::move(timelines)}};
}

}  // namespace roost::app
