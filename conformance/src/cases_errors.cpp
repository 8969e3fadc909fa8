#include <catch2/catch.hpp>

#include "cases.hpp"

namespace roost::conformance::detail {
namespace {

using ids = std::vector<std::string>;

// What a rejected call must leave exactly as it was.
struct snapshot {
  std::vector<status> statuses;
  unacked_counts counts;
  std::uint64_t revision = 0;
  std::vector<std::string> names;
  bool operator==(const snapshot&) const = default;
};

snapshot take(driver& d) {
  return {d.all("home"), d.counts("home"), d.revision("home"), d.names()};
}

driver seeded(storage_suite& suite) {
  auto d = open(suite);
  d.put("home", put_mode::insert, numbered(1, 3));
  return d;
}

// Each put below must throw, store nothing (not even the valid statuses before the bad
// one) and never call back.
void expect_put_rejected(storage_suite& suite, const status& bad) {
  auto d = seeded(suite);
  const auto before = take(d);
  INFO("bad status: " << bad.dump());
  d.expect_rejected([&](auto cb) {
    d.storage().put_statuses(
        {.timeline = "home", .mode = put_mode::upsert, .statuses = {numbered(7, 7)[0], bad}}, cb);
  });
  CHECK(take(d) == before);
  d.check_exactly_once();
}

}  // namespace

std::vector<contract_case> caller_error_cases() {
  return {
      {"put rejects a status without id, or with an id that is not a string or integer",
       [](storage_suite& suite) {
         expect_put_rejected(suite, {{"text", "no id"}});
         expect_put_rejected(suite, {{"id", nullptr}});
         expect_put_rejected(suite, {{"id", 1.5}});
         expect_put_rejected(suite, {{"id", true}});
         expect_put_rejected(suite, {{"id", {{"nested", 1}}}});
         expect_put_rejected(suite, {{"id", nlohmann::json::array({1})}});
       }},
      {"put rejects a status that is not an object",
       [](storage_suite& suite) {
         expect_put_rejected(suite, "just a string");
         expect_put_rejected(suite, nullptr);
         expect_put_rejected(suite, nlohmann::json::array({{{"id", "in an array"}}}));
       }},
      {"put rejects unparsable timestamps and wrongly typed fields",
       [](storage_suite& suite) {
         expect_put_rejected(suite, {{"id", "x"}, {"created_at", "yesterday"}});
         expect_put_rejected(suite, {{"id", "x"}, {"created_at", "2013-02-30T00:00:00Z"}});
         expect_put_rejected(suite, {{"id", "x"}, {"created_at", 1368708983}});
         expect_put_rejected(suite, {{"id", "x"}, {"busybird", {{"acked_at", "not a time"}}}});
         expect_put_rejected(suite, {{"id", "x"}, {"busybird", {{"acked_at", 5}}}});
         expect_put_rejected(suite, {{"id", "x"}, {"busybird", {{"level", "high"}}}});
         expect_put_rejected(suite, {{"id", "x"}, {"busybird", {{"level", 1.5}}}});
         expect_put_rejected(suite, {{"id", "x"}, {"busybird", "not an object"}});
       }},
      {"put rejects an unset mode, an empty timeline name and invalid UTF-8",
       [](storage_suite& suite) {
         auto d = seeded(suite);
         const auto before = take(d);
         d.expect_rejected([&](auto cb) {
           d.storage().put_statuses({.timeline = "home", .statuses = numbered(5, 5)}, cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().put_statuses(
               {.timeline = "home", .mode = static_cast<put_mode>(99), .statuses = numbered(5, 5)},
               cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().put_statuses(
               {.timeline = "", .mode = put_mode::insert, .statuses = numbered(5, 5)}, cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().put_statuses(
               {.timeline = "bad\xff", .mode = put_mode::insert, .statuses = numbered(5, 5)}, cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().put_statuses(
               {.timeline = "home",
                .mode = put_mode::insert,
                .statuses = {make_status({.id = "x", .text = "bad \xc3\x28 utf-8"})}},
               cb);
         });
         CHECK(take(d) == before);
         d.check_exactly_once();
       }},
      {"other operations reject empty timeline names and bad arguments, changing nothing",
       [](storage_suite& suite) {
         auto d = seeded(suite);
         const auto before = take(d);
         d.expect_rejected([&](auto cb) { d.storage().get_statuses({.timeline = ""}, cb); });
         d.expect_rejected([&](auto cb) {
           d.storage().get_statuses({.timeline = "home", .state = static_cast<ack_state>(0)}, cb);
         });
         CHECK_THROWS_AS(status_count::of(0), std::invalid_argument);
         d.expect_rejected([&](auto cb) { d.storage().ack_statuses({.timeline = ""}, cb); });
         d.expect_rejected([&](auto cb) {
           d.storage().delete_statuses({.timeline = "", .selection = delete_selection::all()}, cb);
         });
         d.expect_rejected([&](auto cb) { d.storage().get_unacked_counts("", cb); });
         d.expect_rejected([&](auto cb) { d.storage().get_revision("", cb); });
         d.expect_rejected([&](auto cb) {
           d.storage().contains({.timeline = "home", .query = {"1", nullptr}}, cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().contains({.timeline = "home", .query = {"1", 2.5}}, cb);
         });
         d.expect_rejected([&](auto cb) {
           d.storage().contains({.timeline = "home", .query = {{{"id", false}}}}, cb);
         });
         CHECK(take(d) == before);
         d.check_exactly_once();
       }},
  };
}

}  // namespace roost::conformance::detail
