// A real `roost import` killed in the middle (SIGKILL), or stopped with Ctrl-C (SIGINT),
// leaves whole batches only; running it again completes the import with nothing missing
// and nothing duplicated. The tests know the child is mid-run from its progress lines on
// a pipe, never from sleeping.
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "interrupt.hpp"
#include "line_reader.hpp"
#include "migrate.hpp"
#include "ndjson_export.hpp"
#include "ndjson_import.hpp"
#include "progress.hpp"

using namespace roost;
using namespace roost::app;
using namespace roost::testing;

namespace {

constexpr std::size_t total = 30000;

// The number (digits and commas) that ends just before `marker` in `text`, as in
// "12% 2,400 statuses" -> 2400 for marker " statuses".
std::optional<std::size_t> number_before(const std::string& text, const std::string& marker) {
  const auto end = text.find(marker);
  if (end == std::string::npos) return std::nullopt;
  auto begin = end;
  while (begin > 0 &&
         (std::isdigit(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == ','))
    --begin;
  std::string digits = text.substr(begin, end - begin);
  std::erase(digits, ',');
  if (digits.empty()) return std::nullopt;
  return std::stoull(digits);
}

// A progress line, "roost import  12% 2,400 statuses ..." -> 2400.
std::optional<std::size_t> statuses_in(const std::string& line) {
  if (line.rfind("roost import ", 0) != 0) return std::nullopt;
  return number_before(line, " statuses");
}

// The first `lines` lines of `text` imported into a memory store.
std::unique_ptr<status_storage> expected_store(const std::string& text, std::size_t lines) {
  std::size_t end = 0;
  for (std::size_t i = 0; i < lines; ++i) end = text.find('\n', end) + 1;
  auto store = make_memory_storage({.limits = {.soft_max = 0}});
  line_reader reader(text.substr(0, end), 1 << 20);
  REQUIRE(import_ndjson(*store, reader, {}, {}).outcome == run_outcome::completed);
  return store;
}

std::vector<std::string> import_args(const std::string& uri, const std::filesystem::path& input) {
  return {"import", "--storage",           uri, "--input", input.string(), "--batch-size",
          "100",    "--progress-interval", "0"};
}

// Starts the import and returns once its progress shows statuses written.
std::size_t wait_until_mid_run(roost_child& child) {
  while (const auto line = child.read_stderr_line()) {
    if (const auto n = statuses_in(*line); n && *n > 0) return *n;
  }
  FAIL("the import ended without reporting progress");
  return 0;
}

}  // namespace

TEST_CASE("an import killed mid-run is completed by running it again", "[import][process]") {
  for (const auto kind : {store_kind::sqlite, store_kind::lmdb}) {
    DYNAMIC_SECTION(kind_name(kind)) {
      temp_dir dir;
      const auto text = generated_ndjson(total);
      const auto input = dir / "input.ndjson";
      write_file(input, text);
      const auto uri = store_uri(kind, dir, "target");

      std::size_t seen = 0;
      {
        roost_child child(import_args(uri, input));
        seen = wait_until_mid_run(child);
        child.signal(SIGKILL);
        CHECK(child.wait() == -SIGKILL);
      }
      std::size_t partial = 0;
      {
        auto store = open_store(kind, dir, "target");
        partial = count_all_statuses(*store, {});
      }
      INFO("progress showed " << seen << ", the store holds " << partial);
      CHECK(partial >= seen);
      REQUIRE(partial < total);   // it really was killed mid-run
      CHECK(partial % 100 == 0);  // whole batches only (each timeline's share is a multiple of 100)

      const auto again = run_roost(import_args(uri, input));
      INFO(again.err);
      REQUIRE(again.code() == 0);
      CHECK_THAT(again.err, Catch::Contains(app::group_digits(total - partial) + " written, " +
                                            app::group_digits(partial) + " already there"));
      auto store = open_store(kind, dir, "target");
      CHECK(count_all_statuses(*store, {}) == total);
      const auto expected = expected_store(text, total);
      const auto cmp = compare_stores(*expected, *store);
      CHECK(cmp.same());
    }
  }
}

TEST_CASE("Ctrl-C stops an import between batches and says how far it got", "[import][process]") {
  temp_dir dir;
  const auto text = generated_ndjson(total);
  const auto input = dir / "input.ndjson";
  write_file(input, text);
  const auto uri = store_uri(store_kind::sqlite, dir, "target");

  roost_child child(import_args(uri, input));
  wait_until_mid_run(child);
  child.signal(SIGINT);
  std::string rest;
  const int code = child.wait(&rest);
  INFO(rest);
  CHECK(code == 130);
  REQUIRE_THAT(rest, Catch::Contains("interrupted after line "));
  const auto through_found = number_before(rest, " are in the store");
  REQUIRE(through_found);
  REQUIRE_THAT(rest,
               Catch::Contains("lines 1-" + std::to_string(*through_found) + " are in the store"));
  const std::size_t through = *through_found;
  CHECK(through < total);

  // Exactly the lines up to `through` are there.
  auto store = open_store(store_kind::sqlite, dir, "target");
  const auto expected = expected_store(text, through);
  CHECK(compare_stores(*expected, *store).same());
}

TEST_CASE("Ctrl-C while waiting for input ends the read", "[import][interrupt]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  interrupt_guard guard;
  std::optional<line_reader::line> got;
  bool interrupted = false;
  std::atomic<long> tid{0};
  std::thread reader_thread([&] {
    tid = ::syscall(SYS_gettid);
    line_reader reader(fds[0], 1024, [] { return interrupt_guard::requested(); });
    got = reader.next();  // blocks: nobody writes
    interrupted = reader.interrupted();
  });
  // Signal only once the thread is inside read(): the kernel says which system call a
  // thread is blocked in.
  while (tid == 0) std::this_thread::yield();
  const auto syscall_file = "/proc/self/task/" + std::to_string(tid.load()) + "/syscall";
  // -1: the kernel does not say (a restricted /proc); else whether it is in read().
  const auto in_read = [&] {
    std::ifstream f(syscall_file);
    long number = -1;
    if (!(f >> number)) return -1;
    return number == SYS_read ? 1 : 0;
  };
  int state;
  while ((state = in_read()) == 0) std::this_thread::yield();
  if (state < 0) {
    WARN("cannot see which system call a thread is in; not testing this");
    ::close(fds[1]);  // ends the read
    reader_thread.join();
    ::close(fds[0]);
    return;
  }
  ::pthread_kill(reader_thread.native_handle(), SIGINT);
  reader_thread.join();
  ::close(fds[0]);
  ::close(fds[1]);
  CHECK(interrupt_guard::requested());
  CHECK_FALSE(got.has_value());
  CHECK(interrupted);
}
