// Change notices: how the storages on one PostgreSQL schema tell each other which
// timelines changed. Every write sends one NOTIFY on the schema's channel inside its
// transaction (PostgreSQL delivers it at commit, and drops it on rollback); every storage
// LISTENs on a connection of its own (notice_listener.hpp) and calls its change
// listeners for the notices other storages sent.
//
//   channel  "roost_" and 16 hex digits of a hash of the schema's name: a channel is an
//            identifier of at most 63 bytes, and a schema's name may be that long itself.
//   payload  "<origin> <revision> <timeline's bytes in hex>". The origin is 16 hex digits
//            a storage draws when it opens, so that it can skip its own notices. A name
//            too long for NOTIFY's payload limit is sent as "<origin> <revision> *": some
//            timeline changed, and a listener rereads them all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roost::pg {

/// A decoded payload. `timeline` is empty when the notice names no timeline ("*").
struct change_notice {
  std::string origin;
  std::uint64_t revision = 0;
  std::optional<std::string> timeline;
};

/// The channel of the storages on schema `schema`.
std::string notice_channel(std::string_view schema);

/// A fresh origin: 16 hex digits from std::random_device.
std::string new_origin();

/// The payload telling that `timeline` reached `revision`, sent by `origin`.
std::string encode_notice(std::string_view origin, std::uint64_t revision,
                          std::string_view timeline);

/// The notice in `payload`, or nullopt when it is not one (sent by something else).
std::optional<change_notice> decode_notice(std::string_view payload);

}  // namespace roost::pg
