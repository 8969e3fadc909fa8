// The one renderer of a status: the viewer (web/viewer/viewer-statuses.js) inserts what
// statuses.html answers and renders nothing itself. The data attributes of the <li> are
// what the viewer reads; docs/spec/web-api.md documents them.
#include "status_html.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <new>
#include <optional>
#include <vector>

#include "storage/status.hpp"
#include "storage/timestamp.hpp"
#include "storage/utf8.hpp"

namespace roost::web {
namespace {

using nlohmann::json;

// Bounds on the work one hostile status can cause.
constexpr std::size_t max_text_entities = 1000;
constexpr std::size_t max_media_images = 16;

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// Byte offsets where each code point of `text` starts, then text.size(). A byte that
// starts no well-formed sequence counts as one code point (shown as U+FFFD).
std::vector<std::size_t> code_point_offsets(std::string_view text) {
  std::vector<std::size_t> offsets;
  offsets.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    offsets.push_back(i);
    const std::size_t n = utf8_sequence_length(text, i);
    i += n == 0 ? 1 : n;
  }
  offsets.push_back(text.size());
  return offsets;
}

// Like JavaScript's encodeURIComponent; nullopt where that would throw (bad UTF-8).
std::optional<std::string> encode_uri_component(std::string_view text) {
  if (!is_valid_utf8(text)) return std::nullopt;
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    const bool unreserved = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
                            (b >= '0' && b <= '9') ||
                            std::string_view("-_.!~*'()").find(c) != std::string_view::npos;
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0x0F];
    }
  }
  return out;
}

// Typed lookups that never throw: a missing member or a wrong type is "absent".
const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json* object_member(const json& object, const char* key) {
  const json* m = member(object, key);
  return m != nullptr && m->is_object() ? m : nullptr;
}

const json* array_member(const json& object, const char* key) {
  const json* m = member(object, key);
  return m != nullptr && m->is_array() ? m : nullptr;
}

// A string member that is not empty.
std::optional<std::string_view> string_member(const json& object, const char* key) {
  const json* m = member(object, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  const auto& s = m->get_ref<const std::string&>();
  if (s.empty()) return std::nullopt;
  return std::string_view(s);
}

std::optional<std::string_view> http_url_member(const json& object, const char* key) {
  const auto s = string_member(object, key);
  if (!s || !is_http_url(*s)) return std::nullopt;
  return s;
}

// An entity index: an integral JSON number within ±(2^53 - 1), as JavaScript's
// Number.isSafeInteger takes it (3.0 counts: JSON writers differ on integral floats).
std::optional<std::int64_t> integer_value(const json& value) {
  constexpr std::int64_t max_safe = 9007199254740991;
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max_safe)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) {
    const auto i = value.get<std::int64_t>();
    if (i > max_safe || i < -max_safe) return std::nullopt;
    return i;
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > static_cast<double>(max_safe))
      return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

// The id as the store reads it (a string as is, an integer as its decimal digits, however
// large), so that the viewer can name the status in ack.json and max_id; "" for an id of
// another type, which no stored status has.
std::string data_id(const json& status) {
  const json* id = member(status, "id");
  if (id == nullptr || !(id->is_string() || id->is_number_integer())) return {};
  return id_text(*id);
}

// busybird.level as the store counts it (an integer within 64 bits), so that the level a
// status shows is the one its unacked count is kept under; 0 for anything else.
std::int64_t level_of(const json* busybird) {
  const json* level = busybird != nullptr ? member(*busybird, "level") : nullptr;
  if (level == nullptr) return 0;
  if (level->is_number_unsigned()) {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const auto u = level->get<std::uint64_t>();
    return u > max ? 0 : static_cast<std::int64_t>(u);
  }
  if (level->is_number_integer()) return level->get<std::int64_t>();
  return 0;
}

// Attribute values go back to the viewer exactly (data-id names the status in requests):
// beyond escape_html, a CR is written as a reference, which the HTML parser keeps, where
// it would turn a raw CR or CR LF into LF. (U+0000 has no form in HTML; it reads U+FFFD.)
std::string escape_attribute(std::string_view value) {
  std::string out = escape_html(value);
  for (auto at = out.find('\r'); at != std::string::npos; at = out.find('\r', at + 5))
    out.replace(at, 1, "&#13;");
  return out;
}

// "2013-05-16T12:56:23Z" for a timestamp Roost accepts, whole seconds in UTC.
std::optional<std::string> iso_datetime(std::string_view text) {
  const auto t = parse_timestamp(text);
  if (!t) return std::nullopt;
  const auto seconds = std::chrono::floor<std::chrono::seconds>(*t);
  const auto day = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{seconds - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return std::string(buffer);
}

// An HTML fragment under construction.
class html {
public:
  void text(std::string_view s) { out_ += escape_html(s); }
  void raw(std::string_view s) { out_ += s; }

  // `<tag class="..."` left open for attributes; close with end_open().
  void open(std::string_view tag, std::string_view cls) {
    out_ += '<';
    out_ += tag;
    attribute("class", cls);
  }
  void attribute(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    out_ += escape_attribute(value);
    out_ += '"';
  }
  void end_open() { out_ += '>'; }
  void close(std::string_view tag) {
    out_ += "</";
    out_ += tag;
    out_ += '>';
  }

  // <a class href target rel> (the caller writes the content and closes it).
  void open_link(std::string_view cls, std::string_view href) {
    open("a", cls);
    attribute("href", href);
    attribute("target", "_blank");
    attribute("rel", "noopener noreferrer");
    end_open();
  }
  void image(std::string_view cls, std::string_view src) {
    open("img", cls);
    attribute("src", src);
    attribute("alt", "");
    attribute("loading", "lazy");
    attribute("referrerpolicy", "no-referrer");
    end_open();
  }
  // <time class datetime>original text</time>; no datetime when the text does not parse.
  void time(std::string_view cls, std::string_view original) {
    open("time", cls);
    if (const auto iso = iso_datetime(original)) attribute("datetime", *iso);
    end_open();
    text(original);
    close("time");
  }

  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

struct text_entity {
  enum class kind { url, hashtag, mention };
  std::size_t start = 0, end = 0;
  kind type = kind::url;
  const json* entity = nullptr;
};

// Entities of `content` in a fixed order (urls, media, extended media, hashtags, mentions)
// that have indices [start, end) with start < end <= length, sorted by start (stable).
std::vector<text_entity> text_entities(const json& content, std::size_t length) {
  std::vector<text_entity> found;
  const auto collect = [&](const json* holder, const char* key, text_entity::kind type) {
    if (holder == nullptr) return;
    const json* list = array_member(*holder, key);
    if (list == nullptr) return;
    for (const auto& e : *list) {
      if (found.size() >= max_text_entities) return;
      const json* indices = array_member(e, "indices");
      if (indices == nullptr || indices->size() < 2) continue;
      const auto start = integer_value((*indices)[0]);
      const auto end = integer_value((*indices)[1]);
      if (!start || !end || *start < 0 || *start >= *end ||
          static_cast<std::uint64_t>(*end) > length)
        continue;
      found.push_back({static_cast<std::size_t>(*start), static_cast<std::size_t>(*end), type, &e});
    }
  };
  const json* entities = object_member(content, "entities");
  const json* extended = object_member(content, "extended_entities");
  collect(entities, "urls", text_entity::kind::url);
  collect(entities, "media", text_entity::kind::url);
  collect(extended, "media", text_entity::kind::url);
  collect(entities, "hashtags", text_entity::kind::hashtag);
  collect(entities, "user_mentions", text_entity::kind::mention);
  std::stable_sort(found.begin(), found.end(),
                   [](const text_entity& a, const text_entity& b) { return a.start < b.start; });
  return found;
}

// Where an entity links to, or nullopt to leave its text plain.
std::optional<std::string> entity_href(const text_entity& e) {
  switch (e.type) {
    case text_entity::kind::url: {
      auto href = http_url_member(*e.entity, "expanded_url");
      if (!href) href = http_url_member(*e.entity, "url");
      if (!href) return std::nullopt;
      return std::string(*href);
    }
    case text_entity::kind::hashtag: {
      const auto tag = string_member(*e.entity, "text");
      if (!tag) return std::nullopt;
      // Appends, not "#" + string: GCC 12 at -O3 warns falsely (-Wstringop-overflow).
      const auto query = encode_uri_component(std::string("#").append(*tag));
      if (!query) return std::nullopt;
      return "https://twitter.com/search?q=" + *query;
    }
    case text_entity::kind::mention: {
      const auto name = string_member(*e.entity, "screen_name");
      if (!name) return std::nullopt;
      const auto path = encode_uri_component(*name);
      if (!path) return std::nullopt;
      return "https://twitter.com/" + *path;
    }
  }
  return std::nullopt;
}

void render_text(html& out, const json& content) {
  out.open("div", "status-text");
  out.end_open();
  const json* text_value = member(content, "text");
  if (text_value != nullptr && text_value->is_string()) {
    const std::string_view text = text_value->get_ref<const std::string&>();
    const auto offsets = code_point_offsets(text);
    const std::size_t length = offsets.size() - 1;
    const auto slice = [&](std::size_t from, std::size_t to) {
      return text.substr(offsets[from], offsets[to] - offsets[from]);
    };
    std::size_t done = 0;  // code points written so far
    for (const auto& e : text_entities(content, length)) {
      if (e.start < done) continue;  // overlaps the previous entity
      const auto href = entity_href(e);
      if (!href) continue;  // stays plain text
      out.text(slice(done, e.start));
      const char* cls = e.type == text_entity::kind::url       ? "status-link"
                        : e.type == text_entity::kind::hashtag ? "status-hashtag"
                                                               : "status-mention";
      out.open_link(cls, *href);
      const auto display =
          e.type == text_entity::kind::url ? string_member(*e.entity, "display_url") : std::nullopt;
      out.text(display ? *display : slice(e.start, e.end));
      out.close("a");
      done = e.end;
    }
    out.text(slice(done, length));
  }
  out.close("div");
}

void render_media(html& out, const json& content) {
  const json* list = nullptr;
  if (const json* extended = object_member(content, "extended_entities")) {
    list = array_member(*extended, "media");
    if (list != nullptr && list->empty()) list = nullptr;
  }
  if (list == nullptr) {
    if (const json* entities = object_member(content, "entities"))
      list = array_member(*entities, "media");
  }
  if (list == nullptr) return;
  std::size_t shown = 0;
  html items;
  for (const auto& m : *list) {
    if (shown >= max_media_images) break;
    auto src = http_url_member(m, "media_url_https");
    if (!src) src = http_url_member(m, "media_url");
    if (!src) continue;
    auto href = http_url_member(m, "expanded_url");
    if (!href) href = src;
    items.open_link("status-media-link", *href);
    items.image("status-media-image", *src);
    items.close("a");
    ++shown;
  }
  if (shown == 0) return;
  out.open("div", "status-media");
  out.end_open();
  out.raw(items.take());
  out.close("div");
}

// The user's display label: the name, else "@screen_name".
std::optional<std::string> user_label(const json* user) {
  if (user == nullptr) return std::nullopt;
  if (const auto name = string_member(*user, "name")) return std::string(*name);
  if (const auto screen = string_member(*user, "screen_name"))
    return std::string("@").append(*screen);  // as above: no "@" + string for GCC 12
  return std::nullopt;
}

std::optional<std::string_view> busybird_url(const json& status, const char* key) {
  const json* bb = object_member(status, "busybird");
  if (bb == nullptr) return std::nullopt;
  return http_url_member(*bb, key);
}

void render(const json& status, html& out) {
  const json* bb = object_member(status, "busybird");
  const json* acked_at = bb != nullptr ? member(*bb, "acked_at") : nullptr;
  const bool acked = acked_at != nullptr && !acked_at->is_null();
  const std::int64_t level = level_of(bb);

  out.open("li", acked ? "status acked" : "status unacked");
  if (member(status, "id") != nullptr) out.attribute("data-id", data_id(status));
  out.attribute("data-level", std::to_string(level));
  out.attribute("data-acked", acked ? "true" : "false");
  out.end_open();

  // A repost shows the inner status, and who reposted it above.
  const json* inner = object_member(status, "retweeted_status");
  const json& content = inner != nullptr ? *inner : status;
  if (inner != nullptr) {
    out.open("div", "status-repost");
    out.end_open();
    const auto label = user_label(object_member(status, "user"));
    if (label) {
      out.text("Reposted by ");
      if (const auto link = busybird_url(status, "user_permalink")) {
        out.open_link("status-repost-user", *link);
      } else {
        out.open("span", "status-repost-user");
        out.end_open();
      }
      out.text(*label);
      out.close(busybird_url(status, "user_permalink") ? "a" : "span");
    } else {
      out.text("Reposted");
    }
    // When it was reposted; the footer's time is the original's, and says so.
    if (const auto reposted_at = string_member(status, "created_at")) {
      out.text(" ");
      out.time("status-repost-time", *reposted_at);
    }
    out.close("div");
  }

  const json* user = object_member(content, "user");
  out.open("div", "status-avatar");
  out.end_open();
  if (user != nullptr) {
    auto avatar = http_url_member(*user, "profile_image_url_https");
    if (!avatar) avatar = http_url_member(*user, "profile_image_url");
    if (avatar) out.image("status-avatar-image", *avatar);
  }
  out.close("div");

  out.open("div", "status-main");
  out.end_open();

  out.open("div", "status-header");
  out.end_open();
  const auto name = user != nullptr ? string_member(*user, "name") : std::nullopt;
  const auto screen_name = user != nullptr ? string_member(*user, "screen_name") : std::nullopt;
  if (name || screen_name) {
    const auto user_link = busybird_url(content, "user_permalink");
    if (user_link) {
      out.open_link("status-user", *user_link);
    } else {
      out.open("span", "status-user");
      out.end_open();
    }
    if (name) {
      out.open("span", "status-user-name");
      out.end_open();
      out.text(*name);
      out.close("span");
    }
    // A space between them: a screen reader (and a copy) would run the two together.
    if (name && screen_name) out.text(" ");
    if (screen_name) {
      out.open("span", "status-screen-name");
      out.end_open();
      out.text("@");
      out.text(*screen_name);
      out.close("span");
    }
    out.close(user_link ? "a" : "span");
  }
  out.close("div");

  render_text(out, content);
  render_media(out, content);

  out.open("div", "status-footer");
  out.end_open();
  auto permalink = busybird_url(content, "status_permalink");
  if (!permalink && inner != nullptr) permalink = busybird_url(status, "status_permalink");
  const auto created_at = string_member(content, "created_at");
  if (permalink || created_at) {
    if (permalink) {
      out.open_link("status-permalink", *permalink);
    } else {
      out.open("span", "status-permalink");
      out.end_open();
    }
    if (created_at) {
      if (inner != nullptr) out.text("posted ");
      out.time("status-time", *created_at);
    } else
      out.text("permalink");
    out.close(permalink ? "a" : "span");
  }
  out.open("span", "status-level");
  out.end_open();
  out.text("level " + std::to_string(level));
  out.close("span");
  out.open("span", "status-state");
  out.end_open();
  if (acked) {
    out.text("acked");
    if (acked_at->is_string() && !acked_at->get_ref<const std::string&>().empty()) {
      out.text(" ");
      out.time("status-acked-time", acked_at->get_ref<const std::string&>());
    }
  } else {
    out.text("unacked");
  }
  out.close("span");
  out.close("div");

  out.close("div");  // status-main
  out.close("li");
}

}  // namespace

bool is_http_url(std::string_view url) noexcept {
  const auto starts_with = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts_with("http://") || starts_with("https://");
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      case '\0':
        out += replacement_character;
        ++i;
        continue;  // the HTML parser drops NUL
      default: break;
    }
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out += replacement_character;
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string render_status_html(const nlohmann::json& status) {
  try {
    html out;
    render(status, out);
    return out.take();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (...) {
    // Nothing above should throw; if a json accessor ever does, show no data rather than fail.
    return R"(<li class="status unacked" data-level="0" data-acked="false"><div class="status-avatar"></div>)"
           R"(<div class="status-main"><div class="status-header"></div>)"
           R"(<div class="status-text"></div><div class="status-footer"></div></div></li>)";
  }
}

}  // namespace roost::web
