// Why pair: the library's put and the raw engine's put both wait for the disk (the
// commit's write and, for LMDB, its fsync), whose speed on a shared virtual machine moves
// from one minute to the next. Measured in separate benchmarks, a minute apart, their
// ratio swung between 40% and 62% from run to run for the same code. Alternating their
// batches gives both the same disk conditions, so the ratio keeps what the library adds.
#include "raw/paired_put.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/calls.hpp"
#include "harness/fixture.hpp"
#include "harness/timing.hpp"
#include "raw/raw_benchmarks.hpp"

namespace roost::bench {
namespace {

void bm_put_paired(benchmark::State& state, const backend* b, std::size_t n) {
  stopwatch library_watch, text_watch, raw_watch, schema_watch;
  double library_seconds = 0, text_seconds = 0, raw_seconds = 0, schema_seconds = 0;
  bool has_schema = false;
  const auto& pool = statuses();
  const auto& pool_texts = texts();
  for (auto _ : state) {
    auto& fx = unfilled_store(*b, n);
    temp_dir text_dir, raw_dir, schema_dir;
    const auto text_store = open_unfilled_store(*b, text_dir.path());
    const auto raw = open_raw_inserter(b->name, raw_dir.path());
    const auto schema = open_schema_inserter(b->name, schema_dir.path());
    has_schema = schema != nullptr;
    double elapsed = 0;
    std::size_t inserted = 0, inserted_texts = 0;
    for (std::size_t i = 0; i < n; i += put_batch) {
      const std::size_t end = std::min(n, i + put_batch);
      put_request request{.timeline = measured_timeline,
                          .mode = put_mode::insert,
                          .statuses = std::vector<status>(pool.begin() + i, pool.begin() + end)};
      elapsed += library_watch.time([&] { inserted += calls::put(*fx.store, std::move(request)); });
      put_texts_request texts_request{
          .timeline = measured_timeline,
          .mode = put_mode::insert,
          .texts = std::vector<std::string>(pool_texts.begin() + i, pool_texts.begin() + end)};
      text_seconds += text_watch.time(
          [&] { inserted_texts += calls::put_texts(*text_store, std::move(texts_request)); });
      raw_seconds += raw_watch.time([&] { raw->insert(i, end - i); });
      if (schema) schema_seconds += schema_watch.time([&] { schema->insert(i, end - i); });
    }
    library_seconds += elapsed;
    state.SetIterationTime(elapsed);
    if (!check(state, inserted == n && inserted_texts == n,
               "put-paired inserted " + std::to_string(inserted) + " and " +
                   std::to_string(inserted_texts) + " texts")) {
      release_store();
      return;
    }
  }
  const double statuses_put = static_cast<double>(n) * static_cast<double>(state.iterations());
  report_rates(state, library_watch, static_cast<double>((n + put_batch - 1) / put_batch),
               static_cast<double>(n));
  // Rates over the same statuses: the ratio of two rates is the inverse ratio of the times.
  state.counters["raw_items_per_second"] = statuses_put / raw_seconds;
  state.counters["cpu_raw_items_per_second"] = statuses_put / raw_watch.cpu_seconds();
  state.counters["library_share"] = raw_seconds / library_seconds;
  state.counters["cpu_library_share"] = raw_watch.cpu_seconds() / library_watch.cpu_seconds();
  state.counters["text_items_per_second"] = statuses_put / text_seconds;
  state.counters["cpu_text_items_per_second"] = statuses_put / text_watch.cpu_seconds();
  state.counters["text_share"] = raw_seconds / text_seconds;
  state.counters["cpu_text_share"] = raw_watch.cpu_seconds() / text_watch.cpu_seconds();
  if (!has_schema) return;
  state.counters["schema_items_per_second"] = statuses_put / schema_seconds;
  state.counters["cpu_schema_items_per_second"] = statuses_put / schema_watch.cpu_seconds();
  state.counters["schema_share"] = raw_seconds / schema_seconds;
  state.counters["cpu_schema_share"] = raw_watch.cpu_seconds() / schema_watch.cpu_seconds();
}

}  // namespace

void register_paired_put_benchmark(const backend& b, std::size_t n) {
  std::string name = b.name;
  name.append("/put-paired/").append(std::to_string(n));
  benchmark::RegisterBenchmark(name.c_str(), bm_put_paired, &b, n)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace roost::bench
