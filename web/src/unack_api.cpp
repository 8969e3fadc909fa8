// POST /timelines/{timeline}/unack.json {"ids": id | [ids]}: the statuses go back to
// unacked, for the viewer's undo and its `m` on an acked status.
//
// The storage contract has no un-ack: each named status is read (its document, acked) and
// put again in update mode without busybird.acked_at, which makes it unacked and sorts it
// back among the unacked ones. Not atomic with other writers: a status changed by someone
// else between the read and the update gets this request's copy back. Ids the timeline
// does not hold acked are left out of the count.
#include <memory>

#include "api.hpp"
#include "api_support.hpp"
#include "ascii_json.hpp"
#include "storage/status.hpp"

namespace roost::web {
namespace {

// The most ids one request may name: each is a read of its own.
constexpr std::size_t max_unack_ids = 1000;

// One request's walk over its ids: read each acked document in turn, then one update.
struct unack_run : std::enable_shared_from_this<unack_run> {
  status_storage& storage;
  std::string timeline;
  std::vector<std::string> ids;
  respond_fn respond;
  std::vector<status> restored;
  std::size_t next = 0;

  unack_run(status_storage& s, std::string t, std::vector<std::string> i, respond_fn r)
      : storage(s), timeline(std::move(t)), ids(std::move(i)), respond(std::move(r)) {}

  void read_next() {
    if (next == ids.size()) return write();
    const auto& id = ids[next++];
    storage.get_statuses(
        {.timeline = timeline,
         .state = ack_state::acked,
         .max_id = id,
         .count = status_count::of(1)},
        [self = shared_from_this(), id](const storage_error& error, std::vector<status> page) {
          if (error) return self->respond(storage_failure(error));
          // max_id starts the page at that id when it is there and acked.
          if (!page.empty() && status_id(page.front()) == id) {
            auto& doc = page.front();
            if (auto b = doc.find("busybird"); b != doc.end() && b->is_object())
              b->erase("acked_at");
            self->restored.push_back(std::move(doc));
          }
          self->read_next();
        });
  }

  void write() {
    if (restored.empty()) return respond(json_ok(R"({"error":null,"count":0})"));
    storage.put_statuses(
        {.timeline = timeline, .mode = put_mode::update, .statuses = std::move(restored)},
        [respond = respond](const storage_error& error, std::size_t n) {
          if (error) return respond(storage_failure(error));
          respond(json_ok("{\"error\":null,\"count\":" + std::to_string(n) + "}"));
        });
  }
};

}  // namespace

void api::unack(const std::string& timeline, const http_request& request, respond_fn& respond) {
  if (blank(request.body)) throw bad_request("unack body must name the statuses: {\"ids\": [...]}");
  const auto body = parse_body(request.body, config_.max_json_depth);
  if (!body.is_object()) throw bad_request("unack body must be a JSON object");
  const auto ids = body.find("ids");
  if (ids == body.end() || ids->is_null())
    throw bad_request("unack body must name the statuses: {\"ids\": [...]}");
  auto list = body_ids(*ids, "ids");
  if (list.size() > max_unack_ids)
    throw bad_request("unack takes at most " + std::to_string(max_unack_ids) + " ids at once");
  std::make_shared<unack_run>(services_.storage(), timeline, std::move(list), respond)->read_next();
}

}  // namespace roost::web
