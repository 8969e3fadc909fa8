// The command line as a person meets it: help and version, unknown flags and missing
// values named as such, an export of a timeline that is not there, and addresses the
// server cannot listen on, each said plainly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "app_support.hpp"
#include "progress.hpp"

using namespace roost;
using namespace roost::testing;

namespace {

// A TCP socket listening on a free loopback port, which a server then cannot take.
class taken_port {
public:
  taken_port() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    socklen_t size = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~taken_port() { ::close(fd_); }
  taken_port(const taken_port&) = delete;
  taken_port& operator=(const taken_port&) = delete;
  int port() const { return port_; }

private:
  int fd_;
  int port_ = 0;
};

bool ipv6_loopback_works() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Starts `roost serve` with `args` and returns its first line on stderr (then stops it).
std::string first_serve_line(std::vector<std::string> args) {
  args.insert(args.begin(), "serve");
  roost_child server(args);
  const auto line = server.read_stderr_line();
  server.kill();
  return line.value_or("");
}

}  // namespace

TEST_CASE("roost COMMAND --help prints that command's help and exits 0", "[commands][cli]") {
  for (const std::string command : {"serve", "export", "import", "token", "user", "stats"}) {
    INFO(command);
    const auto help = run_roost({command, "--help"});
    CHECK(help.code() == 0);
    CHECK_THAT(help.out, Catch::StartsWith("usage: roost " + command));
    CHECK(help.err.empty());
  }
  CHECK_THAT(run_roost({"serve", "--help"}).out, Catch::Contains("--listen HOST:PORT"));
  CHECK_THAT(run_roost({"serve", "--help"}).out, !Catch::Contains("import-busybird"));
  CHECK(run_roost({"help", "import"}).code() == 0);
  CHECK_THAT(run_roost({"help"}).out, Catch::Contains("import-busybird"));
}

TEST_CASE("roost --version prints the version", "[commands][cli]") {
  const auto version = run_roost({"--version"});
  CHECK(version.code() == 0);
  CHECK_THAT(version.out, Catch::Matches("roost [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST_CASE("unknown flags are named as unknown, and a missing value is caught", "[commands][cli]") {
  const auto bogus = run_roost({"serve", "--bogus"});
  CHECK(bogus.code() == 2);
  CHECK_THAT(bogus.err, Catch::StartsWith("roost: unknown option --bogus\n"));
  // The command's own help follows, not the whole list.
  CHECK_THAT(bogus.err, Catch::Contains("usage: roost serve"));
  CHECK_THAT(bogus.err, !Catch::Contains("import-busybird"));

  const auto eaten = run_roost({"serve", "--timeline", "--access_log"});
  CHECK(eaten.code() == 2);
  CHECK_THAT(eaten.err, Catch::StartsWith("roost: --timeline needs a value\n"));
  CHECK_THAT(run_roost({"export", "--storage"}).err,
             Catch::StartsWith("roost: --storage needs a value\n"));
  // A value that starts with "--" can still be given after "=".
  CHECK_THAT(run_roost({"export", "--storage=--odd"}).err, !Catch::Contains("needs a value"));
}

TEST_CASE("export of a timeline that is not there fails and names it", "[commands][cli]") {
  temp_dir dir;
  const auto uri = store_uri(store_kind::sqlite, dir, "store");
  {
    auto store = open_store(store_kind::sqlite, dir, "store");
    fill_varied(*store, 5);
  }
  const auto output = dir / "out.ndjson";
  const auto missing =
      run_roost({"export", "--storage", uri, "--timeline", "nosuch", "--output", output.string()});
  CHECK(missing.code() == 1);
  CHECK_THAT(missing.err, Catch::Contains("no timeline \"nosuch\""));
  CHECK_FALSE(std::filesystem::exists(output));  // nothing written
}

TEST_CASE("counts are printed with grouped digits everywhere", "[commands][cli]") {
  CHECK(app::group_digits(0) == "0");
  CHECK(app::group_digits(999) == "999");
  CHECK(app::group_digits(59999) == "59,999");
  CHECK(app::group_digits(1234567) == "1,234,567");
}

TEST_CASE("the server says which address it cannot listen on, and why", "[commands][cli]") {
  const taken_port taken;
  const auto address = "127.0.0.1:" + std::to_string(taken.port());
  const auto busy = run_roost({"serve", "--storage", "memory:", "--listen", address});
  CHECK(busy.code() == 1);
  CHECK_THAT(busy.err, Catch::Contains("cannot listen on " + address));
  CHECK_THAT(busy.err, Catch::Contains("choose another port"));
  CHECK_THAT(busy.err, !Catch::Contains("/usr/include"));

  const auto unknown =
      run_roost({"serve", "--storage", "memory:", "--listen", "no-such-host.invalid:0"});
  CHECK(unknown.code() == 1);
  CHECK_THAT(unknown.err, Catch::Contains("cannot resolve the host \"no-such-host.invalid\""));

  // A host name is resolved; the URL printed is one a browser takes.
  CHECK_THAT(first_serve_line({"--storage", "memory:", "--listen", "localhost:0"}),
             Catch::StartsWith("roost: listening on http://127.0.0.1:"));
  if (ipv6_loopback_works())
    CHECK_THAT(first_serve_line({"--storage", "memory:", "--listen", "[::1]:0"}),
               Catch::StartsWith("roost: listening on http://[::1]:"));
}
