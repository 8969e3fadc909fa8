// Store-wide settings (settings.hpp): versions, conflicts, removal, caller mistakes, and
// the answer of a backend that keeps none.
#include <algorithm>
#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using use = contract_case::settings_use;

void check_absent(driver& d, const std::string& key) {
  const auto s = d.get_setting(key);
  CHECK_FALSE(s.value.has_value());
  CHECK(s.version == 0);
}

// Every way a put_setting can be a caller mistake, and a get_setting with a bad key.
void expect_invalid_settings_rejected(driver& d) {
  const auto reject_put = [&](std::string key, std::optional<std::string> value) {
    INFO("key \"" << key << "\", value of " << (value ? value->size() : 0) << " bytes");
    d.expect_rejected([&](auto cb) {
      d.storage().put_setting({.key = key, .value = value, .expected_version = 0}, cb);
    });
  };
  const auto reject_get = [&](std::string key) {
    INFO("key \"" << key << "\"");
    d.expect_rejected([&](auto cb) { d.storage().get_setting(key, cb); });
  };
  for (const std::string& key :
       {std::string(), std::string("Upper"), std::string("a b"), std::string("caf\xc3\xa9"),
        std::string("a/b"), std::string(max_setting_key_size + 1, 'k'),
        std::string("nul\0key", 7)}) {
    reject_put(key, "v");
    reject_put(key, std::nullopt);
    reject_get(key);
  }
  reject_put("ok", std::string("\xff\xfe"));      // not UTF-8
  reject_put("ok", std::string("\xed\xa0\x80"));  // a surrogate (CESU-8)
  reject_put("ok", std::string("\xc3"));          // truncated sequence
  reject_put("ok", std::string(max_setting_value_size + 1, 'x'));
}

}  // namespace

std::vector<contract_case> settings_cases() {
  return {
      {"settings: an absent key has no value and version 0",
       [](storage_suite& suite) {
         auto d = open(suite);
         check_absent(d, "auth.tokens");
         check_absent(d, std::string(max_setting_key_size, 'z'));
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: a put from version 0 creates, get returns it, a stale put conflicts",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto v1 = d.put_setting("auth.tokens", "first", 0);
         CHECK(v1 > 0);
         auto s = d.get_setting("auth.tokens");
         CHECK(s.value == std::optional<std::string>("first"));
         CHECK(s.version == v1);

         // A second creation (expected 0) and a made-up version both lose.
         for (const std::uint64_t stale : {std::uint64_t{0}, v1 + 1, v1 + 1000}) {
           INFO("expected version " << stale);
           const auto error = d.put_setting_error("auth.tokens", "lost", stale);
           CHECK(error.code() == make_error_code(errc::conflict));
         }
         s = d.get_setting("auth.tokens");
         CHECK(s.value == std::optional<std::string>("first"));
         CHECK(s.version == v1);

         const auto v2 = d.put_setting("auth.tokens", "second", v1);
         CHECK(v2 > v1);
         CHECK(d.put_setting_error("auth.tokens", "lost", v1).code() ==
               make_error_code(errc::conflict));
         s = d.get_setting("auth.tokens");
         CHECK(s.value == std::optional<std::string>("second"));
         CHECK(s.version == v2);
         // Rewriting the same value is a write too.
         const auto v3 = d.put_setting("auth.tokens", "second", v2);
         CHECK(v3 > v2);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: a removal leaves the key absent at a larger version",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto v1 = d.put_setting("k", "value", 0);
         const auto removed = d.put_setting("k", std::nullopt, v1);
         CHECK(removed > v1);
         auto s = d.get_setting("k");
         CHECK_FALSE(s.value.has_value());
         CHECK(s.version == removed);
         // A write after the removal must name the removal's version, not 0.
         CHECK(d.put_setting_error("k", "again", 0).code() == make_error_code(errc::conflict));
         CHECK(d.put_setting_error("k", "again", v1).code() == make_error_code(errc::conflict));
         const auto v3 = d.put_setting("k", "again", removed);
         CHECK(v3 > removed);
         s = d.get_setting("k");
         CHECK(s.value == std::optional<std::string>("again"));
         CHECK(s.version == v3);
         // Removing what is already absent is a write as well.
         const auto r2 = d.put_setting("k", std::nullopt, v3);
         const auto r3 = d.put_setting("k", std::nullopt, r2);
         CHECK(r3 > r2);
         CHECK(d.get_setting("k").version == r3);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: a removal of a never written key needs version 0",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.put_setting_error("never", std::nullopt, 5).code() ==
               make_error_code(errc::conflict));
         check_absent(d, "never");
         const auto v = d.put_setting("never", std::nullopt, 0);
         CHECK(v > 0);
         const auto s = d.get_setting("never");
         CHECK_FALSE(s.value.has_value());
         CHECK(s.version == v);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: keys are independent and leave the timelines alone",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto a = d.put_setting("a", "1", 0);
         const auto b = d.put_setting("b", "2", 0);
         CHECK(d.put_setting("a", "3", a) > a);
         CHECK(d.get_setting("b").value == std::optional<std::string>("2"));
         CHECK(d.get_setting("b").version == b);
         check_absent(d, "c");
         CHECK(d.names().empty());
         CHECK(d.revision("a") == 0);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: values round-trip byte for byte (any UTF-8, NUL, empty, largest)",
       [](storage_suite& suite) {
         auto d = open(suite);
         const std::vector<std::string> values = {
             std::string(),
             std::string("nul\0inside\0", 11),
             "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6 \xf4\x8f\xbf\xbf",
             "{\"tokens\":[{\"id\":\"x\",\"hash\":\"ab\\u0000\"}]}\n\t\r",
             std::string(max_setting_value_size, 'v'),
         };
         std::uint64_t version = 0;
         for (std::size_t i = 0; i < values.size(); ++i) {
           INFO("value " << i << " of " << values[i].size() << " bytes");
           version = d.put_setting("v._-0", values[i], version);
           const auto s = d.get_setting("v._-0");
           REQUIRE(s.value.has_value());
           CHECK(*s.value == values[i]);
           CHECK(s.version == version);
         }
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: invalid keys and values throw invalid_request and change nothing",
       [](storage_suite& suite) {
         auto d = open(suite);
         const auto v = d.put_setting("ok", "kept", 0);
         expect_invalid_settings_rejected(d);
         const auto s = d.get_setting("ok");
         CHECK(s.value == std::optional<std::string>("kept"));
         CHECK(s.version == v);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: writes do not notify timeline change listeners",
       [](storage_suite& suite) {
         auto d = open(suite);
         std::vector<std::string> heard;
         std::mutex mutex;
         const auto token = d.storage().subscribe_changes([&](const std::string& timeline) {
           std::lock_guard lock(mutex);
           heard.push_back(timeline);
         });
         const auto v = d.put_setting("k", "v", 0);
         d.put_setting("k", std::nullopt, v);
         d.put_setting_error("k", "x", 0);
         d.get_setting("k");
         {
           std::lock_guard lock(mutex);
           CHECK(heard.empty());
         }
         // The listener does work: a status write is heard (a backend that also hears
         // changes made elsewhere may report it once more, never another timeline).
         d.put("home", put_mode::insert, numbered(1, 1));
         {
           std::lock_guard lock(mutex);
           REQUIRE_FALSE(heard.empty());
           CHECK(heard.front() == "home");
           CHECK(std::count(heard.begin(), heard.end(), "home") ==
                 static_cast<std::ptrdiff_t>(heard.size()));
         }
         d.storage().unsubscribe_changes(token);
         d.check_exactly_once();
       },
       false, use::with_settings},
      {"settings: a backend that keeps none fails both operations with unsupported",
       [](storage_suite& suite) {
         auto d = open(suite);
         CHECK(d.get_setting_error("auth.tokens").code() == make_error_code(errc::unsupported));
         CHECK(d.put_setting_error("auth.tokens", "v", 0).code() ==
               make_error_code(errc::unsupported));
         CHECK(d.put_setting_error("auth.tokens", std::nullopt, 0).code() ==
               make_error_code(errc::unsupported));
         // Caller mistakes are still caller mistakes.
         expect_invalid_settings_rejected(d);
         d.check_exactly_once();
       },
       false, use::without_settings},
  };
}

}  // namespace roost::conformance::detail
