// change_page_builder on its own: every stale case and every way a page ends, fed the way
// a backend feeds it (the conformance suite checks the same rules through each backend).
#include <catch2/catch.hpp>

#include <vector>

#include "storage/change_page_builder.hpp"

using namespace roost;

namespace {

// Feeds `log` (revisions in order) the way a backend does and finishes the page.
storage_error run(const prepared_changes& request, std::uint64_t last,
                  const std::vector<std::uint64_t>& log, change_page& out,
                  std::size_t* offered = nullptr) {
  change_page_builder page(request, last);
  std::size_t n = 0;
  for (auto it = log.begin(); it != log.end() && page.wants_more(); ++it) {
    if (*it < page.next_revision()) continue;  // the backend seeks past these
    ++n;
    if (!page.accept(*it)) break;
    page.add({.revision = *it,
              .op = change_op::insert,
              .id = std::to_string(*it),
              .status_json = "{}",
              .acked_at = {}});
  }
  if (offered) *offered = n;
  return page.finish("get_changes of timeline \"home\"", out);
}

std::vector<std::uint64_t> revisions(const change_page& page) {
  std::vector<std::uint64_t> out;
  for (const auto& c : page.changes) out.push_back(c.revision);
  return out;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto r = first; r <= last; ++r) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("a page follows on from its cursor and says where the timeline is") {
  change_page out;
  REQUIRE_FALSE(run({.timeline = "home", .since = 3, .limit = 100}, 9, range(1, 9), out));
  CHECK(revisions(out) == std::vector<std::uint64_t>{4, 5, 6, 7, 8, 9});
  CHECK(out.last_revision == 9);
}

TEST_CASE("a full page stops at the limit and reads no further") {
  change_page out;
  std::size_t offered = 0;
  REQUIRE_FALSE(run({.timeline = "home", .since = 0, .limit = 3}, 9, range(1, 9), out, &offered));
  CHECK(revisions(out) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(offered == 3);
}

TEST_CASE("a reader at the timeline's revision gets an empty page whatever the log keeps") {
  change_page out;
  std::size_t offered = 1;
  REQUIRE_FALSE(run({.timeline = "home", .since = 9, .limit = 100}, 9, {}, out, &offered));
  CHECK(out.changes.empty());
  CHECK(out.last_revision == 9);
  CHECK(offered == 0);
  // A timeline never changed, asked from the beginning.
  REQUIRE_FALSE(run({.timeline = "home", .since = 0, .limit = 100}, 0, {}, out));
  CHECK(out.changes.empty());
}

TEST_CASE("a page reads no entry beyond the timeline's revision") {
  change_page out;
  std::size_t offered = 0;
  REQUIRE_FALSE(
      run({.timeline = "home", .since = 5, .limit = 100}, 7, range(1, 12), out, &offered));
  CHECK(revisions(out) == std::vector<std::uint64_t>{6, 7});
  CHECK(offered == 2);
}

TEST_CASE("every cursor that cannot be followed is stale, with the reason, never a gap") {
  change_page out;
  const auto stale = [&](std::uint64_t since, std::uint64_t last,
                         const std::vector<std::uint64_t>& log, std::size_t limit = 100) {
    const auto error = run({.timeline = "home", .since = since, .limit = limit}, last, log, out);
    CHECK(error.code() == errc::stale_cursor);
    CHECK(out.changes.empty());
    CHECK(error.message().rfind("get_changes of timeline \"home\": ", 0) == 0);
    CHECK(error.message().find("resync") != std::string::npos);
    return error.message();
  };
  SECTION("ahead of the timeline") {
    CHECK_THAT(stale(12, 9, range(1, 9)),
               Catch::Contains("cursor 12 is ahead of the timeline's revision 9"));
  }
  SECTION("pruned before the cursor") {
    CHECK_THAT(stale(2, 9, range(6, 9)),
               Catch::Contains("the changes after revision 2 are no longer kept (the log starts "
                               "at revision 6)"));
  }
  SECTION("an empty log behind a changed timeline") {
    CHECK_THAT(stale(0, 9, {}), Catch::Contains("the log holds none of them; the timeline is at "
                                                "revision 9"));
  }
  SECTION("a hole in the middle of the page") {
    CHECK_THAT(stale(0, 9, {1, 2, 4, 5, 6, 7, 8, 9}),
               Catch::Contains("change 3 is missing from the log"));
  }
  SECTION("a short page that does not reach the revision") {
    CHECK_THAT(stale(0, 9, range(1, 6)),
               Catch::Contains("changes 7 to 9 are missing from the log"));
  }
}
