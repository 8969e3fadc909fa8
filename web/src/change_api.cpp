// The change feed's endpoints (changes.json with its long poll, the Server-Sent Events
// stream) and the Atom feed: the api's handlers for issue 8.
#include <algorithm>

#include "api.hpp"
#include "api_support.hpp"
#include "atom_feed.hpp"
#include "change_format.hpp"
#include "query.hpp"

namespace roost::web {
namespace {

std::uint64_t revision_param(const query_params& query, const std::string& key) {
  const auto text = query.get(key);
  if (!text) return 0;
  const auto revision = parse_revision(*text);
  if (!revision)
    throw bad_request(key + " must be a revision (a non-negative integer), not " +
                      quote_lossy(*text));
  return *revision;
}

std::size_t limit_param(const query_params& query) {
  const auto text = query.get("limit");
  if (!text) return default_change_limit;
  const auto n = parse_integer(*text);
  if (!n || *n < 1 || static_cast<std::uint64_t>(*n) > max_change_limit)
    throw bad_request("limit must be an integer from 1 to " + std::to_string(max_change_limit) +
                      ", not " + quote_lossy(*text));
  return static_cast<std::size_t>(*n);
}

std::chrono::seconds wait_param(const query_params& query) {
  const auto text = query.get("wait");
  if (!text) return std::chrono::seconds(0);
  const auto n = parse_integer(*text);
  if (!n || *n < 0)
    throw bad_request("wait must be a non-negative number of seconds, not " + quote_lossy(*text));
  return std::chrono::seconds(std::min<std::int64_t>(*n, 1'000'000));
}

// A failed change read. A stale cursor is 410 Gone, with the timeline's current revision
// so that the client can resync: read the statuses afresh, then follow from last_rev.
void respond_changes_error(status_storage& storage, const std::string& timeline,
                           const storage_error& error, const respond_fn& respond) {
  if (error.code() != errc::stale_cursor) return respond(storage_failure(error));
  const std::string message =
      "the change log no longer holds the changes after this revision (or the revision is "
      "newer than the timeline's): read the timeline afresh and follow its changes from "
      "last_rev. " +
      error.message();
  storage.get_revision(timeline, [message, respond](const storage_error& e, std::uint64_t last) {
    auto r = json_error(410, message);
    if (!e)
      r.body = "{\"error\":" + quote_lossy(message) + ",\"last_rev\":" + std::to_string(last) + "}";
    respond(std::move(r));
  });
}

// Host header characters that may go into a link: a host name, an IPv4 or bracketed
// IPv6 address, and a port. Anything else is ignored (it is client input).
bool plausible_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

cancel_fn api::changes_json(const std::string& timeline, const http_request& request,
                            respond_fn& respond) {
  const query_params query(request.target);
  const auto since = revision_param(query, "since");
  const auto limit = limit_param(query);
  // Bounded like the count long polls: an idle poll is answered empty after the bound.
  const auto wait = std::min<std::chrono::seconds>(wait_param(query), config_.long_poll_timeout);
  auto holder = std::make_shared<deferred_cancel>();
  auto& storage = services_.storage();
  auto reread = [&storage, timeline, since, limit, respond] {
    storage.get_changes(
        {.timeline = timeline, .since = since, .limit = limit},
        [&storage, timeline, respond](const storage_error& error, change_page page) {
          if (error) return respond_changes_error(storage, timeline, error, respond);
          respond(json_ok(changes_body(page.changes, page.last_revision)));
        });
  };
  storage.get_changes({.timeline = timeline, .since = since, .limit = limit},
                      [services = &services_, &storage, timeline, wait, holder, reread, respond](
                          const storage_error& error, change_page page) {
                        if (error) return respond_changes_error(storage, timeline, error, respond);
                        if (!page.changes.empty() || wait.count() == 0 || holder->cancelled())
                          return respond(json_ok(changes_body(page.changes, page.last_revision)));
                        const auto last = page.last_revision;
                        holder->set(services->wait_changes(
                            timeline, last, wait, [reread, last, respond](bool changed) {
                              if (changed) return reread();
                              respond(json_ok(changes_body({}, last)));
                            }));
                      });
  return deferred_cancel::of(holder);
}

cancel_fn api::change_stream(const std::string& timeline, const http_request& request,
                             respond_fn& respond) {
  if (!accepts_event_stream(request.header("Accept").value_or(""))) {
    respond(json_error(406,
                       "this is a Server-Sent Events stream: send \"Accept: "
                       "text/event-stream\" (or read changes.json)"));
    return {};
  }
  // A reconnecting EventSource sends the id of the last event it got; it wins over the
  // ?since= of the URL it reconnects to.
  std::uint64_t since = 0;
  const auto last_event_id = request.header("Last-Event-ID");
  if (last_event_id && !last_event_id->empty()) {
    const auto parsed = parse_revision(*last_event_id);
    if (!parsed)
      throw bad_request("Last-Event-ID must be a revision (a non-negative integer), not " +
                        quote_lossy(std::string(*last_event_id)));
    since = *parsed;
  } else {
    since = revision_param(query_params(request.target), "since");
  }
  if (request.method == "HEAD") {
    http_response r;
    r.content_type = "text/event-stream";
    respond(std::move(r));
    return {};
  }
  auto& storage = services_.storage();
  return services_.open_change_stream(
      timeline, since,
      [&storage, timeline, respond](const storage_error& error,
                                    std::function<void(std::shared_ptr<event_sink>)> start) {
        if (error) return respond_changes_error(storage, timeline, error, respond);
        http_response r;
        r.content_type = "text/event-stream";
        r.headers.emplace_back("Cache-Control", "no-cache");
        r.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: pass events on at once
        r.start_stream = std::move(start);
        respond(std::move(r));
      });
}

void api::atom_feed(const std::string& timeline, const http_request& request, respond_fn& respond) {
  const query_params query(request.target);
  get_request req{.timeline = timeline,
                  .state = parse_ack_state(query.get("ack_state")),
                  .count = parse_count(query.get("count"), config_.page_size)};
  services_.storage().get_status_texts(
      std::move(req), [timeline, base = base_url(request), respond](
                          const storage_error& error, std::vector<std::string> texts) {
        if (error) return respond(storage_failure(error));
        http_response r;
        r.content_type = "application/atom+xml; charset=utf-8";
        try {
          r.body = render_atom(timeline, base, texts, now_in_seconds());
        } catch (const std::exception& e) {
          return respond(json_error(500, std::string("rendering the feed failed: ") + e.what()));
        }
        respond(std::move(r));
      });
}

std::string api::base_url(const http_request& request) const {
  if (const auto host = request.header("Host"); host && plausible_host(*host))
    return "http://" + std::string(*host);
  const bool v6 = config_.listen_address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + config_.listen_address + "]" : config_.listen_address) + ":" +
         std::to_string(config_.listen_port);
}

}  // namespace roost::web
