#include "pages.hpp"

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "embedded_assets.hpp"
#include "status_html.hpp"
#include "storage/json_input.hpp"
#include "storage/utf8.hpp"

namespace roost::web {
namespace {

// No inline script, no third-party resources; avatars and media may come from anywhere.
constexpr const char* content_security_policy =
    "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

constexpr std::string_view config_placeholder = "{{ROOST_CONFIG}}";

http_response page(const std::string& asset_name, const nlohmann::json& settings) {
  const auto* asset = find_asset(asset_name);
  if (asset == nullptr) return json_error(500, "viewer asset " + asset_name + " is missing");
  std::string body(asset->body);
  if (const auto at = body.find(config_placeholder); at != std::string::npos)
    body.replace(at, config_placeholder.size(), json_for_html(settings.dump()));
  http_response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy", content_security_policy);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

nlohmann::json settings(const server_config& config, const caller& who) {
  nlohmann::json s = {{"time_zone", config.time_zone}, {"page_size", config.page_size}};
  if (!who.session.empty()) s["user"] = who.name;  // logged in: the viewer offers logout
  return s;
}

// The served timelines `who` may read, as the pages list them.
nlohmann::json readable_timelines(const server_config& config, const caller& who) {
  auto out = nlohmann::json::array();
  for (const auto& t : config.timelines)
    if (!t.hidden && who.may(scope::read, t.name))
      out.push_back({{"name", t.name}, {"hidden", false}});
  return out;
}

}  // namespace

http_response login_page(int status, const std::string& error, const std::string& user,
                         const std::string& next) {
  const auto* asset = find_asset("login.html");
  if (asset == nullptr) return json_error(500, "viewer asset login.html is missing");
  std::string body(asset->body);
  const auto fill = [&](std::string_view placeholder, const std::string& value) {
    if (const auto at = body.find(placeholder); at != std::string::npos)
      body.replace(at, placeholder.size(), value);
  };
  fill("{{ERROR_HIDDEN}}", error.empty() ? " hidden" : "");
  fill("{{ERROR}}", escape_html(error));
  fill("{{USER}}", escape_html(user));
  fill("{{NEXT}}", escape_html(next));
  http_response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy", content_security_policy);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::string json_for_html(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (const char c : json_text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

std::optional<http_response> serve_page(const server_config& config, const route_match& match,
                                        const caller& who) {
  if (std::holds_alternative<route::index_page>(match)) {
    auto s = settings(config, who);
    s["timelines"] = readable_timelines(config, who);
    s["level_threshold"] = 0;
    return page("index.html", s);
  }
  if (const auto* r = std::get_if<route::timeline_page>(&match)) {
    const auto* t = config.find_timeline(r->timeline);
    if (t == nullptr) {
      // The list page, saying what was asked for (the API answers programs with JSON).
      auto s = settings(config, who);
      s["timelines"] = readable_timelines(config, who);
      s["level_threshold"] = 0;
      s["missing"] = lossy_utf8(r->timeline);  // a name from the URL may be any bytes
      auto out = page("index.html", s);
      out.status = 404;
      return out;
    }
    auto s = settings(config, who);
    s["timeline"] = t->name;
    s["level_threshold"] = t->level_threshold;
    s["timelines"] = readable_timelines(config, who);
    return page("timeline.html", s);
  }
  if (const auto* r = std::get_if<route::static_asset>(&match)) {
    const auto* asset = find_asset(r->name);
    if (asset == nullptr) return json_error(404, "no such asset");
    http_response out;
    out.content_type = std::string(asset->content_type);
    out.body = std::string(asset->body);
    out.headers.emplace_back("Cache-Control", "no-cache");
    out.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return out;
  }
  return std::nullopt;
}

}  // namespace roost::web
