// One status as the viewer shows it: the `<li>` element that `statuses.html` answers and
// that the viewer (web/viewer/viewer-statuses.js) inserts as it is; the browser renders no
// status itself. The `<li>`'s data attributes are part of the Web API
// (docs/spec/web-api.md, statuses.html).
//
// Everything in a status is untrusted. Every string is HTML-escaped, only http(s) URLs
// become links or images, and entity `indices` count Unicode code points of the text.
// Input of any shape is accepted: a field with the wrong type, an entity whose indices are
// out of range or overlap another, or a status that is not an object is left out or shown
// as plain escaped text, never an exception.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace roost::web {

/// The `<li class="status acked|unacked" data-id=... data-level=... data-acked=...>`
/// element for `status`. `created_at` and `busybird.acked_at` appear as their original text
/// inside `<time>` elements whose `datetime` is the instant in UTC; the viewer re-formats
/// them in its configured time zone. Throws only std::bad_alloc.
std::string render_status_html(const nlohmann::json& status);

/// `text` with & < > " ' replaced by character references, safe in element content and
/// in quoted attribute values. Bytes that are not well-formed UTF-8 become U+FFFD.
std::string escape_html(std::string_view text);

/// True when `url` starts with "http://" or "https://" (any case), the only URLs the
/// viewer turns into links or images.
bool is_http_url(std::string_view url) noexcept;

}  // namespace roost::web
