#include <catch2/catch.hpp>

#include "storage/limits.hpp"
#include "storage/requests.hpp"

using namespace roost;

TEST_CASE("status_count distinguishes default, a number and all") {
  CHECK(status_count{}.resolve(20) == 20);
  CHECK(status_count::of(3).resolve(20) == 3);
  CHECK(status_count::all().resolve(20) == SIZE_MAX);
  CHECK(status_count::all().is_all());
  CHECK_FALSE(status_count::of(1).is_all());
  CHECK_THROWS_AS(status_count::of(0), invalid_request);
}

TEST_CASE("delete_selection::all is explicit and distinct from an empty id list") {
  CHECK(delete_selection::all().is_all());
  CHECK_FALSE(delete_selection::ids({}).is_all());
  CHECK(delete_selection::ids({"a", "b"}).id_list() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("unacked counts serialize as the Web API's object") {
  const unacked_counts c{3, {{-1, 1}, {2, 2}}};
  CHECK(c.to_json() == nlohmann::json{{"total", 3}, {"-1", 1}, {"2", 2}});
  CHECK(c.at_level(2) == 2);
  CHECK(c.at_level(7) == 0);
  CHECK(unacked_counts{}.to_json() == nlohmann::json{{"total", 0}});
}

TEST_CASE("storage limits default to 2000 kept, 2400 allowed, 20 per page") {
  const storage_limits l;
  CHECK(l.truncates());
  CHECK(l.hard_limit() == 2400);
  CHECK(l.default_count == 20);
  CHECK_FALSE(storage_limits{.soft_max = 0}.truncates());
  CHECK(storage_limits{.soft_max = 10, .hard_max = 11}.hard_limit() == 11);
  CHECK_THROWS_AS((storage_limits{.soft_max = 10, .hard_max = 9}.validate()), invalid_request);
}

TEST_CASE("storage errors carry a code and a message") {
  const storage_error ok;
  CHECK_FALSE(ok);
  const storage_error failed(errc::io_error, "write: disk full");
  CHECK(failed);
  CHECK(failed.code() == make_error_code(errc::io_error));
  CHECK(failed.code().category().name() == std::string("roost.storage"));
  CHECK(failed.message() == "write: disk full");
  const storage_failure thrown(failed);
  CHECK(std::string(thrown.what()).find("disk full") != std::string::npos);
}
