// A timeline's newest statuses as an Atom 1.0 feed (RFC 4287), for feed readers.
// Pure functions: stored status texts in, XML out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/timestamp.hpp"

namespace roost::web {

/// Renders `status_texts` (stored JSON, newest first) of `timeline` as an Atom feed.
/// `base_url` ("http://host:port", no trailing slash) makes the links absolute; `now` is
/// the feed's `updated` when it has no entries and an entry's when its status carries no
/// usable timestamp. Every piece of status text is escaped, characters XML 1.0 forbids
/// become U+FFFD. Entry ids are tag: URIs made from the timeline and the status id, so
/// they stay the same across restarts and hosts. Throws std::exception for a text that
/// is not a JSON object with an id (stored statuses always are).
std::string render_atom(const std::string& timeline, std::string_view base_url,
                        const std::vector<std::string>& status_texts, timestamp now);

/// `t` in RFC 3339, UTC: "2013-05-16T12:56:23Z", with microseconds when it has them.
std::string format_rfc3339(timestamp t);

/// `text` escaped for XML character data and attribute values.
std::string xml_escape(std::string_view text);

/// `text` percent-encoded for a URI path segment (everything but unreserved characters).
std::string percent_encode(std::string_view text);

}  // namespace roost::web
