// The Atom rendering: structure, escaping, timestamps. The HTTP tests check the same
// output with a real XML parser.
#include <catch2/catch.hpp>

#include "atom_feed.hpp"

using namespace roost;
using namespace roost::web;

namespace {

timestamp at(const char* text) { return *parse_timestamp(text); }

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("timestamps are RFC 3339 in UTC") {
  CHECK(format_rfc3339(at("Thu May 16 21:56:23 +0900 2013")) == "2013-05-16T12:56:23Z");
  CHECK(format_rfc3339(at("2013-05-16T12:56:23.25Z")) == "2013-05-16T12:56:23.250000Z");
  CHECK(format_rfc3339(timestamp{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("XML escaping covers markup, quotes and characters XML cannot carry") {
  CHECK(xml_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  CHECK(xml_escape("caf\xC3\xA9 \xF0\x9F\x90\xA6") == "caf\xC3\xA9 \xF0\x9F\x90\xA6");
  CHECK(xml_escape(std::string("a\x01"
                               "b\tc",
                               5)) ==
        "a\xEF\xBF\xBD"
        "b\tc");
  CHECK(xml_escape("\xEF\xBF\xBE") == "\xEF\xBF\xBD");
  CHECK(percent_encode("a/b c\xF0\x9F\x90\xA6~") == "a%2Fb%20c%F0%9F%90%A6~");
}

TEST_CASE("a feed has the required elements and one entry per status") {
  const std::vector<std::string> texts{
      R"({"id":"2","text":"<b>bold</b> & \"q\" caf\u00e9","created_at":"Thu May 16 12:56:23 +0000 2013",)"
      R"("busybird":{"acked_at":"2013-05-17T00:00:00Z","status_permalink":"https://example.com/s/2?a=1&b=2"},)"
      R"("user":{"screen_name":"bird"}})",
      R"j({"id":1,"busybird":{"status_permalink":"javascript:alert(1)"}})j"};
  const auto xml = render_atom("a/b", "http://h:1", texts, at("2020-01-01T00:00:00Z"));
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
                  "xmlns=\"http://www.w3.org/2005/Atom\">",
                  0) == 0);
  CHECK(occurrences(xml, "<entry>") == 2);
  CHECK(xml.find("<id>tag:roost,2024:timelines/a%2Fb</id>") != std::string::npos);
  CHECK(xml.find("<id>tag:roost,2024:timelines/a%2Fb/statuses/2</id>") != std::string::npos);
  CHECK(xml.find("<updated>2013-05-17T00:00:00Z</updated>") != std::string::npos);  // acked_at wins
  CHECK(xml.find("<published>2013-05-16T12:56:23Z</published>") != std::string::npos);
  CHECK(xml.find("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot; caf\xC3\xA9") != std::string::npos);
  CHECK(xml.find("<b>") == std::string::npos);
  CHECK(xml.find("href=\"https://example.com/s/2?a=1&amp;b=2\"") != std::string::npos);
  CHECK(xml.find("href=\"javascript:") == std::string::npos);  // not a web link: the viewer instead
  CHECK(xml.find("href=\"http://h:1/timelines/a%2Fb/\"") != std::string::npos);
  CHECK(xml.find("<author><name>bird</name>") != std::string::npos);
  // No timestamps: the entry's updated is `now`, the feed's the newest entry's.
  CHECK(xml.find("<updated>2020-01-01T00:00:00Z</updated>") != std::string::npos);
  CHECK(occurrences(xml, "<updated>") == 3);
}

TEST_CASE("an empty timeline is a valid feed updated now") {
  const auto xml = render_atom("home", "http://h", {}, at("2020-01-01T00:00:00Z"));
  CHECK(xml.find("<updated>2020-01-01T00:00:00Z</updated>") != std::string::npos);
  CHECK(xml.find("<entry>") == std::string::npos);
  CHECK(xml.find("</feed>") != std::string::npos);
}
