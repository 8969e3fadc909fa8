#include "notice_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <iostream>

#include "change_notice.hpp"
#include "timeline_reads.hpp"

namespace roost::pg {

namespace asio = boost::asio;

notice_listener::notice_listener(strand executor, session_settings settings, std::string channel,
                                 std::string origin, std::function<void(const std::string&)> heard)
    : strand_(std::move(executor)),
      settings_(std::move(settings)),
      channel_(std::move(channel)),
      origin_(std::move(origin)),
      heard_(std::move(heard)),
      retry_(strand_) {}

void notice_listener::start() {
  asio::co_spawn(
      strand_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void notice_listener::stop() {
  stopped_ = true;
  retry_.cancel();
  if (current_) current_->cancel();
}

asio::awaitable<void> notice_listener::run() {
  auto delay = std::chrono::milliseconds(50);
  while (!stopped_) {
    try {
      co_await listen_once();
    } catch (const std::exception& e) {
      if (stopped_) break;
      std::cerr << "roost: postgresql change listener on " << channel_ << ": " << e.what()
                << "; listening again in " << delay.count() << " ms\n";
    }
    if (stopped_) break;
    retry_.expires_after(delay);
    boost::system::error_code ignored;
    co_await retry_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

asio::awaitable<void> notice_listener::listen_once() {
  connection c(strand_);
  current_ = &c;
  struct forget {
    connection*& current;
    ~forget() { current = nullptr; }
  } forget_on_exit{current_};
  co_await c.open(settings_);
  if (stopped_) co_return;
  // The name shows in pg_stat_activity, for a DBA (and the tests) to find.
  co_await c.command("SET application_name = 'roost change listener'");
  co_await c.command("LISTEN " + quote_identifier(channel_));
  // Whatever changed before LISTEN took effect: every timeline may have. (Named, not a
  // temporary of the co_await expression: see exec_all in pg_connection.hpp.)
  const auto all = co_await timeline_names(c);
  for (const auto& name : all) {
    if (stopped_) co_return;
    heard_(name);
  }
  for (;;) {
    const auto arrived = co_await c.notifications();
    for (const auto& n : arrived) {
      if (stopped_) co_return;
      const auto notice = decode_notice(n.payload);
      if (!notice || notice->origin == origin_) continue;
      if (notice->timeline) {
        heard_(*notice->timeline);
        continue;
      }
      const auto names = co_await timeline_names(c);
      for (const auto& name : names) heard_(name);
    }
  }
}

}  // namespace roost::pg
