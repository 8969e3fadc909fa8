// The NDJSON line format, the line reader on hostile input, and the terminal helpers.
#include <unistd.h>

#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "line_reader.hpp"
#include "ndjson.hpp"
#include "progress.hpp"
#include "utf8_text.hpp"

using namespace roost;
using namespace roost::app;
using namespace std::string_literals;

TEST_CASE("a line is the timeline and the stored text, copied as is", "[ndjson]") {
  std::string out;
  const std::string text = R"({"id":"1","text":"x"})";
  append_ndjson_line(out, ndjson_prefix("日本 \"quoted\""), text);
  CHECK(out == "{\"timeline\":\"日本 \\\"quoted\\\"\",\"status\":{\"id\":\"1\",\"text\":\"x\"}}\n");
  const auto entry = parse_ndjson_line(out.substr(0, out.size() - 1));
  CHECK(entry.timeline == "日本 \"quoted\"");
  CHECK(entry.item.dump() == text);
}

TEST_CASE("lines that are not entries are refused with a reason", "[ndjson]") {
  const auto reason = [](std::string_view line) {
    try {
      parse_ndjson_line(line, 8);
    } catch (const ndjson_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(reason("not json"), Catch::Contains("not valid JSON"));
  CHECK_THAT(reason("[1,2]"), Catch::Contains("not a JSON object"));
  CHECK_THAT(reason(R"({"status":{"id":"1"}})"), Catch::Contains("\"timeline\""));
  CHECK_THAT(reason(R"({"timeline":5,"status":{"id":"1"}})"), Catch::Contains("\"timeline\""));
  CHECK_THAT(reason(R"({"timeline":"","status":{"id":"1"}})"), Catch::Contains("empty"));
  CHECK_THAT(reason(R"({"timeline":"a","status":[1]})"), Catch::Contains("\"status\""));
  CHECK_THAT(reason(R"({"timeline":"a"})"), Catch::Contains("\"status\""));
  CHECK_THAT(reason("{\"timeline\":\"\xff\",\"status\":{}}"), Catch::Contains("not valid JSON"));
  CHECK_THAT(reason("{\"timeline\":\"a\0b\",\"status\":{}}"s), Catch::Contains("not valid JSON"));
  CHECK_THAT(reason(R"({"timeline":"a","status":{"a":[[[[[[[[[1]]]]]]]]]}})"),
             Catch::Contains("deeper than 8"));
  CHECK(reason(R"({"timeline":"a","status":{"a":[[[[[[1]]]]]]},"later":"ignored"})") == "accepted");
  // Brackets inside strings do not count.
  CHECK(reason(R"({"timeline":"a","status":{"a":"[[[[[[[[[[[[[[[[\"[[[["}})") == "accepted");
}

TEST_CASE("check_status catches what put_statuses would refuse", "[ndjson]") {
  CHECK_NOTHROW(check_status({{"id", "1"}}));
  CHECK_NOTHROW(check_status({{"id", 7}, {"busybird", {{"level", -3}}}}));
  CHECK_THROWS_AS(check_status({{"text", "no id"}}), invalid_request);
  CHECK_THROWS_AS(check_status({{"id", 1.5}}), invalid_request);
  CHECK_THROWS_AS(check_status({{"id", "1"}, {"busybird", {{"level", "high"}}}}), invalid_request);
  CHECK_THROWS_AS(check_status({{"id", "1"}, {"created_at", "yesterday"}}), invalid_request);
  CHECK_THROWS_AS(check_status({{"id", "1"}, {"busybird", {{"acked_at", 5}}}}), invalid_request);
  CHECK_THROWS_AS(check_status({{"id", std::string("\xff")}}), invalid_request);
}

namespace {

std::vector<std::string> all_lines(line_reader& r, std::vector<std::uint64_t>* too_long = nullptr) {
  std::vector<std::string> out;
  while (auto line = r.next()) {
    if (line->too_long && too_long) too_long->push_back(line->number);
    out.emplace_back(line->text);
  }
  return out;
}

}  // namespace

TEST_CASE("the line reader splits lines, strips CR and keeps any bytes", "[ndjson][lines]") {
  line_reader r("a\r\n\nb\0c\nlast"s, 100);
  const auto lines = all_lines(r);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "a");
  CHECK(lines[1].empty());
  CHECK(lines[2] == "b\0c"s);
  CHECK(lines[3] == "last");
}

TEST_CASE("the line reader skips lines over the limit without holding them", "[ndjson][lines]") {
  SECTION("in memory") {
    line_reader r("short\n" + std::string(50, 'x') + "\nok\n" + std::string(60, 'y'), 10);
    std::vector<std::uint64_t> long_lines;
    const auto lines = all_lines(r, &long_lines);
    CHECK(lines == std::vector<std::string>{"short", "", "ok", ""});
    CHECK(long_lines == std::vector<std::uint64_t>{2, 4});
  }
  SECTION("from a pipe, a huge line spanning many reads") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string big = "first\n" + std::string(5'000'000, 'z') + "\nafter\n";
    std::thread writer([&] {
      std::size_t done = 0;
      while (done < big.size()) {
        const auto n =
            ::write(fds[1], big.data() + done, std::min<std::size_t>(big.size() - done, 70000));
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fds[1]);
    });
    line_reader r(fds[0], 1 << 20);
    std::vector<std::uint64_t> long_lines;
    const auto lines = all_lines(r, &long_lines);
    writer.join();
    ::close(fds[0]);
    CHECK(lines == std::vector<std::string>{"first", "", "after"});
    CHECK(long_lines == std::vector<std::uint64_t>{2});
    CHECK(r.bytes_read() == big.size());
  }
}

TEST_CASE("printable escapes control bytes and invalid UTF-8", "[terminal]") {
  CHECK(printable("plain ünïcödé 🐦") == "plain ünïcödé 🐦");
  CHECK(printable("bell\a esc\033[31m") == "bell\\x07 esc\\x1B[31m");
  CHECK(printable("bad \xff\xc3") == "bad \\xFF\\xC3");
  CHECK(printable("\xed\xa0\x80") == "\\xED\\xA0\\x80");  // a surrogate
  CHECK(printable(std::string(1000, 'a'), 10) == std::string(10, 'a') + "...");
  CHECK(is_valid_utf8("ok ü"));
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));  // overlong
}

TEST_CASE("progress lines name the count, rate and ETA", "[terminal]") {
  std::ostringstream out;
  progress_meter meter(out, "import", false, std::chrono::seconds(0));
  meter.update(1500, 0.25);
  meter.message("line 3: \033bad");
  meter.update(3000, -1);
  meter.finish();
  const auto text = out.str();
  CHECK_THAT(text, Catch::Contains("roost import  25% 1,500 statuses"));
  CHECK_THAT(text, Catch::Contains("ETA"));
  CHECK_THAT(text, Catch::Contains("roost import: line 3: \\x1Bbad\n"));
  CHECK_THAT(text, Catch::Contains("roost import 3,000 statuses"));
  meter.update(3000, 0.5);
  CHECK_THAT(meter.status_text(true), Catch::Contains("[###############---------------]  50%"));
}

TEST_CASE("line mode waits for the interval before the first line", "[terminal]") {
  std::ostringstream out;
  progress_meter meter(out, "import", false, std::chrono::hours(1));
  meter.update(10, 0.5);
  meter.update(20, 0.6);
  CHECK(out.str().empty());
}
