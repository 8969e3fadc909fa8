#include "api.hpp"

#include "api_support.hpp"
#include "ascii_json.hpp"
#include "query.hpp"
#include "status_html.hpp"

namespace roost::web {

using json = nlohmann::json;

namespace {

// The counts a long poll states, keyed "total" or a level; other keys are ignored (clients
// add cache-busting parameters).
std::map<std::string, std::int64_t> stated_counts(const query_params& query) {
  std::map<std::string, std::int64_t> stated;
  std::optional<std::string> unreadable;
  for (const auto& [key, value] : query.all()) {
    if (key != "total" && !parse_integer(key)) continue;
    const auto n = parse_integer(value);
    if (!n)
      throw bad_request("count for \"" + key + "\" must be an integer, not " + quote_lossy(value));
    stated[key] = *n;
  }
  return stated;
}

std::int64_t count_at(const unacked_counts& counts, const std::string& key) {
  if (key == "total") return static_cast<std::int64_t>(counts.total);
  return static_cast<std::int64_t>(counts.at_level(*parse_integer(key)));
}

// Runs `f`; a bad_request or invalid_request becomes a 400 through `respond`.
template <typename F>
auto guarded(respond_fn& respond, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const bad_request& e) {
    respond(json_error(400, e.what()));
  } catch (const std::invalid_argument& e) {
    respond(json_error(400, e.what()));
  } catch (const std::exception& e) {
    respond(json_error(500, std::string("internal error: ") + e.what()));
  } catch (...) {
    respond(json_error(500, "internal error: an exception of unknown type"));
  }
  return decltype(f())();
}

// statuses.html answers its errors as HTML too, as BusyBird does (its error page), so that
// a page inserting the answer shows the message rather than a JSON text.
respond_fn html_errors(respond_fn inner) {
  return [inner = std::move(inner)](http_response r) {
    if (r.status != 200 && r.content_type.rfind("application/json", 0) == 0) {
      std::string message = "error";
      try {
        message = json::parse(r.body).at("error").get<std::string>();
      } catch (const json::exception&) {
        // Not one of our error bodies: the generic word stands.
      }
      r.content_type = "text/html; charset=utf-8";
      r.body = "<p class=\"error\">" + escape_html(message) + "</p>\n";
    }
    inner(std::move(r));
  };
}

// True when the client takes HTML (a browser's Accept names text/html; curl's */* does
// not count: programs get JSON).
bool accepts_html(const http_request& request) {
  const auto accept = request.header("Accept");
  return accept && accept->find("text/html") != std::string_view::npos;
}

// 301 to the request's path with a slash added, its query kept.
http_response to_timeline_page(const http_request& request) {
  const auto query_at = request.target.find('?');
  std::string location = request.target.substr(0, query_at) + "/";
  if (query_at != std::string::npos) location += request.target.substr(query_at);
  http_response r;
  r.status = 301;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<p>The timeline's page is <a href=\"" + escape_html(location) + "\">here</a>.</p>\n";
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

}  // namespace

// Shared with the other handler files (api_support.hpp).

http_response storage_failure(const storage_error& error) {
  return json_error(error.code() == errc::overloaded ? 503 : 500, "storage: " + error.message());
}

ack_state parse_ack_state(const std::optional<std::string>& text) {
  if (!text || *text == "any") return ack_state::any;
  if (*text == "acked") return ack_state::acked;
  if (*text == "unacked") return ack_state::unacked;
  throw bad_request("ack_state must be any, acked or unacked, not " + quote_lossy(*text));
}

status_count parse_count(const std::optional<std::string>& text, std::size_t page_size) {
  if (!text) return status_count::of(page_size);
  const auto n = parse_integer(*text);
  if (!n || *n <= 0)
    throw bad_request("count must be a positive integer, not " + quote_lossy(*text));
  return status_count::of(static_cast<std::size_t>(*n));
}

namespace {

// The scope and timeline each route needs of its caller (multi_counts checks each of its
// timelines itself; assets and unknown paths need nothing).
std::optional<http_response> refuse_route(const route_match& match, const caller& who) {
  const auto need = [&](scope s, const std::string* timeline) -> std::optional<http_response> {
    const bool ok = timeline == nullptr ? who.may(s) : who.may(s, *timeline);
    if (ok) return std::nullopt;
    return forbidden(who, s, timeline == nullptr ? std::string_view{} : *timeline);
  };
  return std::visit(
      [&](const auto& r) -> std::optional<http_response> {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, route::post_statuses> || std::is_same_v<R, route::ack> ||
                      std::is_same_v<R, route::unack>)
          return need(scope::write, &r.timeline);
        else if constexpr (std::is_same_v<R, route::get_statuses> ||
                           std::is_same_v<R, route::atom_feed> ||
                           std::is_same_v<R, route::changes> ||
                           std::is_same_v<R, route::timeline_counts> ||
                           std::is_same_v<R, route::timeline_page>)
          return need(scope::read, &r.timeline);
        else if constexpr (std::is_same_v<R, route::index_page> ||
                           std::is_same_v<R, route::multi_counts>)
          return need(scope::read, nullptr);
        else
          return std::nullopt;
      },
      match);
}

}  // namespace

json parse_body(const std::string& body, std::size_t max_depth) {
  const auto first = body.find_first_not_of(" \t\r\n");
  const bool list = first != std::string::npos && body[first] == '[';
  return parse_json_input(body, max_depth, "request body", list ? 1 : 0);
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string body_id(const json& v, const char* what) {
  if (!v.is_string() && !v.is_number_integer())
    throw bad_request(std::string(what) + " must be a string or an integer, not " + v.type_name());
  return id_text(v);
}

std::vector<std::string> body_ids(const json& v, const char* what) {
  std::vector<std::string> list;
  if (v.is_array())
    for (const auto& id : v) list.push_back(body_id(id, (std::string("each of ") + what).c_str()));
  else
    list.push_back(body_id(v, what));
  return list;
}

http_response json_error(int status, const std::string& message) {
  http_response r;
  r.status = status;
  // ASCII on every endpoint, as BusyBird answers (ascii_json.hpp).
  r.body = "{\"error\":" + ascii_json(quote_lossy(message)) + "}";
  return r;
}

api::api(const server_config& config, api_services& services)
    : config_(config), guard_{.public_hosts = config.public_hosts}, services_(services) {}

cancel_fn api::handle(const http_request& request, respond_fn respond) {
  return guarded(respond, [&] { return dispatch(request, respond); });
}

cancel_fn api::dispatch(const http_request& request, respond_fn& respond) {
  // Before anything is read or changed: a foreign Host, a cross-site write.
  if (auto refused = refuse_request(request, guard_)) {
    respond(std::move(*refused));
    return {};
  }
  const auto match = match_route(request.method, request.target);
  const auto* html_route = std::get_if<route::get_statuses>(&match);
  if (html_route != nullptr && html_route->html) respond = html_errors(std::move(respond));
  // Logging in and out needs no credentials (and logout ends the ones sent).
  if (std::holds_alternative<route::login_page>(match)) {
    login_form(request, respond);
    return {};
  }
  if (std::holds_alternative<route::login>(match)) {
    login(request, respond);
    return {};
  }
  if (std::holds_alternative<route::logout>(match)) {
    logout(request, respond);
    return {};
  }
  // A timeline's page is its path with a slash; a browser asking without one is sent
  // there (the path is the request's own, so the redirect leads nowhere else).
  if (std::holds_alternative<route::timeline_slash>(match)) {
    respond(to_timeline_page(request));
    return {};
  }
  // For load balancers and monitors, which hold no credentials: it tells only whether
  // the store answers.
  if (std::holds_alternative<route::health>(match)) {
    health(respond);
    return {};
  }
  // The viewer's assets hold nothing of anyone's: a login page needs them before login.
  auto identified =
      services_.access() == nullptr || std::holds_alternative<route::static_asset>(match)
          ? std::variant<caller, http_response>(caller::everyone())
          : services_.access()->authenticate(request,
                                             std::holds_alternative<route::atom_feed>(match));
  if (auto* refusal = std::get_if<http_response>(&identified)) {
    // A person at the viewer's pages is sent to log in; programs get the 401.
    const bool page = std::holds_alternative<route::index_page>(match) ||
                      std::holds_alternative<route::timeline_page>(match);
    if (page && refusal->status == 401 && !request.header("Authorization"))
      respond(to_login(request));
    else
      respond(std::move(*refusal));
    return {};
  }
  const auto& who = std::get<caller>(identified);
  if (auto refusal = refuse_route(match, who)) {
    respond(std::move(*refusal));
    return {};
  }
  if (auto page = services_.serve_page(match, who)) {
    // A timeline that is not served: a page listing those that are for a browser, the
    // API's JSON error for a program.
    const auto* missing = std::get_if<route::timeline_page>(&match);
    if (missing != nullptr && page->status == 404 && !accepts_html(request))
      respond(json_error(404, "unknown timeline " + quote_lossy(missing->timeline)));
    else
      respond(std::move(*page));
    return {};
  }
  auto served = [&](const std::string& timeline) {
    if (config_.find_timeline(timeline)) return true;
    respond(json_error(404, "unknown timeline " + quote_lossy(timeline)));
    return false;
  };
  if (const auto* r = std::get_if<route::get_statuses>(&match)) {
    if (served(r->timeline)) get_statuses(r->timeline, r->html, request, respond);
  } else if (const auto* r = std::get_if<route::post_statuses>(&match)) {
    if (served(r->timeline)) post_statuses(r->timeline, request, respond);
  } else if (const auto* r = std::get_if<route::ack>(&match)) {
    if (served(r->timeline)) ack(r->timeline, request, respond);
  } else if (const auto* r = std::get_if<route::unack>(&match)) {
    if (served(r->timeline)) unack(r->timeline, request, respond);
  } else if (const auto* r = std::get_if<route::atom_feed>(&match)) {
    if (served(r->timeline)) atom_feed(r->timeline, request, respond);
  } else if (const auto* r = std::get_if<route::changes>(&match)) {
    if (served(r->timeline))
      return r->stream ? change_stream(r->timeline, request, respond)
                       : changes_json(r->timeline, request, respond);
  } else if (const auto* r = std::get_if<route::timeline_counts>(&match)) {
    if (served(r->timeline)) return timeline_counts(r->timeline, request, respond);
  } else if (std::holds_alternative<route::multi_counts>(match)) {
    return multi_counts(request, who, respond);
  } else if (const auto* r = std::get_if<route::wrong_method>(&match)) {
    auto response = json_error(405, "method " + request.method + " is not allowed here");
    response.headers.emplace_back("Allow", r->allow);
    respond(std::move(response));
  } else {
    respond(json_error(404, "no such resource"));
  }
  return {};
}

void api::get_statuses(const std::string& timeline, bool html, const http_request& request,
                       respond_fn& respond) {
  const query_params query(request.target);
  const auto only = query.get("only_statuses");
  const bool bare = !html && only && !only->empty() && *only != "0";
  if (bare) {
    // only_statuses answers [] on error, keeping the error's status code.
    respond = [inner = respond](http_response r) {
      if (r.status != 200) r.body = "[]";
      inner(std::move(r));
    };
  }
  get_request req{.timeline = timeline,
                  .state = parse_ack_state(query.get("ack_state")),
                  .max_id = query.get("max_id"),
                  .count = parse_count(query.get("count"), config_.page_size)};
  auto* cache = services_.responses();
  if (cache) {
    if (auto kept = cache->find(timeline, request.target)) return respond(std::move(*kept));
  }
  // Taken before the read: an answer read across a change is not kept.
  const auto generation = cache ? cache->generation(timeline) : 0;
  services_.storage().get_status_texts(
      std::move(req),
      [html, bare, services = &services_, cache, generation, timeline, target = request.target,
       respond](const storage_error& error, std::vector<std::string> texts) {
        if (error) return respond(storage_failure(error));
        const auto answer = [&](http_response r) {
          if (cache) cache->store(timeline, target, generation, r);
          respond(std::move(r));
        };
        http_response r;
        if (html) {
          r.content_type = "text/html; charset=utf-8";
          try {
            for (const auto& t : texts) r.body += services->render_status_html(json::parse(t));
          } catch (const std::exception& e) {
            return respond(json_error(500, std::string("rendering failed: ") + e.what()));
          }
          return answer(std::move(r));
        }
        // Stored texts go out as they are, but for the escaping of non-ASCII characters:
        // no parse, no re-serialization.
        std::size_t size = 32;
        for (const auto& t : texts) size += t.size() + 1;
        r.body.reserve(size);
        r.body += bare ? "[" : "{\"error\":null,\"statuses\":[";
        for (std::size_t i = 0; i < texts.size(); ++i) {
          if (i != 0) r.body += ',';
          append_ascii_json(r.body, texts[i]);  // BusyBird's bytes: ASCII
        }
        r.body += bare ? "]" : "]}";
        answer(std::move(r));
      });
}

void api::post_statuses(const std::string& timeline, const http_request& request,
                        respond_fn& respond) {
  if (blank(request.body))
    throw bad_request("request body is empty: send a status or an array of them");
  auto body = parse_body(request.body, config_.max_json_depth);
  std::vector<status> statuses;
  if (body.is_object()) {
    statuses.push_back(std::move(body));
  } else if (body.is_array()) {
    for (std::size_t i = 0; i < body.size(); ++i)
      if (!body[i].is_object())
        throw bad_request("status #" + std::to_string(i) + " is not a JSON object");
    statuses = body.get<std::vector<status>>();
  } else {
    throw bad_request("request body must be a status object or an array of them");
  }
  services_.add_statuses(timeline, std::move(statuses),
                         [respond](const storage_error& error, std::size_t n) {
                           if (error) return respond(storage_failure(error));
                           respond(json_ok("{\"error\":null,\"count\":" + std::to_string(n) + "}"));
                         });
}

void api::ack(const std::string& timeline, const http_request& request, respond_fn& respond) {
  ack_request req{.timeline = timeline};
  if (!blank(request.body)) {
    const auto body = parse_body(request.body, config_.max_json_depth);
    if (!body.is_object()) throw bad_request("ack body must be a JSON object");
    if (const auto ids = body.find("ids"); ids != body.end() && !ids->is_null())
      req.ids = body_ids(*ids, "ids");
    if (const auto max_id = body.find("max_id"); max_id != body.end() && !max_id->is_null())
      req.max_id = body_id(*max_id, "max_id");
  }
  services_.storage().ack_statuses(
      std::move(req), [respond](const storage_error& error, std::size_t n) {
        if (error) return respond(storage_failure(error));
        respond(json_ok("{\"error\":null,\"count\":" + std::to_string(n) + "}"));
      });
}

cancel_fn api::timeline_counts(const std::string& timeline, const http_request& request,
                               respond_fn& respond) {
  const auto stated = stated_counts(query_params(request.target));
  auto differs = [timeline, stated](const counts_by_timeline& now) {
    if (stated.empty()) return true;  // nothing stated: answer at once
    const auto& counts = now.at(timeline);
    for (const auto& [key, n] : stated)
      if (count_at(counts, key) != n) return true;
    return false;
  };
  return services_.watch_counts(
      {timeline}, std::move(differs),
      [timeline, respond](const storage_error& error, counts_by_timeline now) {
        if (error) return respond(storage_failure(error));
        json out = {{"error", nullptr}, {"unacked_counts", now.at(timeline).to_json()}};
        respond(json_ok(out.dump()));
      });
}

cancel_fn api::multi_counts(const http_request& request, const caller& who, respond_fn& respond) {
  const query_params query(request.target);
  const auto level = query.get("level").value_or("total");
  if (level != "total" && !parse_integer(level))
    throw bad_request("level must be \"total\" or an integer, not " + quote_lossy(level));
  std::map<std::string, std::int64_t> stated;
  std::optional<std::string> unreadable;
  for (const auto& [key, value] : query.all()) {
    if (key.rfind("tl_", 0) != 0) continue;
    const auto name = key.substr(3);
    const auto n = parse_integer(value);
    if (!n)
      throw bad_request("count for \"" + key + "\" must be an integer, not " + quote_lossy(value));
    // Unserved timelines are ignored, and so are those the caller may not read: the
    // answer shows only what the caller may see.
    if (!config_.find_timeline(name)) continue;
    if (!who.may(scope::read, name)) {
      unreadable = name;
      continue;
    }
    stated[name] = *n;
  }
  if (stated.empty() && unreadable) {
    respond(forbidden(who, scope::read, *unreadable));
    return {};
  }
  if (stated.empty()) throw bad_request("name at least one served timeline as tl_<name>=<count>");
  std::vector<std::string> timelines;
  for (const auto& [name, n] : stated) timelines.push_back(name);
  auto differs = [stated, level](const counts_by_timeline& now) {
    for (const auto& [name, n] : stated)
      if (count_at(now.at(name), level) != n) return true;
    return false;
  };
  return services_.watch_counts(
      std::move(timelines), differs,
      [stated, level, differs, respond](const storage_error& error, counts_by_timeline now) {
        if (error) return respond(storage_failure(error));
        json counts = json::object();
        // The timelines whose count differs; all of them when answering an idle timeout.
        const bool any = differs(now);
        for (const auto& [name, n] : stated)
          if (!any || count_at(now.at(name), level) != n) counts[name] = now.at(name).to_json();
        // Timeline names as keys, escaped to ASCII as BusyBird's encoder does.
        respond(json_ok(json{{"error", nullptr}, {"unacked_counts", counts}}.dump(-1, ' ', true)));
      });
}

}  // namespace roost::web
