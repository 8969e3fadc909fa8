// notice_listener: a storage's ear for the changes other storages make to its schema. It
// keeps one connection of its own LISTENing on the schema's channel (change_notice.hpp)
// and calls `heard` with the timeline of every notice another origin sent. After it
// (re)connects it calls `heard` for every timeline of the store, since changes made
// while it was not listening sent notices nobody received. A lost connection is opened
// again after 50 ms, then after twice as long each time up to 5 s. Lives on one strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <string>

#include "pg_connection.hpp"

namespace roost::pg {

class notice_listener : public std::enable_shared_from_this<notice_listener> {
public:
  using strand = boost::asio::strand<boost::asio::any_io_executor>;

  notice_listener(strand executor, session_settings settings, std::string channel,
                  std::string origin, std::function<void(const std::string&)> heard);

  /// Starts listening (connecting in the background). Call once.
  void start();

  /// Closes the connection and stops; `heard` is not called after it. Call on the strand.
  void stop();

private:
  boost::asio::awaitable<void> run();
  // One connection's life: connect, LISTEN, reread, then notices until it fails.
  boost::asio::awaitable<void> listen_once();

  strand strand_;
  session_settings settings_;
  std::string channel_, origin_;
  std::function<void(const std::string&)> heard_;
  boost::asio::steady_timer retry_;
  connection* current_ = nullptr;  // the connection of listen_once, for stop()
  bool stopped_ = false;
};

}  // namespace roost::pg
