#include "atom_feed.hpp"

#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "storage/status.hpp"

namespace roost::web {
namespace {

using json = nlohmann::json;

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// The first `max` code points of `text` (valid UTF-8), with "…" when cut.
std::string shortened(std::string_view text, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (points++ == max) return std::string(text.substr(0, i)) + "\xE2\x80\xA6";
  }
  return std::string(text);
}

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<timestamp> timestamp_at(const json& object, const char* key) {
  const auto text = string_at(object, key);
  return text.empty() ? std::nullopt : parse_timestamp(text);
}

// Statuses may carry links of any kind; only web links become entry links.
bool web_link(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void element(std::string& out, std::string_view name, std::string_view text,
             std::string_view attributes = {}) {
  out += '<';
  out += name;
  out += attributes;
  out += '>';
  out += xml_escape(text);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += replacement;  // XML 1.0 has no way to write these, not even as references
        } else if (c == 0xEF && i + 2 < text.size() && text[i + 1] == '\xBF' &&
                   (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
          out += replacement;  // U+FFFE, U+FFFF
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string format_rfc3339(timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss time(t - day);
  char buffer[40];
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return format_rfc3339(timestamp{});  // RFC 3339 has 4 digits
  const auto micros = time.subseconds().count();
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02lld", year,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  std::string out = buffer;
  if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    out += buffer;
  }
  return out + "Z";
}

std::string render_atom(const std::string& timeline, std::string_view base_url,
                        const std::vector<std::string>& status_texts, timestamp now) {
  const std::string timeline_url =
      std::string(base_url) + "/timelines/" + percent_encode(timeline) + "/";
  const std::string tag = "tag:roost,2024:timelines/" + percent_encode(timeline);

  std::string entries;
  std::optional<timestamp> newest;
  for (const auto& text : status_texts) {
    const auto s = json::parse(text);
    if (!s.is_object()) throw std::invalid_argument("a stored status is not a JSON object");
    const auto id = id_text(s.at("id"));
    const auto busybird = s.find("busybird");
    const bool has_busybird = busybird != s.end() && busybird->is_object();
    const auto created = timestamp_at(s, "created_at");
    const auto acked = has_busybird ? timestamp_at(*busybird, "acked_at") : std::nullopt;
    const auto updated = acked ? *acked : created ? *created : now;
    if (!newest || updated > *newest) newest = updated;
    auto link = has_busybird ? string_at(*busybird, "status_permalink") : std::string();
    if (!web_link(link)) link = timeline_url;
    const auto body = string_at(s, "text");
    std::string author;
    if (const auto user = s.find("user"); user != s.end() && user->is_object()) {
      author = string_at(*user, "name");
      if (author.empty()) author = string_at(*user, "screen_name");
    }

    entries += "<entry>\n";
    element(entries, "id", tag + "/statuses/" + percent_encode(id));
    element(entries, "title", body.empty() ? "Status " + id : shortened(body, 100),
            " type=\"text\"");
    element(entries, "updated", format_rfc3339(updated));
    if (created) element(entries, "published", format_rfc3339(*created));
    if (!author.empty()) {
      entries += "<author>";
      element(entries, "name", author);
      entries += "</author>\n";
    }
    entries += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(link) + "\"/>\n";
    // Statuses without text still say something: their JSON.
    element(entries, "content", body.empty() ? text : body, " type=\"text\"");
    entries += "</entry>\n";
  }

  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  element(out, "id", tag);
  element(out, "title", "Roost: " + timeline, " type=\"text\"");
  element(out, "updated", format_rfc3339(newest.value_or(now)));
  out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" +
         xml_escape(timeline_url + "statuses.atom") + "\"/>\n";
  out += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(timeline_url) + "\"/>\n";
  out += "<author><name>Roost</name></author>\n<generator>Roost</generator>\n";
  out += entries;
  out += "</feed>\n";
  return out;
}

}  // namespace roost::web
