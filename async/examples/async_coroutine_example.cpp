// A coroutine program: one coroutine waits for the unacked counts of a timeline to
// change while another adds statuses through the timeline's filters; then it reads and
// acks them. The memory backend is wrapped in an offloading_storage, exactly as a
// blocking backend (SQLite, LMDB) would be, so the io_context thread never waits on it.
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <storage/asio.hpp>
#include <storage/memory_storage.hpp>
#include <storage/offloading_storage.hpp>
#include <storage/timeline.hpp>

namespace net = boost::asio;
using net::use_awaitable;

int main() {
  // The io_context first: it must outlive the storage whose workers complete into it.
  net::io_context io;
  roost::memory_storage backend;
  roost::offloading_storage storage(backend, {.threads = 2, .queue_capacity = 256});

  // A timeline with two filters: drop statuses marked as noise, raise alerts to level 2.
  roost::timeline home("home", storage);
  home.add_filter(
      roost::filters::grep([](const roost::status& s) { return s.value("text", "") != "noise"; }));
  home.add_filter(
      roost::filters::set_level([](const roost::status& s) -> std::optional<std::int64_t> {
        if (s.value("text", "").starts_with("ALERT")) return 2;
        return std::nullopt;
      }));

  roost::asio::async_storage store(io, storage);
  roost::asio::async_timeline timeline(io, home);

  // The reader: wait for anything unacked, show it, ack it.
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        try {
          // (Arguments are built before each co_await: GCC 12 mis-compiles string
          // literals and braced lists inside a co_await expression.)
          roost::assumed_counts nothing{.total = 0};
          auto counts = co_await timeline.async_watch_unacked_counts(nothing, use_awaitable);
          std::cout << "woken: " << counts.total << " unacked " << counts.to_json() << '\n';
          roost::get_request unacked{.timeline = "home", .state = roost::ack_state::unacked};
          auto page = co_await store.async_get_statuses(std::move(unacked), use_awaitable);
          for (const auto& s : page)
            std::cout << "  [level " << roost::status_level(s) << "] " << s["text"] << '\n';
          roost::ack_request everything{.timeline = "home"};
          auto acked = co_await store.async_ack_statuses(std::move(everything), use_awaitable);
          std::cout << "acked " << acked << '\n';
        } catch (const boost::system::system_error& e) {
          std::cerr << "storage failure: " << e.what() << '\n';
        }
      },
      net::detached);

  // The writer: three statuses arrive; the filters drop one.
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        roost::storage_error detail;
        std::vector<roost::status> arriving{
            {{"text", "hello"}}, {{"text", "noise"}}, {{"text", "ALERT: disk 91% full"}}};
        try {
          auto added =
              co_await timeline.async_add_statuses(std::move(arriving), detail, use_awaitable);
          std::cout << "added " << added << '\n';
        } catch (const boost::system::system_error&) {
          std::cerr << "add failed: " << detail.message() << '\n';
        }
      },
      net::detached);

  io.run();
  std::cout << "done\n";
}
