// statuses.html rendering (status_html.hpp) and the embedded viewer files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "embedded_assets.hpp"
#include "status_html.hpp"

using nlohmann::json;
using roost::web::render_status_html;

namespace {

// Values of every `name="..."` attribute in `html`, entity references left as they are.
std::vector<std::string> attribute_values(const std::string& html, const std::string& name) {
  std::vector<std::string> values;
  const std::string key = " " + name + "=\"";
  for (auto at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    const auto start = at + key.size();
    const auto end = html.find('"', start);
    REQUIRE(end != std::string::npos);
    values.push_back(html.substr(start, end - start));
  }
  return values;
}

bool starts_with_http(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

bool is_valid_utf8(const std::string& s) {
  try {
    (void)json(s).dump();  // nlohmann's dump throws type_error 316 on invalid UTF-8
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

// Every tag the renderer may write; anything else in the output came from the data.
void require_only_known_tags(const std::string& html) {
  static const std::vector<std::string> known = {"li", "div", "a", "span", "img", "time"};
  for (auto at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    auto start = at + 1;
    if (start < html.size() && html[start] == '/') ++start;
    auto end = html.find_first_of(" >", start);
    REQUIRE(end != std::string::npos);
    const auto tag = html.substr(start, end - start);
    INFO(html);
    REQUIRE(std::find(known.begin(), known.end(), tag) != known.end());
  }
}

const std::string evil = "<b>\"x'&y</b>";
const std::string evil_escaped = "&lt;b&gt;&quot;x&#39;&amp;y&lt;/b&gt;";

}  // namespace

TEST_CASE("a plain status renders its fields") {
  const json status = {{"id", "tw/1 2"},
                       {"created_at", "Thu May 16 12:56:23 +0000 2013"},
                       {"text", "hello"},
                       {"user",
                        {{"name", "Alice"},
                         {"screen_name", "alice"},
                         {"profile_image_url_https", "https://img.example/a.png"}}},
                       {"busybird",
                        {{"level", 3},
                         {"status_permalink", "https://example.com/s/1"},
                         {"user_permalink", "https://example.com/alice"}}}};
  const auto html = render_status_html(status);
  CHECK(html.rfind(
            R"(<li class="status unacked" data-id="tw/1 2" data-level="3" data-acked="false">)",
            0) == 0);
  CHECK(html.size() >= 5);
  CHECK(html.substr(html.size() - 5) == "</li>");
  CHECK(contains(html, R"(<img class="status-avatar-image" src="https://img.example/a.png")"));
  CHECK(contains(
      html,
      R"(<a class="status-user" href="https://example.com/alice" target="_blank" rel="noopener noreferrer"><span class="status-user-name">Alice</span> <span class="status-screen-name">@alice</span></a>)"));
  CHECK(contains(html, R"(<div class="status-text">hello</div>)"));
  CHECK(contains(
      html,
      R"(<a class="status-permalink" href="https://example.com/s/1" target="_blank" rel="noopener noreferrer"><time class="status-time" datetime="2013-05-16T12:56:23Z">Thu May 16 12:56:23 +0000 2013</time></a>)"));
  CHECK(contains(html, R"(<span class="status-level">level 3</span>)"));
  CHECK(contains(html, R"(<span class="status-state">unacked</span>)"));
  CHECK_FALSE(contains(html, "status-media"));
  CHECK_FALSE(contains(html, "status-repost"));
}

TEST_CASE("acked statuses are marked, with their ack time") {
  const json status = {{"id", 42},
                       {"text", "x"},
                       {"created_at", "2013-05-16T21:56:23.75+09:00"},
                       {"busybird", {{"acked_at", "Thu, 16 May 2013 13:00:00 GMT"}}}};
  const auto html = render_status_html(status);
  CHECK(html.rfind(R"(<li class="status acked" data-id="42" data-level="0" data-acked="true">)",
                   0) == 0);
  CHECK(contains(
      html,
      R"(<span class="status-permalink"><time class="status-time" datetime="2013-05-16T12:56:23Z">)"));
  CHECK(contains(
      html,
      R"(<span class="status-state">acked <time class="status-acked-time" datetime="2013-05-16T13:00:00Z">Thu, 16 May 2013 13:00:00 GMT</time></span>)"));
}

TEST_CASE("the data attributes say what the viewer needs: id, level, acked") {
  const auto li = [](const json& status) {
    const auto html = render_status_html(status);
    return html.substr(0, html.find('>') + 1);
  };
  CHECK(li({{"id", "a"}}) ==
        R"(<li class="status unacked" data-id="a" data-level="0" data-acked="false">)");
  CHECK(li({{"id", "a"}, {"busybird", {{"acked_at", nullptr}, {"level", 1}}}}) ==
        R"(<li class="status unacked" data-id="a" data-level="1" data-acked="false">)");
  CHECK(li({{"id", "a"}, {"busybird", {{"acked_at", "Thu May 16 12:56:23 +0000 2013"}}}}) ==
        R"(<li class="status acked" data-id="a" data-level="0" data-acked="true">)");
  // No id member, no data-id; an id of a type no stored status has reads "".
  CHECK(li(json::object()) == R"(<li class="status unacked" data-level="0" data-acked="false">)");
  CHECK(li({{"id", 1.5}}) ==
        R"(<li class="status unacked" data-id="" data-level="0" data-acked="false">)");
}

TEST_CASE("data-id is the id as the store reads it, for any integer") {
  // The viewer sends data-id back in ack.json and max_id, where an integer id is read as its
  // decimal digits: every digit must be there, past JavaScript's 2^53 too.
  for (const auto& [id, text] : std::vector<std::pair<json, std::string>>{
           {json(0), "0"},
           {json(-7), "-7"},
           {json(9007199254740993LL), "9007199254740993"},
           {json(-9223372036854775807LL - 1), "-9223372036854775808"},
           {json(18446744073709551615ULL), "18446744073709551615"}}) {
    INFO(id.dump());
    CHECK(contains(render_status_html({{"id", id}}), "data-id=\"" + text + "\""));
  }
}

TEST_CASE("data-id carries a CR that the HTML parser would turn into LF") {
  // A raw CR (or CR LF) in an attribute reads back as LF; a character reference does not.
  const auto html = render_status_html({{"id", "a\r\nb\rc\nd\te"}, {"text", "x\r\ny"}});
  INFO(html);
  CHECK(contains(html, "data-id=\"a&#13;\nb&#13;c\nd\te\""));
  CHECK(contains(html, "<div class=\"status-text\">x\r\ny</div>"));  // text: shown, not sent back
}

TEST_CASE("the level shown is the level the store counts the status under") {
  for (const auto level :
       {std::int64_t{-3}, std::int64_t{9007199254740993LL},
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    const auto html = render_status_html({{"id", "l"}, {"busybird", {{"level", level}}}});
    INFO(html);
    CHECK(contains(html, "data-level=\"" + std::to_string(level) + "\""));
    CHECK(
        contains(html, "<span class=\"status-level\">level " + std::to_string(level) + "</span>"));
  }
  // Beyond 64 bits the store refuses the status; here it reads 0.
  CHECK(contains(render_status_html({{"busybird", {{"level", 18446744073709551615ULL}}}}),
                 "data-level=\"0\""));
}

TEST_CASE("a created_at that does not parse is shown as text without datetime") {
  const auto html = render_status_html({{"id", "a"}, {"created_at", "yesterday <3"}});
  CHECK(contains(html, R"(<time class="status-time">yesterday &lt;3</time>)"));
}

TEST_CASE("every string from the status is escaped") {
  const json status = {
      {"id", evil},
      {"created_at", evil},
      {"text", evil + " " + evil},
      {"user", {{"name", evil}, {"screen_name", evil}, {"profile_image_url", "https://i/" + evil}}},
      {"entities",
       {{"urls",
         {{{"indices", {0, 12}},
           {"url", "https://t/" + evil},
           {"expanded_url", "https://e/" + evil},
           {"display_url", evil}}}},
        {"hashtags", {{{"indices", {13, 25}}, {"text", evil}}}}}},
      {"extended_entities",
       {{"media",
         {{{"media_url_https", "https://m/" + evil}, {"expanded_url", "https://x/" + evil}}}}}},
      {"busybird",
       {{"acked_at", evil},
        {"status_permalink", "https://p/" + evil},
        {"user_permalink", "https://u/" + evil}}}};
  const auto html = render_status_html(status);
  INFO(html);
  require_only_known_tags(html);
  CHECK_FALSE(contains(html, "<b>"));
  CHECK_FALSE(contains(html, "'"));
  // id, created_at, acked_at, name, screen name, display_url, the hashtag's text, and the
  // URLs of the avatar, the link, the hashtag search, the media, both permalinks.
  CHECK(contains(html, "data-id=\"" + evil_escaped + "\""));
  CHECK(contains(html, "<span class=\"status-user-name\">" + evil_escaped + "</span>"));
  CHECK(contains(html, "<span class=\"status-screen-name\">@" + evil_escaped + "</span>"));
  CHECK(contains(html, "src=\"https://i/" + evil_escaped + "\""));
  CHECK(contains(html, "href=\"https://e/" + evil_escaped + "\""));
  CHECK(contains(html, ">" + evil_escaped + "</a>"));  // display_url
  CHECK(contains(html, "href=\"https://twitter.com/search?q=%23%3Cb%3E%22x'%26y%3C%2Fb%3E\"") ==
        false);  // the ' of encodeURIComponent's output is escaped like any other
  CHECK(contains(html, "href=\"https://twitter.com/search?q=%23%3Cb%3E%22x&#39;%26y%3C%2Fb%3E\""));
  CHECK(contains(html, "src=\"https://m/" + evil_escaped + "\""));
  CHECK(contains(html, "href=\"https://x/" + evil_escaped + "\""));
  CHECK(contains(html, "href=\"https://p/" + evil_escaped + "\""));
  CHECK(contains(html, "href=\"https://u/" + evil_escaped + "\""));
  CHECK(contains(html, "<time class=\"status-time\">" + evil_escaped + "</time>"));
  CHECK(contains(html, "<time class=\"status-acked-time\">" + evil_escaped + "</time>"));
}

TEST_CASE("escape_html replaces the five characters and bad UTF-8") {
  using roost::web::escape_html;
  CHECK(escape_html("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  CHECK(escape_html("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(escape_html("a\xFF"
                    "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(escape_html("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(escape_html("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
  CHECK(escape_html(std::string("a\0b", 3)) ==
        "a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("only http(s) URLs become links or images") {
  const std::vector<std::string> bad_urls = {"javascript:alert(1)",
                                             "JavaScript:alert(1)",
                                             " javascript:alert(1)",
                                             "\tjavascript:alert(1)",
                                             "data:text/html,<script>alert(1)</script>",
                                             "data:image/png;base64,AAAA",
                                             "vbscript:x",
                                             "//evil.example/x",
                                             "/relative",
                                             "ftp://example.com/x",
                                             "http:/x",
                                             "htt\tp://x",
                                             "",
                                             "https",
                                             "java\nscript:x"};
  for (const auto& url : bad_urls) {
    INFO("url: " << json(url).dump());
    const json status = {
        {"id", "1"},
        {"text", "see link #tag @bob"},
        {"user", {{"name", "n"}, {"profile_image_url", url}, {"profile_image_url_https", url}}},
        {"entities",
         {{"urls", {{{"indices", {4, 8}}, {"url", url}, {"expanded_url", url}}}},
          {"media",
           {{{"indices", {0, 3}},
             {"url", url},
             {"media_url", url},
             {"media_url_https", url},
             {"expanded_url", url}}}}}},
        {"busybird", {{"status_permalink", url}, {"user_permalink", url}}},
        {"created_at", "2013-05-16T12:56:23Z"}};
    const auto html = render_status_html(status);
    for (const auto& href : attribute_values(html, "href")) {
      INFO(html);
      CHECK(starts_with_http(href));
    }
    CHECK(attribute_values(html, "src").empty());
    CHECK(contains(html, R"(<div class="status-text">see link #tag @bob</div>)"));
    CHECK(contains(html, R"(<span class="status-user">)"));
    CHECK(contains(html, R"(<span class="status-permalink">)"));
  }
  CHECK(roost::web::is_http_url("HTTPS://EXAMPLE.COM/"));
  CHECK(roost::web::is_http_url("http://x"));
  CHECK_FALSE(roost::web::is_http_url("https:x"));
}

TEST_CASE("entity indices count code points, so emoji before an entity do not shift it") {
  // 😀 is one code point (four UTF-8 bytes, two UTF-16 units); é is one (two bytes).
  const std::string text = "\xF0\x9F\x98\x80\xC3\xA9 see https://t.co/abc #ro\xC3\xB6st @bob!";
  // code points: 0 😀, 1 é, 2 ' ', 3..5 "see", 6 ' ', 7..22 the URL, 23 ' ', 24..29 #roöst,
  // 30 ' ', 31..34 @bob, 35 '!'
  const json status = {{"id", "e"},
                       {"text", text},
                       {"entities",
                        {{"urls",
                          {{{"indices", {7, 23}},
                            {"url", "https://t.co/abc"},
                            {"expanded_url", "https://example.com/long"},
                            {"display_url", "example.com/long"}}}},
                         {"hashtags", {{{"indices", {24, 30}}, {"text", "ro\xC3\xB6st"}}}},
                         {"user_mentions", {{{"indices", {31, 35}}, {"screen_name", "bob"}}}}}}};
  const auto html = render_status_html(status);
  INFO(html);
  CHECK(contains(
      html,
      "<div class=\"status-text\">\xF0\x9F\x98\x80\xC3\xA9 see "
      R"(<a class="status-link" href="https://example.com/long" target="_blank" rel="noopener noreferrer">example.com/long</a> )"
      R"(<a class="status-hashtag" href="https://twitter.com/search?q=%23ro%C3%B6st" target="_blank" rel="noopener noreferrer">#ro)"
      "\xC3\xB6st</a> "
      R"(<a class="status-mention" href="https://twitter.com/bob" target="_blank" rel="noopener noreferrer">@bob</a>!</div>)"));
}

TEST_CASE("entities out of range, overlapping or malformed leave the text plain") {
  const std::string text = "abc def ghi";
  const auto render_with = [&](json urls) {
    return render_status_html({{"id", "x"}, {"text", text}, {"entities", {{"urls", urls}}}});
  };
  const auto link = [](json indices) {
    return json{{"indices", indices}, {"url", "https://l.example/"}};
  };
  const std::string plain = R"(<div class="status-text">abc def ghi</div>)";
  for (const json& indices : {json{0, 12}, json{-1, 3}, json{3, 3}, json{5, 2}, json{0},
                              json::array(), json("0,3"), json{"0", "3"}, json{0.5, 3},
                              json{nullptr, 3}, json{0, 1e300}, json{0, 18446744073709551615ULL},
                              json{-9223372036854775807LL - 1, 3}, json{json::array(), 3}}) {
    INFO(indices.dump());
    CHECK(contains(render_with(json::array({link(indices)})), plain));
  }
  // Overlap: the entity that starts first wins, one overlapping it stays plain.
  const auto html = render_with(json::array({link({4, 11}), link({0, 5}), link({8, 11})}));
  CHECK(occurrences(html, "<a class=\"status-link\"") == 2);
  CHECK(contains(html, R"(">abc d</a>ef <a class="status-link")"));
  CHECK(contains(html, R"(">ghi</a></div>)"));
  // Integral floats are accepted, like JavaScript's Number.isInteger.
  CHECK(contains(render_with(json::array({link({0.0, 3.0})})), R"(">abc</a> def ghi</div>)"));
  // Entities given as something other than objects in arrays.
  for (const json& entities :
       {json("x"), json(3), json::array({1, 2}), json{{"urls", "x"}},
        json{{"urls", {1, "x", nullptr}}}, json{{"hashtags", {{{"indices", {0, 3}}}}}},
        json{{"user_mentions", {{{"indices", {0, 3}}, {"screen_name", 7}}}}}}) {
    INFO(entities.dump());
    CHECK(contains(render_status_html({{"text", text}, {"entities", entities}}), plain));
  }
}

TEST_CASE("images come from media entities, extended ones first") {
  const json status = {{"id", "m"},
                       {"text", "pic https://t.co/p"},
                       {"entities",
                        {{"media",
                          {{{"indices", {4, 18}},
                            {"url", "https://t.co/p"},
                            {"media_url_https", "https://img/0.jpg"},
                            {"expanded_url", "https://example.com/photo/1"},
                            {"display_url", "pic.example/1"}}}}}},
                       {"extended_entities",
                        {{"media",
                          {{{"media_url_https", "https://img/1.jpg"},
                            {"expanded_url", "https://example.com/photo/1"}},
                           {{"media_url", "http://img/2.jpg"}},
                           {{"media_url", "javascript:alert(1)"}},
                           "junk"}}}}};
  const auto html = render_status_html(status);
  INFO(html);
  CHECK(contains(
      html,
      R"(<div class="status-text">pic <a class="status-link" href="https://example.com/photo/1" target="_blank" rel="noopener noreferrer">pic.example/1</a></div>)"));
  CHECK(contains(
      html,
      R"(<div class="status-media">)"
      R"(<a class="status-media-link" href="https://example.com/photo/1" target="_blank" rel="noopener noreferrer"><img class="status-media-image" src="https://img/1.jpg" alt="" loading="lazy" referrerpolicy="no-referrer"></a>)"
      R"(<a class="status-media-link" href="http://img/2.jpg" target="_blank" rel="noopener noreferrer"><img class="status-media-image" src="http://img/2.jpg" alt="" loading="lazy" referrerpolicy="no-referrer"></a>)"
      R"(</div>)"));
  CHECK_FALSE(contains(html, "img/0.jpg"));
}

TEST_CASE("a repost shows the inner status and who reposted it") {
  const json status = {
      {"id", "rt1"},
      {"text", "RT @orig: inner"},
      {"user", {{"screen_name", "reposter"}}},
      {"created_at", "Fri May 17 08:00:00 +0000 2013"},
      {"busybird",
       {{"level", -2}, {"user_permalink", "https://example.com/reposter"}, {"acked_at", nullptr}}},
      {"retweeted_status",
       {{"id", "in1"},
        {"text", "inner"},
        {"user", {{"name", "Orig"}}},
        {"created_at", "Thu May 16 12:56:23 +0000 2013"},
        {"busybird", {{"status_permalink", "https://example.com/in1"}}}}}};
  const auto html = render_status_html(status);
  INFO(html);
  CHECK(
      html.rfind(
          R"(<li class="status unacked" data-id="rt1" data-level="-2" data-acked="false"><div class="status-repost">Reposted by <a class="status-repost-user" href="https://example.com/reposter")",
          0) == 0);
  // Both times, each saying which it is: when it was reposted, when it was posted.
  CHECK(contains(
      html,
      R"(rel="noopener noreferrer">@reposter</a> <time class="status-repost-time" datetime="2013-05-17T08:00:00Z">Fri May 17 08:00:00 +0000 2013</time></div>)"));
  CHECK(contains(
      html,
      R"(posted <time class="status-time" datetime="2013-05-16T12:56:23Z">Thu May 16 12:56:23 +0000 2013</time>)"));
  CHECK(contains(html,
                 R"(<span class="status-user"><span class="status-user-name">Orig</span></span>)"));
  CHECK(contains(html, R"(<div class="status-text">inner</div>)"));
  CHECK(contains(html, R"(href="https://example.com/in1")"));
  CHECK(contains(html, R"(<span class="status-level">level -2</span>)"));
}

TEST_CASE("hostile structures never throw and still give one <li>") {
  std::vector<json> cases = {
      nullptr,
      42,
      "text",
      json::array(),
      json::object(),
      true,
      1.5,
      {{"text", 5}},
      {{"text", nullptr}},
      {{"text", json::array({"a"})}},
      {{"id", json::array()}},
      {{"id", nullptr}},
      {{"id", 1.5}},
      {{"id", -7}},
      {{"user", "bob"}},
      {{"user", json::array()}},
      {{"user", {{"name", 3}, {"screen_name", json::object()}}}},
      {{"busybird", "x"}},
      {{"busybird", {{"level", "high"}}}},
      {{"busybird", {{"level", 1e300}}}},
      {{"busybird", {{"level", 2.5}}}},
      {{"busybird", {{"level", 18446744073709551615ULL}}}},
      {{"busybird", {{"acked_at", 5}}}},
      {{"busybird", {{"acked_at", json::object()}}}},
      {{"busybird", {{"status_permalink", 5}, {"user_permalink", json::array()}}}},
      {{"created_at", 12}},
      {{"created_at", "Thu May 99 99:99:99 +9999 2013"}},
      {{"retweeted_status", "x"}},
      {{"retweeted_status", json::array()}},
      {{"retweeted_status", {{"retweeted_status", {{"text", "deep"}}}}}},
      {{"entities", nullptr}},
      {{"extended_entities", {{"media", json::object()}}}},
      {{"text", "\xFF\xFE bad utf-8"},
       {"entities", {{"urls", {{{"indices", {0, 2}}, {"url", "https://x"}}}}}}},
      {{"text", std::string("nul\0here", 8)}},
      {{"text", "x"}, {"entities", {{"hashtags", {{{"indices", {0, 1}}, {"text", "\xFF"}}}}}}},
  };
  // Deep nesting.
  json deep = {{"text", "deep"}};
  for (int i = 0; i < 200; ++i) deep = {{"retweeted_status", deep}, {"text", i}};
  cases.push_back(deep);
  for (const auto& status : cases) {
    std::string html;
    REQUIRE_NOTHROW(html = render_status_html(status));
    INFO(html);
    CHECK(html.rfind("<li class=\"status ", 0) == 0);
    CHECK(occurrences(html, "<li") == 1);
    CHECK(html.substr(html.size() - 5) == "</li>");
    CHECK(is_valid_utf8(html));
    require_only_known_tags(html);
  }
  CHECK(contains(render_status_html({{"busybird", {{"acked_at", 5}}}}), "class=\"status acked\""));
  CHECK(contains(render_status_html({{"busybird", {{"level", 2.5}}}}), "data-level=\"0\""));
  CHECK(contains(render_status_html({{"busybird", {{"level", 2.0}}}}), "data-level=\"0\""));
  CHECK(contains(render_status_html({{"text", std::string("a\0b", 3)}}),
                 "a\xEF\xBF\xBD"
                 "b"));
}

TEST_CASE("randomly built statuses never throw") {
  std::mt19937 rng(20240611);
  const std::vector<std::string> keys = {"id",
                                         "text",
                                         "user",
                                         "name",
                                         "screen_name",
                                         "profile_image_url",
                                         "entities",
                                         "urls",
                                         "hashtags",
                                         "user_mentions",
                                         "media",
                                         "extended_entities",
                                         "indices",
                                         "url",
                                         "expanded_url",
                                         "display_url",
                                         "media_url",
                                         "media_url_https",
                                         "busybird",
                                         "level",
                                         "acked_at",
                                         "status_permalink",
                                         "user_permalink",
                                         "retweeted_status",
                                         "created_at"};
  const std::vector<std::string> strings = {"",
                                            "x",
                                            "https://a.example/\"<>",
                                            "javascript:alert(1)",
                                            "\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
                                            "\xFF",
                                            "<script>",
                                            "Thu May 16 12:56:23 +0000 2013",
                                            "#tag"};
  std::function<json(int)> random_value = [&](int depth) -> json {
    switch (rng() % (depth > 4 ? 5 : 8)) {
      case 0: return nullptr;
      case 1: return static_cast<int>(rng() % 40) - 5;
      case 2: return strings[rng() % strings.size()];
      case 3: return (rng() % 2) == 0;
      case 4: return static_cast<double>(rng() % 100) / 7.0;
      case 5: {
        json a = json::array();
        for (unsigned i = rng() % 4; i > 0; --i) a.push_back(random_value(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (unsigned i = rng() % 6; i > 0; --i)
          o[keys[rng() % keys.size()]] = random_value(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 3000; ++i) {
    const json status = random_value(0);
    std::string html;
    REQUIRE_NOTHROW(html = render_status_html(status));
    REQUIRE(occurrences(html, "<li") == 1);
    REQUIRE(is_valid_utf8(html));
  }
}

TEST_CASE("the viewer's files are embedded with content types") {
  using roost::web::find_asset;
  const auto* index = find_asset("index.html");
  REQUIRE(index != nullptr);
  CHECK(index->name == "index.html");
  CHECK(index->content_type == "text/html; charset=utf-8");
  const auto* timeline = find_asset("timeline.html");
  REQUIRE(timeline != nullptr);
  CHECK(timeline->body.find("{{ROOST_CONFIG}}") != std::string_view::npos);
  CHECK(index->body.find("{{ROOST_CONFIG}}") != std::string_view::npos);
  REQUIRE(find_asset("viewer-timeline.js") != nullptr);
  CHECK(find_asset("viewer-timeline.js")->content_type == "text/javascript; charset=utf-8");
  REQUIRE(find_asset("viewer.css") != nullptr);
  CHECK(find_asset("viewer.css")->content_type == "text/css; charset=utf-8");
  for (const std::string_view missing :
       {std::string_view(""), std::string_view("nope.js"), std::string_view("../index.html"),
        std::string_view("/index.html"), std::string_view("index.html/"),
        std::string_view("INDEX.HTML"), std::string_view("viewer-net.js\0x", 15)})
    CHECK(find_asset(missing) == nullptr);

  // Every file of web/viewer/ is there, byte for byte.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(ROOST_VIEWER_DIR)) {
    if (!entry.is_regular_file()) continue;
    const auto name = entry.path().lexically_relative(ROOST_VIEWER_DIR).generic_string();
    if (name.front() == '.' || name.back() == '~') continue;
    INFO(name);
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const auto* asset = find_asset(name);
    REQUIRE(asset != nullptr);
    CHECK(asset->body == bytes.str());
    ++files;
  }
  CHECK(files >= 4);
}

namespace {

// The attribute text of each <script ...> tag of `html` (what lies between "<script" and
// ">"). A scan, not std::regex: GCC 12 warns falsely inside <regex> under the sanitizers.
std::vector<std::string> script_attributes(const std::string& html) {
  std::vector<std::string> out;
  for (auto at = html.find("<script"); at != std::string::npos; at = html.find("<script", at)) {
    at += 7;
    const auto end = html.find('>', at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end - at));
    at = end;
  }
  return out;
}

// The module specifiers of the import and export-from statements that begin a line of
// `js`: `import ... from 'x'`, `export ... from 'x'` and `import 'x'` (quoted either way).
std::vector<std::string> import_specifiers(const std::string& js) {
  std::vector<std::string> out;
  for (std::size_t line = 0; line < js.size();) {
    auto at = js.find_first_not_of(" \t", line);
    const auto next_line = js.find('\n', line);
    line = next_line == std::string::npos ? js.size() : next_line + 1;
    if (at == std::string::npos) break;
    const bool is_import = js.compare(at, 7, "import ") == 0 || js.compare(at, 7, "import'") == 0 ||
                           js.compare(at, 7, "import\"") == 0;
    const bool is_export = js.compare(at, 7, "export ") == 0;
    if (!is_import && !is_export) continue;
    const auto statement_end = js.find(';', at);
    const auto statement =
        js.substr(at, statement_end == std::string::npos ? std::string::npos : statement_end - at);
    // The specifier is the statement's last quoted string: after `from`, or alone.
    const auto close = statement.find_last_of("'\"");
    if (close == std::string::npos || close == 0) continue;
    const auto open = statement.find_last_of(statement[close], close - 1);
    if (open == std::string::npos) continue;
    const auto before = statement.substr(0, open);
    const auto last = before.find_last_not_of(" \t\n");
    const bool after_from =
        last != std::string::npos && last >= 3 && before.compare(last - 3, 4, "from") == 0;
    const bool bare_import = is_import && before.find_first_not_of(" \t", 6) == std::string::npos;
    if (!after_from && !bare_import) continue;
    out.push_back(statement.substr(open + 1, close - open - 1));
  }
  return out;
}

}  // namespace

TEST_CASE("the pages' modules and everything they import are embedded, one segment each") {
  // The server serves /static/{name} with one path segment only, under a CSP without
  // inline script: each page loads its module by src, each module imports ./name.js.
  using roost::web::find_asset;
  std::vector<std::string> pending;
  for (const char* page : {"index.html", "timeline.html"}) {
    INFO(page);
    const auto* asset = find_asset(page);
    REQUIRE(asset != nullptr);
    const std::string html(asset->body);
    std::size_t modules = 0;
    for (const auto& attributes : script_attributes(html)) {
      INFO(attributes);
      if (attributes == R"( type="application/json" id="roost-config")")
        continue;  // data, not script
      const std::string prefix = R"( type="module" src="/static/)";
      REQUIRE(attributes.rfind(prefix, 0) == 0);
      REQUIRE(attributes.back() == '"');
      const auto name = attributes.substr(prefix.size(), attributes.size() - prefix.size() - 1);
      REQUIRE(!name.empty());
      REQUIRE(name.find_first_of("/\"") == std::string::npos);
      pending.push_back(name);
      ++modules;
    }
    CHECK(modules == 1);
  }
  std::vector<std::string> seen;
  while (!pending.empty()) {
    const auto name = pending.back();
    pending.pop_back();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    INFO("module " << name);
    const auto* asset = find_asset(name);
    REQUIRE(asset != nullptr);
    CHECK(asset->content_type == "text/javascript; charset=utf-8");
    const std::string js(asset->body);
    for (const auto& specifier : import_specifiers(js)) {
      INFO("imports " << specifier);
      REQUIRE(specifier.rfind("./", 0) == 0);
      REQUIRE(specifier.find('/', 2) == std::string::npos);
      pending.push_back(specifier.substr(2));
    }
  }
  // Both pages and the modules they share: more than the two entry points.
  CHECK(seen.size() > 2);
}
