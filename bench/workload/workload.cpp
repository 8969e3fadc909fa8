#include "workload/workload.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "storage/timestamp.hpp"

namespace roost::workload {
namespace {

// splitmix64: fully specified, so the same seed gives the same statuses with every
// compiler and standard library (std::uniform_int_distribution does not promise that).
class rng {
public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform enough for picking words: the modulo bias is below 1e-15 for these sizes.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 24> ascii_words = {
    "the",    "morning", "coffee", "build",  "release", "timeline", "server", "quiet",
    "river",  "garden",  "update", "deploy", "green",   "today",    "window", "paper",
    "signal", "north",   "music",  "status", "light",   "train",    "simple", "notes"};

// Words made only of non-ASCII characters, so that mixing them with ascii_words controls
// the non-ASCII share of a text exactly. Japanese, Greek, Cyrillic, symbols and emoji.
constexpr std::array<std::string_view, 20> non_ascii_words = {
    "東京",     "今日は",   "ありがとう", "ラーメン", "天気",   "日本語", "桜",
    "雨上がり", "καλημέρα", "θάλασσα",    "ήλιος",    "привет", "время",  "дождь",
    "ёлка",     "☕",        "🎉",          "→",        "…",      "✓"};

constexpr std::array<std::string_view, 12> hashtags = {"roost",  "busybird", "coffee",  "release",
                                                       "東京",   "music",    "garden",  "καλημέρα",
                                                       "deploy", "rain",     "weekend", "notes"};

constexpr std::array<std::string_view, 10> given_names = {
    "Alice", "Bruno", "Chloé", "Dmitri", "Emi", "Farah", "Göran", "Hana", "Ian", "Júlia"};
constexpr std::array<std::string_view, 10> family_names = {
    "Tanaka", "Silva", "Müller", "Ivanova", "山田", "Okafor", "Núñez", "Berg", "Park", "Ólafsson"};
constexpr std::array<std::string_view, 8> locations = {"Tokyo", "Lisbon", "Zürich",   "Reykjavík",
                                                       "Lagos", "Seoul",  "Montréal", "Αθήνα"};

constexpr std::size_t user_count = 997;   // authors
constexpr std::size_t text_length = 140;  // target, in code points
constexpr std::size_t short_url_length = 23;

// Code points in UTF-8 text, and how many of them are not ASCII.
struct text_size {
  std::size_t code_points = 0;
  std::size_t non_ascii = 0;
};

text_size measure(std::string_view utf8) {
  text_size size;
  for (const char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      ++size.code_points;
    } else if (byte >= 0xC0) {  // a lead byte; continuation bytes are 10xxxxxx
      ++size.code_points;
      ++size.non_ascii;
    }
  }
  return size;
}

std::string screen_name(std::size_t user) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "user%04zu", user);
  return buf;
}

std::string display_name(std::size_t user) {
  return std::string(given_names[user % given_names.size()]) + " " +
         std::string(family_names[(user / given_names.size()) % family_names.size()]);
}

nlohmann::json user_object(std::size_t user) {
  char image[96];
  std::snprintf(image, sizeof image,
                "https://pbs.example.org/profile_images/%06zu/avatar_normal.png", user * 7919);
  return {{"id_str", std::to_string(100000 + user)},
          {"screen_name", screen_name(user)},
          {"name", display_name(user)},
          {"profile_image_url", image},
          {"location", locations[user % locations.size()]},
          {"description", "Writes about " + std::string(ascii_words[user % ascii_words.size()]) +
                              " and " +
                              std::string(non_ascii_words[user % non_ascii_words.size()]) + "."},
          {"followers_count", (user * 37) % 5000},
          {"verified", user % 13 == 0}};
}

std::string short_url(rng& r) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string url = "https://t.co/";
  while (url.size() < short_url_length) url += alphabet[r.below(alphabet.size())];
  return url;
}

// 0: 50%, 1: 25%, 2: 15%, -1: 5%, 5: 5%.
int pick_level(rng& r) {
  const std::size_t p = r.below(100);
  if (p < 50) return 0;
  if (p < 75) return 1;
  if (p < 90) return 2;
  if (p < 95) return -1;
  return 5;
}

// Mixes the seed and the index so that each status has its own independent stream.
std::uint64_t status_seed(std::uint64_t seed, std::size_t index) {
  rng mix(seed ^ (0xd1b54a32d192ed03ULL * (static_cast<std::uint64_t>(index) + 1)));
  return mix.next();
}

}  // namespace

std::string id_of(std::size_t index) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "s%08zu", index);
  return buf;
}

status make_status(std::size_t index, std::uint64_t seed) {
  using namespace std::chrono;
  rng r(status_seed(seed, index));
  const std::size_t author = r.below(user_count);
  const std::size_t mentioned = (author + 1 + r.below(user_count - 1)) % user_count;
  const std::string mention = screen_name(mentioned);
  const std::string tag(r.pick(hashtags));
  const std::string url = short_url(r);

  // "@mention <words...> #tag <url>": about text_length code points, a third non-ASCII.
  std::string text = "@" + mention;
  text_size size = measure(text);
  const std::size_t tail = measure(" #" + tag + " ").code_points + short_url_length;
  while (size.code_points + tail < text_length) {
    // Judged against the final length: the hashtag and the URL at the end are ASCII.
    const bool non_ascii = size.non_ascii * 3 < size.code_points + tail;
    const std::string_view word = non_ascii ? r.pick(non_ascii_words) : r.pick(ascii_words);
    text += ' ';
    text += word;
    const text_size w = measure(word);
    size.code_points += 1 + w.code_points;
    size.non_ascii += w.non_ascii;
  }
  const std::size_t tag_start = size.code_points + 1;
  text += " #" + tag;
  const std::size_t tag_end = tag_start + 1 + measure(tag).code_points;
  const std::size_t url_start = tag_end + 1;
  text += " " + url;

  const auto created = sys_days{year{2013} / May / 16} + hours{9} + seconds{index};
  const std::string id = id_of(index);
  const std::string author_name = screen_name(author);

  return {
      {"id", id},
      {"created_at", format_twitter(time_point_cast<microseconds>(created))},
      {"text", text},
      {"lang", size.non_ascii * 2 > size.code_points ? "ja" : "en"},
      {"source", "<a href=\"https://roost.example.org/bench\" rel=\"nofollow\">roost bench</a>"},
      {"in_reply_to_status_id_str", nullptr},
      {"retweet_count", r.below(50)},
      {"favorite_count", r.below(200)},
      {"user", user_object(author)},
      {"entities",
       {{"urls",
         nlohmann::json::array(
             {{{"url", url},
               {"expanded_url", "https://example.org/articles/" + id + "/" + tag},
               {"display_url", "example.org/articles/" + id.substr(0, 6) + "…"},
               {"indices", nlohmann::json::array({url_start, url_start + short_url_length})}}})},
        {"hashtags",
         nlohmann::json::array(
             {{{"text", tag}, {"indices", nlohmann::json::array({tag_start, tag_end})}}})},
        {"user_mentions",
         nlohmann::json::array(
             {{{"screen_name", mention},
               {"name", display_name(mentioned)},
               {"id_str", std::to_string(100000 + mentioned)},
               {"indices", nlohmann::json::array({std::size_t{0}, 1 + mention.size()})}}})}}},
      {"busybird",
       {{"level", pick_level(r)},
        {"status_permalink", "https://social.example.org/" + author_name + "/status/" + id},
        {"user_permalink", "https://social.example.org/" + author_name}}},
  };
}

std::vector<status> make_statuses(std::size_t first, std::size_t count, std::uint64_t seed) {
  std::vector<status> out;
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) out.push_back(make_status(i, seed));
  return out;
}

}  // namespace roost::workload
