#include "server_config.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "forwarded.hpp"
#include "query.hpp"
#include "server.hpp"
#include "storage/json_input.hpp"

namespace roost::web {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& key, const std::string& expected) {
  throw config_error("config key \"" + key + "\": expected " + expected);
}

[[noreturn]] void unknown(const std::string& key, const std::string& known) {
  throw config_error("config key \"" + key + "\" is unknown (known keys: " + known + ")");
}

// Upper bounds keep every setting where the server can still act on it: a thread count it
// can start, a depth its writers can recurse to, a timeout that does not overflow a clock.
constexpr std::uint64_t max_threads = 256;
constexpr std::uint64_t max_statuses = 1'000'000'000'000;  // soft_max + 20% cannot overflow
constexpr std::uint64_t max_buffer_bytes = std::uint64_t{1} << 30;
constexpr std::uint64_t max_seconds = 86'400;
constexpr std::uint64_t max_page_size = 100'000;

std::size_t count_value(const json& v, const std::string& key, std::uint64_t min = 0,
                        std::uint64_t max = max_statuses) {
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max)
    bad(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v.get<std::size_t>();
}

std::chrono::seconds seconds_value(const json& v, const std::string& key) {
  return std::chrono::seconds(count_value(v, key, 1, max_seconds));
}

// Sessions may last longer than any timeout: up to a year.
std::chrono::seconds session_seconds(const json& v, const std::string& key) {
  return std::chrono::seconds(count_value(v, key, 1, 366 * 86400));
}

std::string string_value(const json& v, const std::string& key) {
  if (!v.is_string()) bad(key, "a string");
  return v.get<std::string>();
}

bool bool_value(const json& v, const std::string& key) {
  if (!v.is_boolean()) bad(key, "true or false");
  return v.get<bool>();
}

timeline_config timeline_value(const json& v, const std::string& key) {
  timeline_config t;
  if (v.is_string()) {
    t.name = v.get<std::string>();
  } else if (v.is_object()) {
    for (const auto& [k, value] : v.items()) {
      const auto sub = key + "." + k;
      if (k == "name")
        t.name = string_value(value, sub);
      else if (k == "hidden")
        t.hidden = bool_value(value, sub);
      else if (k == "level_threshold") {
        if (!value.is_number_integer()) bad(sub, "an integer");
        t.level_threshold = value.get<std::int64_t>();
      } else if (k == "soft_max")
        t.soft_max = count_value(value, sub);
      else if (k == "hard_max")
        t.hard_max = count_value(value, sub);
      else
        unknown(sub, "name, hidden, level_threshold, soft_max, hard_max");
    }
  } else {
    bad(key, "a timeline name or an object with \"name\"");
  }
  if (t.name.empty()) bad(key + ".name", "a non-empty timeline name");
  return t;
}

}  // namespace

const timeline_config* server_config::find_timeline(std::string_view name) const {
  for (const auto& t : timelines)
    if (t.name == name) return &t;
  return nullptr;
}

void apply_config_json(server_config& config, const std::string& json_text,
                       const std::string& origin) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {  // parse_error; out_of_range for 1e999
    throw config_error(origin + " is not valid JSON: " + json_exception_text(e));
  }
  if (!doc.is_object()) throw config_error(origin + ": the configuration must be a JSON object");
  for (const auto& [key, v] : doc.items()) {
    if (key == "listen")
      set_listen(config, string_value(v, key));
    else if (key == "storage")
      config.storage = string_value(v, key);
    else if (key == "timelines") {
      if (!v.is_array()) bad(key, "an array of timelines");
      config.timelines.clear();
      for (std::size_t i = 0; i < v.size(); ++i)
        config.timelines.push_back(timeline_value(v[i], key + "[" + std::to_string(i) + "]"));
    } else if (key == "io_threads")
      config.io_threads = count_value(v, key, 1, max_threads);
    else if (key == "worker_threads")
      config.worker_threads = count_value(v, key, 1, max_threads);
    else if (key == "worker_queue")
      config.worker_queue = count_value(v, key, 1, 1'000'000);
    else if (key == "time_zone")
      config.time_zone = string_value(v, key);
    else if (key == "page_size")
      config.page_size = count_value(v, key, 1, max_page_size);
    else if (key == "soft_max")
      config.soft_max = count_value(v, key);
    else if (key == "hard_max")
      config.hard_max = count_value(v, key);
    else if (key == "max_body_bytes")
      config.max_body_bytes = count_value(v, key, 1, max_buffer_bytes);
    else if (key == "max_connections")
      config.max_connections = count_value(v, key, 1, 1'000'000);
    else if (key == "tls_cert")
      config.tls_cert = string_value(v, key);
    else if (key == "tls_key")
      config.tls_key = string_value(v, key);
    else if (key == "trusted_proxies") {
      if (!v.is_array()) bad(key, "an array of addresses or networks");
      config.trusted_proxies.clear();
      for (const auto& entry : v) {
        if (!entry.is_string())
          bad(key, "addresses or networks such as \"127.0.0.1\" or \"10.0.0.0/8\"");
        config.trusted_proxies.push_back(entry.get<std::string>());
      }
      try {
        (void)trusted_proxies(config.trusted_proxies);
      } catch (const std::invalid_argument& e) {
        bad(key, std::string("addresses or networks: ") + e.what());
      }
    } else if (key == "public_hosts") {
      if (!v.is_array()) bad(key, "an array of host names");
      config.public_hosts.clear();
      for (const auto& host : v) {
        const auto name = host.is_string() ? host.get<std::string>() : std::string();
        // A host, optionally with a port: no scheme, path, user or wildcard.
        if (name.empty() || name.find_first_of("/@ *") != std::string::npos)
          bad(key, "host names such as \"roost.example.com\" or \"roost.example.com:8443\"");
        config.public_hosts.push_back(name);
      }
    } else if (key == "max_json_depth")
      config.max_json_depth = count_value(v, key, 1, max_status_depth);
    else if (key == "read_timeout_seconds")
      config.read_timeout = seconds_value(v, key);
    else if (key == "idle_timeout_seconds")
      config.idle_timeout = seconds_value(v, key);
    else if (key == "long_poll_timeout_seconds")
      config.long_poll_timeout = seconds_value(v, key);
    else if (key == "access_log")
      config.access_log = bool_value(v, key);
    else if (key == "allow_anonymous")
      config.allow_anonymous = bool_value(v, key);
    else if (key == "session_idle_seconds")
      config.session_idle = session_seconds(v, key);
    else if (key == "session_max_age_seconds")
      config.session_max_age = session_seconds(v, key);
    else if (key == "change_retention")
      config.change_retention = count_value(v, key);
    else if (key == "sse_heartbeat_seconds")
      config.sse_heartbeat = seconds_value(v, key);
    else if (key == "sse_buffer_bytes")
      config.sse_buffer_bytes = count_value(v, key, 1024, max_buffer_bytes);
    else if (key == "response_cache_ms") {
      // A reused answer hides other processes' changes for this long: minutes at most.
      const auto ms = count_value(v, key, 0, 600'000);
      config.response_cache = std::chrono::milliseconds(ms);
    } else if (key == "response_cache_bytes")
      config.response_cache_bytes = count_value(v, key, 1024, 16 * max_buffer_bytes);
    else
      unknown(key,
              "listen, storage, timelines, io_threads, worker_threads, worker_queue, time_zone, "
              "page_size, "
              "soft_max, hard_max, max_body_bytes, max_connections, max_json_depth, public_hosts, "
              "read_timeout_seconds, idle_timeout_seconds, long_poll_timeout_seconds, access_log, "
              "allow_anonymous, session_idle_seconds, session_max_age_seconds, trusted_proxies, "
              "tls_cert, tls_key, "
              "change_retention, sse_heartbeat_seconds, sse_buffer_bytes, response_cache_ms, "
              "response_cache_bytes");
  }
}

server_config load_server_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error("cannot read config file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  server_config config;
  apply_config_json(config, text.str(), "config file " + path.string());
  return config;
}

void set_listen(server_config& config, std::string_view host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    bad("listen", "HOST:PORT, e.g. 127.0.0.1:5000");
  auto host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parse_integer(host_port.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) bad("listen", "a port from 0 to 65535");
  config.listen_address = std::string(host);
  config.listen_port = static_cast<std::uint16_t>(*port);
}

namespace {

// The numeric address a listen host names: itself when it is one, else what the system's
// resolver says (localhost, a name in /etc/hosts), its IPv4 address first: "localhost"
// then means 127.0.0.1 also where IPv6 is off. The loopback check and the bind both need
// a number.
std::string numeric_listen_address(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0) {
    ::freeaddrinfo(found);
    return host;
  }
  hints.ai_flags = 0;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0)
    throw config_error("config key \"listen\" (--listen): cannot resolve the host \"" + host +
                       "\" (" + ::gai_strerror(rc) +
                       "); give an address such as 127.0.0.1, ::1 or 0.0.0.0");
  const addrinfo* chosen = found;
  for (const addrinfo* a = found; a; a = a->ai_next)
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
  char text[NI_MAXHOST];
  const int rc = ::getnameinfo(chosen->ai_addr, chosen->ai_addrlen, text, sizeof text, nullptr, 0,
                               NI_NUMERICHOST);
  ::freeaddrinfo(found);
  if (rc != 0)
    throw config_error("config key \"listen\" (--listen): cannot use the host \"" + host + "\" (" +
                       ::gai_strerror(rc) + ")");
  return text;
}

// A zone the viewer can show times in: an IANA name the system's tz database holds
// (browsers know the same names). Checked here so that a typo stops the server at start
// instead of showing up as a note in every page's footer.
void check_time_zone(const std::string& zone) {
  if (zone.empty()) return;  // the browser's own zone
  const bool well_formed =
      zone.find("..") == std::string::npos && zone.front() != '/' &&
      zone.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") ==
          std::string::npos;
  const char* dir = std::getenv("TZDIR");
  const std::filesystem::path base = dir && *dir ? dir : "/usr/share/zoneinfo";
  std::error_code ec;
  if (!well_formed || !std::filesystem::is_regular_file(base / zone, ec))
    throw config_error("config key \"time_zone\": \"" + zone +
                       "\" is not a time zone of the tz database (" + base.string() +
                       "); use an IANA name such as \"Europe/Paris\" or \"UTC\", or leave it out "
                       "for each browser's own zone");
}

}  // namespace

void resolve_listen_address(server_config& config) {
  config.listen_address = numeric_listen_address(config.listen_address);
}

void finish_config(server_config& config) {
  check_time_zone(config.time_zone);
  config.listen_address = numeric_listen_address(config.listen_address);
  if (config.timelines.empty()) config.timelines.push_back({.name = "home"});
  std::set<std::string> names;
  for (const auto& t : config.timelines)
    if (!names.insert(t.name).second)
      throw config_error("config key \"timelines\": timeline \"" + t.name + "\" is listed twice");
  if (config.tls_cert.empty() != config.tls_key.empty())
    throw config_error(
        "config keys \"tls_cert\" and \"tls_key\" (--tls-cert, --tls-key) go "
        "together: HTTPS needs both the certificate and its key");
  if (config.hard_max != 0 && config.hard_max < config.soft_max)
    bad("hard_max", "a value of at least soft_max (" + std::to_string(config.soft_max) + ")");
  // A timeline's own limits, with the global ones they fall back to, must agree too: the
  // store checks them when it opens; here a config error says so before anything starts.
  try {
    limits_of(config).validate();
  } catch (const invalid_request& e) {
    throw config_error(std::string("config key \"timelines\": ") + e.what());
  }
  if (config.storage.empty()) config.storage = "sqlite:" + default_data_path().string();
}

std::filesystem::path default_data_path() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "roost" / "roost.sqlite3";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "share" / "roost" / "roost.sqlite3";
  return "roost.sqlite3";
}

}  // namespace roost::web
