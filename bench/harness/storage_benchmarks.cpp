// The operations of docs/spec/workload.md against any backend, through the public API.
//
// Each benchmark times only the library call (see calls.hpp for how it waits); building
// the request copy and restoring the timeline afterwards are untimed (manual time).
#include "harness/storage_benchmarks.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include "harness/calls.hpp"
#include "harness/fixture.hpp"
#include "harness/timing.hpp"
#include "workload/workload.hpp"

namespace roost::bench {
namespace {

constexpr std::size_t page_size = 20;
constexpr std::size_t ack_id_count = 20;
constexpr std::size_t contains_count = 100;

std::size_t middle(std::size_t n) { return n / 2; }

// put: N statuses into the empty measured timeline of a new store (whose nine other
// timelines are filled, untimed), 100 per call. Each batch is copied from the pool just
// before its call, as a caller would build it (so it is warm in the cache); only the
// calls are timed. The store it leaves is the filled store the later benchmarks use.
// put-text: the same with the statuses as stored-form JSON texts (put_status_texts), the
// bytes the raw baselines insert.
void bm_put(benchmark::State& state, const backend* b, std::size_t n, bool as_text) {
  stopwatch watch;
  const auto& pool = statuses();
  const auto& pool_texts = texts();
  for (auto _ : state) {
    auto& fx = unfilled_store(*b, n);
    double elapsed = 0;
    std::size_t inserted = 0;
    for (std::size_t i = 0; i < n; i += put_batch) {
      const std::size_t end = std::min(n, i + put_batch);
      if (as_text) {
        put_texts_request request{
            .timeline = measured_timeline,
            .mode = put_mode::insert,
            .texts = std::vector<std::string>(pool_texts.begin() + i, pool_texts.begin() + end)};
        elapsed += watch.time([&] { inserted += calls::put_texts(*fx.store, std::move(request)); });
        continue;
      }
      put_request request{.timeline = measured_timeline,
                          .mode = put_mode::insert,
                          .statuses = std::vector<status>(pool.begin() + i, pool.begin() + end)};
      elapsed += watch.time([&] { inserted += calls::put(*fx.store, std::move(request)); });
    }
    state.SetIterationTime(elapsed);
    if (!check(state, inserted == n, "put inserted " + std::to_string(inserted))) {
      release_store();
      break;
    }
  }
  report_rates(state, watch, static_cast<double>((n + put_batch - 1) / put_batch),
               static_cast<double>(n));
}

// put-one: 100 new (newest) statuses one per call into the timeline of N; then removed.
// The 100 one-status requests are built first and the 100 calls timed as one region.
void bm_put_one(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  const auto& pool = statuses();
  std::vector<std::string> added;
  for (std::size_t i = n; i < n + put_one_count; ++i) added.push_back(workload::id_of(i));
  for (auto _ : state) {
    std::vector<put_request> requests;
    for (std::size_t i = n; i < n + put_one_count; ++i)
      requests.push_back(
          {.timeline = measured_timeline, .mode = put_mode::insert, .statuses = {pool[i]}});
    std::size_t inserted = 0;
    state.SetIterationTime(watch.time([&] {
      for (auto& request : requests) inserted += calls::put(*fx.store, std::move(request));
    }));
    calls::erase(*fx.store,
                 {.timeline = measured_timeline, .selection = delete_selection::ids(added)});
    if (!check(state, inserted == put_one_count, "put-one inserted " + std::to_string(inserted)))
      break;
  }
  report_rates(state, watch, put_one_count, put_one_count);
}

// get-*: one page of 20, parsed (get_statuses) or as stored text (get_status_texts).
void bm_get(benchmark::State& state, const backend* b, std::size_t n, ack_state which,
            bool from_middle, bool as_text) {
  auto& fx = filled_store(*b, n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  get_request request{
      .timeline = measured_timeline, .state = which, .count = status_count::of(page_size)};
  if (from_middle) request.max_id = workload::id_of(middle(n));
  const std::size_t expected = std::min(page_size, from_middle ? middle(n) + 1 : n);
  for (auto _ : state) {
    auto copy = request;
    std::size_t got = 0;
    if (as_text) {
      std::vector<std::string> page;
      state.SetIterationTime(
          watch.time([&] { page = calls::get_texts(*fx.store, std::move(copy)); }));
      got = page.size();
    } else {
      std::vector<status> page;
      state.SetIterationTime(watch.time([&] { page = calls::get(*fx.store, std::move(copy)); }));
      got = page.size();
    }
    if (!check(state, got == expected, "get returned " + std::to_string(got))) break;
  }
  report_rates(state, watch, 1);
}

void bm_counts(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  for (auto _ : state) {
    std::string timeline = measured_timeline;
    unacked_counts counts;
    state.SetIterationTime(
        watch.time([&] { counts = calls::counts(*fx.store, std::move(timeline)); }));
    if (!check(state, counts.total == n, "counts total " + std::to_string(counts.total))) break;
  }
  report_rates(state, watch, 1);
}

// counts-in-flight: 1,000 counts per iteration with 16 outstanding at a time, all from
// this thread, as a server asks on behalf of many clients at once. For a backend whose
// calls wait on round trips to a server (those with a loop driver), this is its
// throughput; the serial `counts` above is one round trip's latency.
void bm_counts_in_flight(benchmark::State& state, const backend* b, std::size_t n) {
  constexpr std::size_t in_flight = 16, per_iteration = 1000;
  auto& fx = filled_store(*b, n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  for (auto _ : state) {
    std::size_t started = 0, finished = 0, wrong = 0;
    std::function<void()> start_one = [&] {
      ++started;
      fx.store->get_unacked_counts(measured_timeline,
                                   [&](const storage_error& error, unacked_counts counts) {
                                     ++finished;
                                     if (error || counts.total != n) ++wrong;
                                     if (started < per_iteration) start_one();
                                   });
    };
    state.SetIterationTime(watch.time([&] {
      for (std::size_t i = 0; i < in_flight; ++i) start_one();
      b->drive([&] { return finished == per_iteration; });
    }));
    if (!check(state, wrong == 0, std::to_string(wrong) + " counts failed or were wrong")) break;
  }
  report_rates(state, watch, per_iteration);
}

// contains: 100 ids, alternately present (spread over the timeline) and absent.
void bm_contains(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch(stopwatch::cpu_scope::whole_loop);
  contains_request request{.timeline = measured_timeline};
  const auto present = spread_ids(n, contains_count / 2);
  for (std::size_t k = 0; k < contains_count / 2; ++k) {
    request.query.emplace_back(present[k]);
    request.query.emplace_back(workload::id_of(90'000'000 + k));
  }
  for (auto _ : state) {
    auto copy = request;
    contains_result result;
    state.SetIterationTime(
        watch.time([&] { result = calls::contains(*fx.store, std::move(copy)); }));
    if (!check(state, result.contained.size() == contains_count / 2,
               "contains found " + std::to_string(result.contained.size())))
      break;
  }
  report_rates(state, watch, 1, contains_count);
}

// ack-ids: 20 ids spread over the timeline; restored by upserting the originals.
void bm_ack_ids(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  const auto ids = spread_ids(n, ack_id_count);
  std::vector<status> originals;
  for (const std::size_t i : spread_indices(n, ack_id_count)) originals.push_back(statuses()[i]);
  for (auto _ : state) {
    ack_request request{.timeline = measured_timeline, .ids = ids};
    std::size_t acked = 0;
    state.SetIterationTime(watch.time([&] { acked = calls::ack(*fx.store, std::move(request)); }));
    calls::put(*fx.store,
               {.timeline = measured_timeline, .mode = put_mode::upsert, .statuses = originals});
    if (!check(state, acked == ack_id_count, "ack-ids acked " + std::to_string(acked))) break;
  }
  report_rates(state, watch, 1, ack_id_count);
}

// ack-max: one ack with max_id at the middle (acks the older half); restored by upsert.
void bm_ack_max(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  const std::size_t expected = middle(n) + 1;
  for (auto _ : state) {
    ack_request request{.timeline = measured_timeline, .max_id = workload::id_of(middle(n))};
    std::size_t acked = 0;
    state.SetIterationTime(watch.time([&] { acked = calls::ack(*fx.store, std::move(request)); }));
    put_range(*fx.store, measured_timeline, 0, expected, put_mode::upsert, restore_batch);
    if (!check(state, acked == expected, "ack-max acked " + std::to_string(acked))) break;
  }
  report_rates(state, watch, 1, static_cast<double>(expected));
}

// ack-all: one ack without ids or max_id; restored by upsert.
void bm_ack_all(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  for (auto _ : state) {
    ack_request request{.timeline = measured_timeline};
    std::size_t acked = 0;
    state.SetIterationTime(watch.time([&] { acked = calls::ack(*fx.store, std::move(request)); }));
    put_range(*fx.store, measured_timeline, 0, n, put_mode::upsert, restore_batch);
    if (!check(state, acked == n, "ack-all acked " + std::to_string(acked))) break;
  }
  report_rates(state, watch, 1, static_cast<double>(n));
}

// delete-all: one delete of everything; restored by inserting again.
void bm_delete_all(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  for (auto _ : state) {
    delete_request request{.timeline = measured_timeline, .selection = delete_selection::all()};
    std::size_t deleted = 0;
    state.SetIterationTime(
        watch.time([&] { deleted = calls::erase(*fx.store, std::move(request)); }));
    put_range(*fx.store, measured_timeline, 0, n, put_mode::insert, restore_batch);
    if (!check(state, deleted == n, "delete-all deleted " + std::to_string(deleted))) break;
  }
  report_rates(state, watch, 1, static_cast<double>(n));
}

// reopen: close the store (untimed), then open it again and answer the first get.
void bm_reopen(benchmark::State& state, const backend* b, std::size_t n) {
  auto& fx = filled_store(*b, n);
  stopwatch watch;
  for (auto _ : state) {
    fx.store.reset();
    std::vector<status> page;
    state.SetIterationTime(watch.time([&] {
      fx.store = open_store(*b, benchmark_limits(), fx.dir->path());
      page = calls::get(*fx.store,
                        {.timeline = measured_timeline, .count = status_count::of(page_size)});
    }));
    if (!check(state, page.size() == page_size, "reopen got " + std::to_string(page.size()))) break;
  }
  report_rates(state, watch, 1);
}

template <typename F, typename... Args>
void add(const std::string& name, F f, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), f, args...)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_storage_benchmarks(const backend& b, std::size_t n) {
  const backend* p = &b;
  std::string suffix = "/";
  suffix += std::to_string(n);  // not "/" + ...: GCC 12 warns falsely (-Wstringop-overflow)
  auto name = [&](const char* op) { return b.name + "/" + op + suffix; };
  // put first (it makes the filled store), then reads, then writes that restore what
  // they change.
  add(name("put"), bm_put, p, n, false);
  add(name("put-text"), bm_put, p, n, true);
  add(name("get-newest"), bm_get, p, n, ack_state::any, false, false);
  add(name("get-newest-text"), bm_get, p, n, ack_state::any, false, true);
  add(name("get-middle"), bm_get, p, n, ack_state::any, true, false);
  add(name("get-middle-text"), bm_get, p, n, ack_state::any, true, true);
  add(name("get-unacked-middle"), bm_get, p, n, ack_state::unacked, true, false);
  add(name("counts"), bm_counts, p, n);
  if (b.drive) add(name("counts-in-flight"), bm_counts_in_flight, p, n);
  add(name("contains"), bm_contains, p, n);
  add(name("put-one"), bm_put_one, p, n);
  add(name("ack-ids"), bm_ack_ids, p, n);
  add(name("ack-max"), bm_ack_max, p, n);
  add(name("ack-all"), bm_ack_all, p, n);
  add(name("delete-all"), bm_delete_all, p, n);
  if (b.persistent) add(name("reopen"), bm_reopen, p, n);
}

}  // namespace roost::bench
