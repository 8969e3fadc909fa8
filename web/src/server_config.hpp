// The server's configuration: what `roost serve` reads from its JSON config file and
// command line. Every field has a default, so an empty config serves one timeline "home".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/json_input.hpp"

namespace roost::web {

/// One served timeline.
struct timeline_config {
  std::string name;
  bool hidden = false;                  ///< left out of the list page, still fully reachable
  std::int64_t level_threshold = 0;     ///< the viewer's initial level filter
  std::optional<std::size_t> soft_max;  ///< truncation override for this timeline
  std::optional<std::size_t> hard_max;
};

/// Everything the server needs to start.
struct server_config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 5000;
  /// Storage URI: "sqlite:PATH", "lmdb:DIR" or "memory:". Empty: the default SQLite file.
  std::string storage;
  std::vector<timeline_config> timelines;
  std::size_t io_threads = 2;
  std::size_t worker_threads = 2;   ///< store operations of SQLite/LMDB run on these
  std::size_t worker_queue = 4096;  ///< queued store operations beyond this answer 503
  std::string time_zone;       ///< IANA zone the viewer shows times in; empty: the browser's own
  std::size_t page_size = 20;  ///< default count of the statuses endpoints
  std::size_t soft_max = 2000;
  std::size_t hard_max = 0;  ///< 0: soft_max + 20%
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_connections = 20000;
  std::size_t max_json_depth = max_status_depth;  ///< at most max_status_depth
  /// Host names requests may name besides IP literals and localhost (request_guard.hpp):
  /// "name" or "name:port".
  std::vector<std::string> public_hosts;
  /// HTTPS: the certificate chain and its private key (PEM files); both or neither.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  /// Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (forwarded.hpp):
  /// addresses or networks ("127.0.0.1", "10.0.0.0/8").
  std::vector<std::string> trusted_proxies;
  std::chrono::seconds read_timeout{30};       ///< for a whole request, headers and body
  std::chrono::seconds idle_timeout{120};      ///< keep-alive connection without a request
  std::chrono::seconds long_poll_timeout{60};  ///< a held request is answered unchanged after this
  bool access_log = true;
  /// Serve a non-loopback address although the store has no credentials, for a server
  /// behind an authenticating proxy (logged loudly at start; docs/security.md).
  bool allow_anonymous = false;
  /// A viewer session ends after this long without a request...
  std::chrono::seconds session_idle{std::chrono::hours(12)};
  /// ...and this long after login, however busy.
  std::chrono::seconds session_max_age{std::chrono::hours(24 * 7)};
  /// Change feed: how many of each timeline's newest changes the store keeps; older
  /// cursors are answered 410 Gone.
  std::size_t change_retention = 10000;
  /// Change feed: a comment line goes to idle event streams this often.
  std::chrono::seconds sse_heartbeat{15};
  /// Change feed: an event stream whose unwritten bytes would exceed this is dropped.
  std::size_t sse_buffer_bytes = 1024 * 1024;
  /// GET statuses answers are reused for this long (0: never). Changes made through
  /// this server drop them at once; other processes' changes show within this bound.
  std::chrono::milliseconds response_cache{200};
  /// Total body bytes of reused answers kept.
  std::size_t response_cache_bytes = 16u << 20;

  /// The served timeline called `name`, or nullptr.
  const timeline_config* find_timeline(std::string_view name) const;
};

/// Thrown for a bad configuration; the message names the key and what was expected.
class config_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Reads a config file (JSON). Unknown keys are errors, so typos do not pass silently.
server_config load_server_config(const std::filesystem::path& path);

/// Applies a parsed JSON config object on top of `config`.
void apply_config_json(server_config& config, const std::string& json_text,
                       const std::string& origin);

/// Parses "HOST:PORT" (or "[v6]:PORT") into the config; throws config_error.
void set_listen(server_config& config, std::string_view host_port);

/// Checks cross-field rules (at least one timeline, unique names, limits) and fills
/// defaults; throws config_error.
void finish_config(server_config& config);

/// Replaces a listen host name (localhost, a name in /etc/hosts) by the numeric address
/// the system's resolver gives for it, its IPv4 one first; an address stays as it is. Kept
/// out of finish_config, which only checks: resolving may ask the network. Call it before
/// the server starts. Throws config_error naming the host when it does not resolve.
void resolve_listen_address(server_config& config);

/// Where the SQLite file goes when no storage is given: $XDG_DATA_HOME/roost/roost.sqlite3,
/// else ~/.local/share/roost/roost.sqlite3, else ./roost.sqlite3.
std::filesystem::path default_data_path();

}  // namespace roost::web
