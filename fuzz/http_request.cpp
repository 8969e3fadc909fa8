// The whole request path in process: raw bytes -> Beast's request_parser (the server's
// limits) -> http_request -> roost::web::api over the memory backend, with the services
// the server runs (server_services.hpp: Timeline adds, count watchers, the change feed,
// the response cache, pages) -> response.
// Up to eight pipelined requests per input, against a store seeded with a few statuses,
// so that a POST or an ack is followed by reads that see it.
//
// Properties, for any bytes:
//  - api::handle lets no exception out, and answers each request exactly once (a held
//    long poll or stream once its cancel function runs: never after);
//  - every status code is one HTTP knows; no 5xx (the memory backend never fails, so a
//    5xx is a bug of the server); a 4xx left the store as it was (timelines, revisions,
//    unacked counts, every stored text);
//  - a JSON answer is valid JSON, with "error" a string in a 4xx and null in a 2xx; a
//    text answer in UTF-8 is valid UTF-8; header fields hold no CR, LF or NUL;
//  - the response, serialized by Beast as the session does, parses back to the same
//    status and body; an event stream's events are "id:"/"data:" lines with JSON data.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "api.hpp"
#include "change_feed.hpp"
#include "count_watch.hpp"
#include "fuzz_check.hpp"
#include "response_cache.hpp"
#include "server.hpp"
#include "server_services.hpp"
#include "storage/blocking.hpp"
#include "storage/memory_storage.hpp"
#include "storage/timeline.hpp"
#include "storage/utf8.hpp"

namespace {

using json = nlohmann::json;
using roost::fuzz::check;
namespace web = roost::web;
namespace http = boost::beast::http;
namespace net = boost::asio;

constexpr int max_requests = 8;

web::server_config fuzz_config() {
  web::server_config c;
  c.timelines = {
      {.name = "home"}, {.name = "a/b \xf0\x9f\x90\xa6"}, {.name = "secret", .hidden = true}};
  c.long_poll_timeout = std::chrono::seconds(1);
  c.sse_heartbeat = std::chrono::seconds(1);
  c.max_body_bytes = 4096;  // small enough for inputs to reach the limit
  c.soft_max = 50;
  web::finish_config(c);
  return c;
}

// What run_server builds around the api, without sockets; one per input, so that a
// crash reproduces from its input alone.
struct server {
  web::server_config config = fuzz_config();
  roost::memory_storage storage{{.limits = web::limits_of(config)}};
  net::io_context ioc;
  web::count_watch watch{storage, ioc.get_executor(), config.long_poll_timeout};
  web::change_feed feed{storage,
                        ioc.get_executor(),
                        {.heartbeat = std::chrono::milliseconds(1000), .min_read_interval = {}}};
  // A clock that stands still: answers expire only by changes, never by the run's speed.
  web::response_cache responses{storage, {.ttl = std::chrono::milliseconds(200), .now = [] {
                                            return std::chrono::steady_clock::time_point();
                                          }}};
  std::map<std::string, roost::timeline, std::less<>> timelines;
  // What the server runs, over the same parts (no access control: the harness's store has
  // no credentials, as a loopback server without any).
  web::server_services services{{.config = config,
                                 .storage = storage,
                                 .timelines = timelines,
                                 .watch = watch,
                                 .feed = feed,
                                 .responses = &responses}};
  std::unique_ptr<web::api> handler;

  server() {
    for (const auto& t : config.timelines)
      timelines.emplace(t.name, roost::timeline(t.name, storage));
    handler = std::make_unique<web::api>(config, services);
    roost::blocking::put_statuses(storage, {.timeline = "home",
                                            .mode = roost::put_mode::insert,
                                            .statuses = json::parse(R"([
          {"id": "1", "created_at": "Thu May 16 12:56:21 +0000 2013", "text": "one"},
          {"id": "2", "created_at": "2013-05-16T12:56:22Z", "busybird": {"level": 2}},
          {"id": 3, "created_at": "Thu, 16 May 2013 12:56:23 +0000", "busybird": {"level": -1,
           "acked_at": "Thu May 16 13:00:00 +0000 2013"}},
          {"id": "4", "text": "<b>&amp;</b> \u00e9", "entities": {"urls": [{"url": "http://x.y/",
           "indices": [0, 4]}]}}])")
                                                            .get<std::vector<roost::status>>()});
    roost::blocking::put_statuses(storage,
                                  {.timeline = "a/b \xf0\x9f\x90\xa6",
                                   .mode = roost::put_mode::insert,
                                   .statuses = {json{{"id", "x"}, {"busybird", {{"level", 1}}}}}});
  }
};

// Everything a client could observe of the store.
std::string fingerprint(roost::status_storage& s) {
  namespace blocking = roost::blocking;
  std::string out;
  for (const auto& name : blocking::timeline_names(s)) {
    out += name + "\n" + std::to_string(blocking::get_revision(s, name)) + "\n" +
           blocking::get_unacked_counts(s, name).to_json().dump() + "\n";
    for (const auto& text :
         blocking::get_status_texts(s, {.timeline = name, .count = roost::status_count::all()}))
      out += text + "\n";
  }
  return out;
}

bool field_safe(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The bytes of an event stream: events of "id: N", "data: JSON" and ":" comment lines.
void check_events(const std::string& bytes, const std::string& shown) {
  std::string_view rest(bytes);
  while (!rest.empty()) {
    const auto end = rest.find("\n\n");
    check(end != std::string_view::npos, "an event stream sends whole events", shown);
    auto event = rest.substr(0, end + 1);
    rest.remove_prefix(end + 2);
    while (!event.empty()) {
      const auto line = event.substr(0, event.find('\n'));
      event.remove_prefix(line.size() + 1);
      if (line.rfind(':', 0) == 0) continue;
      if (line.rfind("id: ", 0) == 0) {
        check(line.size() > 4 && line.find_first_not_of("0123456789", 4) == std::string_view::npos,
              "an event id is a revision", shown);
      } else {
        check(line.rfind("data: ", 0) == 0 && json::accept(line.substr(6)),
              "an event's data is one line of JSON", std::string(line) + " for " + shown);
      }
    }
  }
}

class recording_sink : public web::event_sink {
public:
  explicit recording_sink(net::io_context& ioc) : ioc_(ioc) {}
  bool send(std::shared_ptr<const std::string> bytes) override {
    if (closed_) return false;
    bytes_ += *bytes;
    return true;
  }
  void when_drained(std::function<void()> then) override {
    if (!closed_) net::post(ioc_, std::move(then));
  }
  void close() override { closed_ = true; }
  const std::string& bytes() const { return bytes_; }

private:
  net::io_context& ioc_;
  std::string bytes_;
  bool closed_ = false;
};

// The response as the session writes it, read back by a client's parser.
void check_wire_form(const web::http_response& r, const std::string& shown) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
  res.set(http::field::server, "roost");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(true);
  res.body() = r.body;
  res.prepare_payload();
  std::ostringstream os;
  os << res;
  const auto wire = os.str();
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(net::buffer(wire), ec);
  check(!ec && parser.is_done(), "the serialized response parses as one HTTP response",
        ec.message() + " for " + shown);
  check(
      parser.get().result_int() == static_cast<unsigned>(r.status) && parser.get().body() == r.body,
      "the serialized response keeps its status and body", shown);
}

void check_response(const web::http_response& r, bool changed, const std::string& shown) {
  const auto detail = std::to_string(r.status) + " " + r.body.substr(0, 500) + " for " + shown;
  check(r.status >= 100 && r.status <= 599 &&
            http::int_to_status(static_cast<unsigned>(r.status)) != http::status::unknown,
        "every answer has a status code HTTP knows", detail);
  check(r.status < 500, "no 5xx from a store that never fails", detail);
  check(!(r.status >= 400 && r.status < 500 && changed), "a 4xx leaves the store as it was",
        detail);
  check(!r.content_type.empty() && field_safe(r.content_type), "a safe Content-Type", detail);
  for (const auto& [name, value] : r.headers)
    check(!name.empty() && field_safe(name) && name.find_first_of(" :") == std::string::npos &&
              field_safe(value),
          "header fields hold no CR, LF or NUL", detail);
  if (r.content_type.find("charset=utf-8") != std::string::npos)
    check(roost::is_valid_utf8(r.body), "a UTF-8 body is valid UTF-8", detail);
  if (r.content_type.rfind("application/json", 0) == 0) {
    json body;
    try {
      body = json::parse(r.body);
    } catch (const std::exception& e) {
      check(false, "a JSON answer is valid JSON", std::string(e.what()) + ": " + detail);
    }
    if (body.is_object() && r.status >= 400)
      check(body.contains("error") && body["error"].is_string(), "a 4xx says why in \"error\"",
            detail);
    if (body.is_object() && r.status < 300 && body.contains("error"))
      check(body["error"].is_null(), "a 2xx has \"error\": null", detail);
  }
  check_wire_form(r, shown);
}

// What a client sees for one request: its answer, or a held request that it then leaves.
struct exchange {
  std::optional<web::http_response> answer;
  int answers = 0;
  bool cancelled = false;
};

void serve_one(server& s, web::http_request request, const std::string& shown) {
  const auto before = fingerprint(s.storage);
  auto seen = std::make_shared<exchange>();
  web::cancel_fn cancel;
  try {
    cancel = s.handler->handle(request, [seen, shown](web::http_response r) {
      check(!seen->cancelled, "no answer after the request's cancel function ran", shown);
      ++seen->answers;
      seen->answer = std::move(r);
    });
  } catch (const std::exception& e) {
    check(false, "no exception escapes api::handle", std::string(e.what()) + " for " + shown);
  }
  s.ioc.poll();
  s.ioc.restart();
  if (!seen->answer && !cancel) {
    // Nothing to cancel: an answer must come by itself, at the latest after the bound.
    s.ioc.run_for(s.config.long_poll_timeout + std::chrono::milliseconds(500));
    s.ioc.restart();
    check(seen->answer.has_value(), "a request without a cancel function is answered", shown);
  }
  if (!seen->answer) {  // a held long poll: the client leaves
    seen->cancelled = true;
    cancel();
    s.ioc.poll();
    s.ioc.restart();
    return;
  }
  check(seen->answers == 1, "each request is answered once", shown);
  const auto& r = *seen->answer;
  check_response(r, fingerprint(s.storage) != before, shown);
  if (r.start_stream) {
    check(r.status == 200 && r.content_type == "text/event-stream",
          "a stream is a 200 event stream", shown);
    auto sink = std::make_shared<recording_sink>(s.ioc);
    r.start_stream(sink);
    s.ioc.poll();
    s.ioc.restart();
    check_events(sink->bytes(), shown);
    seen->cancelled = true;
    if (cancel) cancel();
    s.ioc.poll();
    s.ioc.restart();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  return roost::fuzz::run_input([&] {
    server s;
    for (int n = 0; n < max_requests && !rest.empty(); ++n) {
      http::request_parser<http::string_body> parser;  // Beast's header limit, as the session
      parser.body_limit(s.config.max_body_bytes);
      boost::beast::error_code ec;
      std::size_t used = 0;
      for (int step = 0; step < 64 && !parser.is_done() && !ec; ++step) {
        used += parser.put(net::buffer(rest.data() + used, rest.size() - used), ec);
        if (ec == http::error::need_more && used < rest.size()) ec = {};
      }
      // A request Beast refuses (the session answers 400, 413 or 431 and closes), or one
      // the input ends in the middle of (the client left): no more requests.
      if (ec || !parser.is_done()) return;
      const std::string shown(rest.substr(0, used));
      rest.remove_prefix(used);
      auto message = parser.release();
      web::http_request request{std::string(message.method_string()),
                                std::string(message.target()),
                                std::move(message.body()),
                                {},
                                message.version()};
      for (const auto& field : message)
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      serve_one(s, std::move(request), shown);
    }
  });
}
