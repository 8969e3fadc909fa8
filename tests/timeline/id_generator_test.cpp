// new_status_id: unique across threads and processes, sorted in creation order.
#include "storage/id_generator.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>

TEST_CASE("a million ids from four threads are unique and increase per thread") {
  constexpr int threads = 4, per_thread = 250'000;
  std::vector<std::vector<std::string>> made(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&made, t] {
      auto& mine = made[t];
      mine.reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) mine.push_back(roost::new_status_id());
    });
  }
  for (auto& w : workers) w.join();
  std::vector<std::string> all;
  all.reserve(threads * per_thread);
  for (const auto& mine : made) {
    CHECK(std::is_sorted(mine.begin(), mine.end()));
    CHECK(std::adjacent_find(mine.begin(), mine.end()) == mine.end());
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(all.size() == std::size_t{threads} * per_thread);
}

TEST_CASE("ids have a fixed shape and later ones sort after earlier ones") {
  const auto a = roost::new_status_id();
  const auto b = roost::new_status_id();
  CHECK(a.size() == 33);
  CHECK(a[16] == '-');
  CHECK(a.find_first_not_of("0123456789abcdef-") == std::string::npos);
  CHECK(a < b);
  CHECK(a.substr(17) == b.substr(17));  // one process, one process part
}

TEST_CASE("a forked child makes ids of its own") {
  const auto parent = roost::new_status_id();
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const auto id = roost::new_status_id();
    const auto written = ::write(fds[1], id.data(), id.size());
    ::_exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::string child(33, '\0');
  std::size_t got = 0;
  while (got < child.size()) {
    const auto n = ::read(fds[0], child.data() + got, child.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(got == 33);
  CHECK(child != parent);
  CHECK(child.substr(17) != parent.substr(17));  // a different process part
  CHECK(roost::new_status_id().substr(17) == parent.substr(17));
}
