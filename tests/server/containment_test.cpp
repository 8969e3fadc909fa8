// Containment: the real server, in process, on loopback, with faults injected where a
// backend bug or a broken handler would put them. Whatever throws, the request it belonged
// to is answered (500) and the process goes on serving everyone else.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "server.hpp"
#include "storage/memory_storage.hpp"
#include "storage/storage_wrapper.hpp"

using namespace roost;

namespace {

// Reads of timeline "boom" fail the way a backend bug would: the read's completion is
// handed to an I/O thread, which throws instead of calling it. Reads of "throw-now" throw
// from the initiating call itself.
class faulty_storage : public storage_wrapper {
public:
  using storage_wrapper::storage_wrapper;
  std::atomic<web::server*> server{nullptr};

protected:
  void do_get_statuses(prepared_get request, texts_callback done) override {
    if (request.timeline == "throw-now") throw std::runtime_error("injected: initiating call");
    if (request.timeline == "boom") {
      // The lambda owns `done` and with it the only handle on the request's answer.
      server.load()->post([done = std::move(done)] {
        throw std::runtime_error("injected: completion on an I/O thread");
      });
      return;
    }
    storage_wrapper::do_get_statuses(std::move(request), std::move(done));
  }
};

struct answer {
  int status = 0;
  std::string body;
};

// One HTTP/1.1 request over a fresh loopback connection, read until the server closes.
answer http_get(std::uint16_t port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    reply.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  answer out;
  if (reply.rfind("HTTP/1.1 ", 0) == 0) out.status = std::stoi(reply.substr(9, 3));
  if (const auto body = reply.find("\r\n\r\n"); body != std::string::npos)
    out.body = reply.substr(body + 4);
  return out;
}

struct running_server {
  web::server_config config;
  memory_storage memory;
  faulty_storage storage{memory};
  std::unique_ptr<web::server> server;
  std::thread thread;

  running_server() {
    config.listen_address = "127.0.0.1";
    config.listen_port = 0;
    config.io_threads = 1;  // one thread: an exception that ended it would end all serving
    config.access_log = false;
    config.response_cache = std::chrono::milliseconds(0);
    config.timelines = {{.name = "home"}, {.name = "boom"}, {.name = "throw-now"}};
    server = std::make_unique<web::server>(config, storage);
    storage.server = server.get();
    thread = std::thread([this] { server->run(); });
  }
  ~running_server() {
    server->stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("a handler that throws on an I/O thread does not stop the server") {
  running_server s;
  std::promise<void> thrown;
  s.server->post([&thrown] {
    thrown.set_value();
    throw std::runtime_error("injected: a handler");
  });
  thrown.get_future().wait();
  const auto ok = http_get(s.server->port(), "/timelines/home/statuses.json");
  CHECK(ok.status == 200);
  CHECK(ok.body == R"({"error":null,"statuses":[]})");
}

TEST_CASE("a completion that throws on an I/O thread gets its request a 500, and serving goes on") {
  running_server s;
  for (int round = 0; round < 3; ++round) {
    const auto dropped = http_get(s.server->port(), "/timelines/boom/statuses.json");
    CHECK(dropped.status == 500);
    CHECK_THAT(dropped.body, Catch::Contains("internal error"));
    CHECK(http_get(s.server->port(), "/timelines/home/statuses.json").status == 200);
  }
}

TEST_CASE("a store call that throws at once is answered 500, and serving goes on") {
  running_server s;
  const auto failed = http_get(s.server->port(), "/timelines/throw-now/statuses.json");
  CHECK(failed.status == 500);
  CHECK_THAT(failed.body, Catch::Contains("injected: initiating call"));
  CHECK(http_get(s.server->port(), "/timelines/home/statuses.json").status == 200);
}
