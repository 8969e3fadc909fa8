// save() and load() of the memory backend: round trip, atomic replacement, and hostile files.
#include <fstream>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"
#include "storage/blocking.hpp"
#include "storage/json_input.hpp"
#include "storage/memory_storage.hpp"

using namespace roost;

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void fill(memory_storage& s) {
  blocking::put_statuses(
      s, {.timeline = "home",
          .mode = put_mode::insert,
          .statuses = {{{"id", "1"}, {"created_at", "2013-05-16T12:56:23Z"}, {"text", "caf\u00e9"}},
                       {{"id", 2}, {"busybird", {{"level", 3}}}}}});
  blocking::put_statuses(
      s,
      {.timeline = "a/b \xf0\x9f\x90\xa6", .mode = put_mode::insert, .statuses = {{{"id", "x"}}}});
  blocking::ack_statuses(s, {.timeline = "home", .ids = std::vector<std::string>{"1"}});
}

std::vector<status> everything(memory_storage& s, const std::string& timeline) {
  return blocking::get_statuses(s, {.timeline = timeline, .count = status_count::all()});
}

// Requires load() of a file holding `text` to fail with `code` and leave the store empty.
void expect_load_fails(const std::string& text, errc code) {
  testing::temp_dir dir;
  write_file(dir / "store.json", text);
  memory_storage s;
  fill(s);
  INFO("file: " << text);
  try {
    s.load(dir / "store.json");
    FAIL("load accepted a bad file");
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(code));
    CHECK(std::string(e.what()).find((dir / "store.json").string()) != std::string::npos);
  }
  CHECK(blocking::timeline_names(s).empty());
  CHECK(everything(s, "home").empty());
}

}  // namespace

TEST_CASE("memory store saved and loaded keeps timelines, acks, counts and revisions") {
  testing::temp_dir dir;
  memory_storage original;
  fill(original);
  original.save(dir / "store.json");

  memory_storage copy;
  copy.load(dir / "store.json");
  CHECK(blocking::timeline_names(copy) == blocking::timeline_names(original));
  for (const auto& name : blocking::timeline_names(original)) {
    CHECK(everything(copy, name) == everything(original, name));
    CHECK(blocking::get_unacked_counts(copy, name) == blocking::get_unacked_counts(original, name));
    CHECK(blocking::get_revision(copy, name) == blocking::get_revision(original, name));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "store.json.tmp"));
}

TEST_CASE("memory store save replaces the previous file and fails cleanly when it cannot write") {
  testing::temp_dir dir;
  memory_storage s;
  fill(s);
  s.save(dir / "store.json");
  blocking::delete_statuses(s, {.timeline = "home", .selection = delete_selection::all()});
  s.save(dir / "store.json");
  memory_storage reloaded;
  reloaded.load(dir / "store.json");
  CHECK(everything(reloaded, "home").empty());

  CHECK_THROWS_AS(s.save(dir / "missing-dir" / "store.json"), storage_failure);
}

TEST_CASE("memory store load rejects damaged and foreign files and leaves the store empty") {
  expect_load_fails("", errc::corrupt);
  expect_load_fails("{\"format\": \"roost-memory\", \"version\": 1, \"timelines\": [",
                    errc::corrupt);
  expect_load_fails("[1, 2, 3]", errc::corrupt);
  expect_load_fails("{\"format\": \"something-else\", \"version\": 1, \"timelines\": []}",
                    errc::corrupt);
  expect_load_fails("{\"format\": \"roost-memory\", \"version\": 99, \"timelines\": []}",
                    errc::unsupported);
  expect_load_fails("{\"format\": \"roost-memory\", \"version\": 1, \"timelines\": {}}",
                    errc::corrupt);
  expect_load_fails(
      R"({"format": "roost-memory", "version": 1, "timelines": [
            {"name": "ok", "statuses": [{"id": "1"}]},
            {"name": "bad", "statuses": [{"text": "no id"}]}]})",
      errc::corrupt);
  expect_load_fails(
      R"({"format": "roost-memory", "version": 1, "timelines": [
            {"name": "t", "statuses": [{"id": "1", "created_at": "not a time"}]}]})",
      errc::corrupt);
  expect_load_fails(
      R"({"format": "roost-memory", "version": 1, "timelines": [
            {"name": "t", "statuses": [{"id": "1"}, {"id": 1}]}]})",
      errc::corrupt);
  expect_load_fails(
      R"({"format": "roost-memory", "version": 1, "timelines": [
            {"name": "", "statuses": []}]})",
      errc::corrupt);
  expect_load_fails(
      R"({"format": "roost-memory", "version": 1, "timelines": [
            {"name": "t", "revision": "seven", "statuses": []}]})",
      errc::corrupt);
}

TEST_CASE("memory store load holds statuses to the one input rule: depth, UTF-8, NUL") {
  const auto file = [](const std::string& statuses) {
    return R"({"format": "roost-memory", "version": 1, "timelines": [{"name": "t", "statuses": [)" +
           statuses + "]}]}";
  };
  const auto deep = [](std::size_t depth) {  // a status `depth` levels deep
    return R"({"id":"d","t":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  {
    testing::temp_dir dir;
    write_file(dir / "store.json", file(deep(max_status_depth)));
    memory_storage s;
    s.load(dir / "store.json");
    CHECK(everything(s, "t").size() == 1);
  }
  expect_load_fails(file(deep(max_status_depth + 1)), errc::corrupt);
  expect_load_fails(file(deep(300'000)), errc::corrupt);
  expect_load_fails(file("{\"id\":\"\xff\"}"), errc::corrupt);
  expect_load_fails(file(R"({"id":"a"})") + std::string(1, '\0') + "garbage", errc::corrupt);
}

TEST_CASE("memory store load of a missing file is an I/O error naming the path") {
  testing::temp_dir dir;
  memory_storage s;
  try {
    s.load(dir / "nope.json");
    FAIL("load of a missing file succeeded");
  } catch (const storage_failure& e) {
    CHECK(e.code() == make_error_code(errc::io_error));
    CHECK(std::string(e.what()).find("nope.json") != std::string::npos);
  }
}

TEST_CASE("memory store rejects contradictory limits") {
  CHECK_THROWS_AS(memory_storage({.limits = {.soft_max = 10, .hard_max = 5}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(memory_storage({.limits = {.default_count = 0}}), std::invalid_argument);
}

TEST_CASE("memory store saved and loaded keeps its settings, removed ones with their version") {
  testing::temp_dir dir;
  memory_storage original;
  fill(original);
  const auto kept = blocking::put_setting(
      original, {.key = "auth.tokens", .value = std::string("caf\xc3\xa9\0x", 7)});
  const auto v = blocking::put_setting(original, {.key = "gone", .value = "x"});
  const auto removed = blocking::put_setting(
      original, {.key = "gone", .value = std::nullopt, .expected_version = v});
  original.save(dir / "store.json");

  memory_storage loaded;
  blocking::put_setting(loaded, {.key = "stray", .value = "replaced by load"});
  loaded.load(dir / "store.json");
  auto s = blocking::get_setting(loaded, "auth.tokens");
  CHECK(s.value == std::optional<std::string>(std::string("caf\xc3\xa9\0x", 7)));
  CHECK(s.version == kept);
  s = blocking::get_setting(loaded, "gone");
  CHECK_FALSE(s.value);
  CHECK(s.version == removed);
  CHECK(blocking::get_setting(loaded, "stray").version == 0);
  // The next write continues from the saved version.
  CHECK(blocking::put_setting(loaded, {.key = "gone", .value = "y", .expected_version = removed}) >
        removed);
  CHECK(everything(loaded, "home").size() == 2);
}

TEST_CASE("memory store file saved before settings existed loads with none") {
  testing::temp_dir dir;
  write_file(dir / "store.json", R"({"format":"roost-memory","version":1,"timelines":[)"
                                 R"({"name":"home","revision":4,"statuses":[{"id":"1"}]}]})");
  memory_storage s;
  s.load(dir / "store.json");
  CHECK(everything(s, "home").size() == 1);
  CHECK(blocking::get_setting(s, "auth.tokens").version == 0);
  CHECK(blocking::put_setting(s, {.key = "auth.tokens", .value = "v"}) == 1);
}

TEST_CASE("memory store file with damaged settings is refused") {
  const std::string head = R"({"format":"roost-memory","version":1,"timelines":[],"settings":)";
  expect_load_fails(head + R"({}})", errc::corrupt);
  expect_load_fails(head + R"([{"key":"Bad","value":"v","version":1}]})", errc::corrupt);
  expect_load_fails(head + R"([{"key":"k","value":"v","version":0}]})", errc::corrupt);
  expect_load_fails(head + R"([{"key":"k","value":5,"version":1}]})", errc::corrupt);
  expect_load_fails(head + R"([{"key":"k","value":"v"}]})", errc::corrupt);
  expect_load_fails(
      head + R"([{"key":"k","value":"v","version":1},{"key":"k","value":null,"version":2}]})",
      errc::corrupt);
}
