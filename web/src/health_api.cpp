// GET /healthz: 200 {"status":"ok"} when the store answers a read, 503 with the store's
// error when it does not. It reads one timeline's revision (the first configured, so a
// primary-key lookup on any backend), never cached, and needs no credentials: a load
// balancer takes the node out of rotation while its store is unreachable.
#include "api.hpp"
#include "api_support.hpp"
#include "ascii_json.hpp"

namespace roost::web {

void api::health(respond_fn& respond) {
  const std::string probe = config_.timelines.empty() ? "home" : config_.timelines.front().name;
  services_.storage().get_revision(probe, [respond](const storage_error& error, std::uint64_t) {
    http_response r;
    if (error) {
      r = json_error(503, "the store does not answer: " + error.message());
    } else {
      r.status = 200;
      r.body = R"({"status":"ok"})";
    }
    r.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(r));
  });
}

}  // namespace roost::web
