// Invalid input: every bad line is reported with its number; --on-error abort writes
// nothing of the bad line's batch, skip leaves the line out; hostile bytes never crash.
#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "line_reader.hpp"
#include "ndjson_export.hpp"
#include "ndjson_import.hpp"
#include "storage/blocking.hpp"
#include "storage/storage_wrapper.hpp"

using namespace roost;
using namespace roost::app;
using namespace roost::testing;

namespace {

struct outcome {
  import_result result;
  std::vector<std::string> problems;
};

outcome run(status_storage& target, std::string text, import_options options) {
  outcome out;
  run_hooks hooks;
  hooks.problem = [&](const std::string& m) { out.problems.push_back(m); };
  line_reader reader(std::move(text), 4096);
  out.result = import_ndjson(target, reader, options, hooks);
  return out;
}

std::string line(const std::string& timeline, const std::string& id) {
  return nlohmann::json{{"timeline", timeline}, {"status", {{"id", id}}}}.dump() + "\n";
}

// Ten good lines of timeline "t" (ids 1..10) with `bad` in place of line `at`.
std::string ten_with_bad(int at, const std::string& bad) {
  std::string text;
  for (int i = 1; i <= 10; ++i) text += i == at ? bad + "\n" : line("t", std::to_string(i));
  return text;
}

std::size_t count(status_storage& s, const std::string& timeline) {
  return blocking::get_statuses(s, {.timeline = timeline, .count = status_count::all()}).size();
}

// A store whose second put fails, through the forwarding wrapper.
struct failing_storage : storage_wrapper {
  using storage_wrapper::storage_wrapper;
  int puts = 0;

protected:
  void do_put_statuses(prepared_put r, count_callback done) override {
    if (++puts == 2) return done(storage_error(errc::io_error, "disk full (test)"), 0);
    storage_wrapper::do_put_statuses(std::move(r), std::move(done));
  }
};

}  // namespace

TEST_CASE("an invalid line aborts before anything of its batch is written", "[import][errors]") {
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  // Batches of 4: lines 1-4 are written, line 7 is bad, so lines 5-8 are not.
  const auto out = run(*store, ten_with_bad(7, "{broken"), {.batch_size = 4});
  CHECK(out.result.outcome == run_outcome::aborted);
  CHECK(out.result.committed_through == 4);
  CHECK(out.result.totals.written == 4);
  CHECK(out.result.totals.invalid == 1);
  REQUIRE(out.problems.size() == 1);
  CHECK_THAT(out.problems[0],
             Catch::StartsWith("line 7: the line is not valid JSON: parse error at column 2"));
  CHECK(count(*store, "t") == 4);
  CHECK(blocking::contains(*store, {.timeline = "t", .query = {"5", "6"}}).contained.empty());
}

TEST_CASE("an invalid first line writes nothing at all", "[import][errors]") {
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  const auto out = run(*store, ten_with_bad(1, R"({"timeline":"t","status":{"text":"no id"}})"),
                       {.batch_size = 100});
  CHECK(out.result.outcome == run_outcome::aborted);
  CHECK(out.result.committed_through == 0);
  CHECK_THAT(out.problems.at(0), Catch::Contains("line 1: a status must have an id"));
  CHECK(blocking::timeline_names(*store).empty());
}

TEST_CASE("with on-error skip every bad line is reported and the rest written",
          "[import][errors]") {
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  std::string text = line("t", "1");
  text += "not json at all\n";  // 2
  text += R"({"timeline":"t","status":{"id":"3","created_at":"yesterday"}})"
          "\n";       // 3
  text += "\n   \n";  // 4, 5 blank
  text += R"({"timeline":"t","status":{"id":"6","busybird":{"level":1.5}}})"
          "\n";  // 6
  text += line("t", "7");
  text += R"({"timeline":"","status":{"id":"8"}})"
          "\n";                           // 8
  text += std::string(5000, 'x') + "\n";  // 9: over the 4096-byte limit
  text += line("u", "10");
  const auto out = run(*store, text, {.on_error = error_policy::skip, .batch_size = 2});
  CHECK(out.result.outcome == run_outcome::completed);
  CHECK(out.result.lines == 10);
  CHECK(out.result.totals.written == 3);
  CHECK(out.result.totals.invalid == 5);
  REQUIRE(out.problems.size() == 5);
  CHECK_THAT(out.problems[0], Catch::StartsWith("line 2: "));
  CHECK_THAT(out.problems[1], Catch::StartsWith("line 3: "));
  CHECK_THAT(out.problems[2], Catch::StartsWith("line 6: "));
  CHECK_THAT(out.problems[3], Catch::StartsWith("line 8: "));
  CHECK_THAT(out.problems[4], Catch::StartsWith("line 9: longer than the line limit"));
  CHECK(count(*store, "t") == 2);
  CHECK(count(*store, "u") == 1);
}

TEST_CASE("a store failure ends the run and says how far it got", "[import][errors]") {
  auto inner = make_memory_storage({.limits = {.soft_max = 0}});
  failing_storage store(*inner);
  const auto out = run(store, ten_with_bad(0, ""), {.batch_size = 3});
  CHECK(out.result.outcome == run_outcome::failed);
  CHECK_THAT(out.result.message, Catch::Contains("disk full (test)"));
  CHECK(out.result.committed_through == 3);
  CHECK(count(*inner, "t") == 3);
}

TEST_CASE("hostile input never crashes the import", "[import][errors][hostile]") {
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  std::mt19937 rng(20240607);
  const std::vector<std::string> nasty = {
      std::string(100000, '['),
      std::string(100000, '{'),
      "{\"timeline\":\"t\",\"status\":" + std::string(1000, '[') + std::string(1000, ']') + "}",
      R"({"timeline":"t","status":{"id":{"nested":"object"}}})",
      R"({"timeline":"t","status":{"id":null}})",
      R"({"timeline":"t","status":{"id":true}})",
      R"({"timeline":"t","status":{"id":"x","busybird":"not an object"}})",
      R"({"timeline":"t","status":{"id":"x","busybird":{"acked_at":["array"]}}})",
      R"({"timeline":"t","status":{"id":"x","created_at":"Thu May 99 99:99:99 +0000 2013"}})",
      R"({"timeline":"t","status":{"id":"x","busybird":{"level":99999999999999999999999}}})",
      R"({"timeline":["t"],"status":{"id":"x"}})",
      R"({"timeline":"t","status":{"id":"x"})",
      "{\"timeline\":\"t\",\"status\":{\"id\":\"\\ud800\"}}",
      "\xef\xbb\xbf{\"timeline\":\"t\",\"status\":{\"id\":\"bom\"}}",
      "null",
      "1e99999",
      "\"string\"",
      "{}",
      "[]",
  };
  std::string text;
  std::size_t lines = 0;
  for (const auto& n : nasty) {
    text += n + "\n";
    ++lines;
  }
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() % 256);
    std::replace(junk.begin(), junk.end(), '\n', ' ');
    junk[0] = 'x';  // never blank
    text += junk + "\n";
    ++lines;
  }
  text += line("t", "survivor");
  ++lines;
  const auto out = run(*store, text, {.on_error = error_policy::skip});
  CHECK(out.result.outcome == run_outcome::completed);
  CHECK(out.result.lines == lines);
  CHECK(out.result.totals.invalid + out.result.totals.written + out.result.totals.unchanged ==
        lines);
  CHECK(out.problems.size() == out.result.totals.invalid);
  CHECK(blocking::contains(*store, {.timeline = "t", .query = {"survivor"}}).contained.size() == 1);
  for (const auto& p : out.problems) CHECK(p.rfind("line ", 0) == 0);
}

TEST_CASE("import progress follows the lines read, batch by batch", "[import]") {
  // The whole input is in memory (as after one large read of a file): progress must
  // still move with the lines committed, not jump to the end with the first batch.
  std::string text;
  for (int i = 1; i <= 100; ++i) text += line("t", std::to_string(i));
  const auto size = text.size();
  memory_storage target;
  std::vector<double> fractions;
  std::vector<std::size_t> counts;
  run_hooks hooks;
  hooks.progress = [&](std::size_t n, double f) {
    counts.push_back(n);
    fractions.push_back(f);
  };
  line_reader reader(std::move(text), 4096);
  const auto result = import_ndjson(target, reader, {.batch_size = 10, .input_bytes = size}, hooks);
  CHECK(result.outcome == run_outcome::completed);
  REQUIRE(fractions.size() == 10);
  for (std::size_t i = 0; i < fractions.size(); ++i) {
    INFO("batch " << i);
    CHECK(counts[i] == 10 * (i + 1));
    CHECK(fractions[i] == Approx(0.1 * static_cast<double>(i + 1)).margin(0.02));
  }
}
