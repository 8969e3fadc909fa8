// Many threads on one environment at once (through two storage objects), while the map
// grows under them: writes stay atomic, readers see whole batches only.
#include <atomic>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "lmdb_support.hpp"
#include "storage/blocking.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// Failures seen on worker threads (Catch2's assertions are for the main thread only).
class failures {
public:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    list_.push_back(std::move(what));
  }
  std::vector<std::string> list() {
    std::lock_guard lock(mutex_);
    return list_;
  }

private:
  std::mutex mutex_;
  std::vector<std::string> list_;
};

// Runs `f`, recording an exception as a failure.
template <typename F>
void guarded(failures& fails, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    fails.add(std::string("exception: ") + e.what());
  }
}

}  // namespace

TEST_CASE("concurrent reads and writes from several threads while the map grows",
          "[lmdb][threads]") {
  temp_dir dir;
  auto options = small_options(dir.path());
  options.initial_map_size = 128 << 10;  // grows to several MiB during the run
  lmdb_storage a(options);
  lmdb_storage b(options);
  const std::size_t start_map = a.map_size();

  constexpr int writer_count = 3;
  constexpr int batches = 20;
  constexpr int batch_size = 10;
  std::atomic<int> writers_done{0};
  std::atomic<long> reads{0};
  failures fails;
  std::vector<std::thread> threads;

  for (int w = 0; w < writer_count; ++w) {
    threads.emplace_back([&, w] {
      guarded(fails, [&] {
        for (int n = 0; n < batches; ++n) {
          status_storage& s = (w + n) % 2 ? static_cast<status_storage&>(a) : b;
          const auto prefix = "w" + std::to_string(w) + "-" + std::to_string(n) + "-";
          if (blocking::put_statuses(s, {"t", put_mode::insert,
                                         make_statuses(prefix, 0, batch_size, 1500)}) != batch_size)
            fails.add("a batch was not inserted whole");
        }
      });
      ++writers_done;
    });
  }
  // One thread puts and acks in its own timeline: each ack takes exactly its puts.
  threads.emplace_back([&] {
    guarded(fails, [&] {
      for (int n = 0; n < 30; ++n) {
        blocking::put_statuses(
            a, {"acks", put_mode::insert, make_statuses("k" + std::to_string(n) + "-", 0, 3)});
        if (blocking::ack_statuses(b, {.timeline = "acks"}) != 3)
          fails.add("ack took other than 3");
      }
    });
  });
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      guarded(fails, [&] {
        std::size_t last = 0;
        status_storage& s = r ? static_cast<status_storage&>(a) : b;
        // Keep reading until every writer is done, and once more after.
        for (bool final_pass = false;;) {
          const bool writers_finished = writers_done.load() == writer_count;
          const auto total = blocking::get_unacked_counts(s, "t").total;
          if (total % batch_size != 0)
            fails.add("counts saw half a batch: " + std::to_string(total));
          if (total < last) fails.add("counts went backwards");
          last = total;
          const auto page =
              blocking::get_statuses(s, {.timeline = "t", .count = status_count::all()});
          if (page.size() % batch_size != 0) fails.add("a get saw half a batch");
          if (page.size() < total) fails.add("a later get saw fewer statuses");
          ++reads;
          if (final_pass) break;
          final_pass = writers_finished;
        }
      });
    });
  }
  for (auto& t : threads) t.join();

  REQUIRE(fails.list().empty());
  REQUIRE(reads.load() >= 4);
  REQUIRE(blocking::get_unacked_counts(a, "t").total == writer_count * batches * batch_size);
  REQUIRE(all_statuses(b, "t").size() == writer_count * batches * batch_size);
  REQUIRE(blocking::get_unacked_counts(a, "acks").total == 0);
  REQUIRE(a.map_size() > 4 * start_map);
  require_counts_match_recount(a, "t");
}
