// A callback program: every completion handler is bound to one strand, so the program's
// state needs no lock although the io_context runs on three threads and the storage
// completes on its own workers.
#include <cassert>
#include <iostream>
#include <thread>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <storage/asio.hpp>
#include <storage/memory_storage.hpp>
#include <storage/offloading_storage.hpp>

namespace net = boost::asio;

int main() {
  // The io_context first: it must outlive the storage whose workers complete into it.
  net::io_context io;
  roost::memory_storage backend;
  roost::offloading_storage storage(backend, {.threads = 2});
  auto strand = net::make_strand(io);
  roost::asio::async_storage store(io, storage);

  // State touched only by handlers on the strand.
  int pending = 0;
  bool off_strand = false;
  auto on_strand = [&](auto handler) {
    ++pending;
    return net::bind_executor(strand, [&, handler](boost::system::error_code ec, auto result) {
      if (!strand.running_in_this_thread()) off_strand = true;
      handler(ec, std::move(result));
      --pending;
    });
  };

  net::post(strand, [&] {
    for (int i = 1; i <= 5; ++i) {
      roost::status s = {{"id", std::to_string(i)},
                         {"text", "status " + std::to_string(i)},
                         {"busybird", {{"level", i % 2}}}};
      store.async_put_statuses(
          {.timeline = "home", .mode = roost::put_mode::insert, .statuses = {s}},
          on_strand([&, i](boost::system::error_code ec, std::size_t added) {
            if (ec) {
              std::cerr << "put failed: " << ec.message() << '\n';
              return;
            }
            std::cout << "put " << i << ": " << added << '\n';
            if (i != 5) return;
            // The last put completed: the writes were serialized, so all are in.
            store.async_get_unacked_counts(
                "home", on_strand([&](boost::system::error_code ec2, roost::unacked_counts c) {
                  if (!ec2) std::cout << "counts " << c.to_json() << '\n';
                }));
          }));
    }
    // A caller's mistake is rejected at once, from the initiating call.
    try {
      store.async_put_statuses(
          {.timeline = "home", .mode = roost::put_mode::insert, .statuses = {{{"text", "no id"}}}},
          on_strand([](boost::system::error_code, std::size_t) {}));
    } catch (const roost::invalid_request& e) {
      --pending;  // its handler will never run
      std::cout << "rejected: " << e.what() << '\n';
    }
  });

  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();

  assert(pending == 0);
  std::cout << (off_strand ? "a callback ran off the strand" : "all callbacks ran on the strand")
            << '\n';
  return off_strand || pending != 0 ? 1 : 0;
}
