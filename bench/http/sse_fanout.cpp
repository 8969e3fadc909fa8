// SSE fan-out benchmark (issue 8): N Server-Sent Events subscribers on one timeline of a
// running `roost serve`, while posters insert statuses at a fixed rate. Every status
// carries its send time (steady clock; posters and subscribers share this process), so
// each subscriber measures delivery latency per event. Checks that every subscriber got
// every change exactly once and in order; reports latency percentiles, the achieved
// insert rate, and the server's CPU time and peak RSS read from /proc/PID.
//
//   roost_sse_fanout --port P --server-pid PID [--subscribers 1000] [--rate 1000]
//                    [--seconds 10] [--timeline home] [--posters 4]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

struct options {
  unsigned short port = 0;
  int server_pid = 0;
  std::size_t subscribers = 1000;
  std::size_t rate = 1000;
  std::size_t seconds = 10;
  std::size_t posters = 4;
  std::string timeline = "home";
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

// Latencies in 50 µs buckets up to 60 s.
struct histogram {
  static constexpr std::int64_t bucket_ns = 50'000;
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(1'200'000);
  std::uint64_t count = 0;
  std::int64_t max_ns = 0;
  void add(std::int64_t ns) {
    ns = std::max<std::int64_t>(ns, 0);
    buckets[std::min<std::size_t>(ns / bucket_ns, buckets.size() - 1)]++;
    ++count;
    max_ns = std::max(max_ns, ns);
  }
  double percentile_ms(double p) const {
    const auto target = static_cast<std::uint64_t>(p * static_cast<double>(count));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      seen += buckets[i];
      if (seen > target) return static_cast<double>((i + 1) * bucket_ns) / 1e6;
    }
    return static_cast<double>(max_ns) / 1e6;
  }
};

// One SSE connection: parses events, checks revisions are consecutive, records latency.
class subscriber : public std::enable_shared_from_this<subscriber> {
public:
  subscriber(net::io_context& ioc, histogram& latencies) : socket_(ioc), latencies_(latencies) {}

  void start(const tcp::endpoint& endpoint, const std::string& request) {
    socket_.connect(endpoint);
    net::write(socket_, net::buffer(request));
    read();
  }

  // Written by the receiving thread; the atomics are polled by the main thread.
  std::uint64_t events = 0;
  std::uint64_t last_rev = 0;
  std::uint64_t disorder = 0;          // events whose revision was not last_rev + 1
  std::atomic<std::uint64_t> seen{0};  // last_rev, published
  std::atomic<bool> started{false};    // the response header arrived
  std::atomic<bool> closed{false};

private:
  void read() {
    socket_.async_read_some(net::buffer(chunk_), [self = shared_from_this()](
                                                     boost::system::error_code ec, std::size_t n) {
      if (ec) {
        self->closed = true;
        return;
      }
      self->data_.append(self->chunk_.data(), n);
      self->parse();
      self->read();
    });
  }

  void parse() {
    std::size_t pos = 0;
    if (!header_done_) {
      const auto end = data_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      header_done_ = true;
      started = true;
      pos = end + 4;
    }
    const auto received = now_ns();
    for (;;) {
      const auto end = data_.find("\n\n", pos);
      if (end == std::string::npos) break;
      if (data_.compare(pos, 4, "id: ") == 0) {
        const auto rev = std::strtoull(data_.c_str() + pos + 4, nullptr, 10);
        if (rev != last_rev + 1) ++disorder;
        last_rev = rev;
        ++events;
        const auto sent = data_.find("\"sent_ns\":", pos);
        if (sent != std::string::npos && sent < end)
          latencies_.add(received - std::strtoll(data_.c_str() + sent + 10, nullptr, 10));
      }
      pos = end + 2;
    }
    data_.erase(0, pos);
    seen = last_rev;
  }

  tcp::socket socket_;
  histogram& latencies_;
  std::array<char, 16384> chunk_{};
  std::string data_;
  bool header_done_ = false;
};

// Blocking HTTP/1.1 keep-alive client for the posters.
class poster {
public:
  poster(const tcp::endpoint& endpoint, std::string timeline)
      : socket_(ioc_), timeline_(std::move(timeline)) {
    socket_.connect(endpoint);
    socket_.set_option(tcp::no_delay(true));
  }
  bool post(const std::string& body) {
    std::string request = "POST /timelines/" + timeline_ +
                          "/statuses.json HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
                          "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    net::write(socket_, net::buffer(request));
    // Read one response: header, then Content-Length bytes.
    for (;;) {
      const auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto cl = buffer_.find("Content-Length: ");
        const auto length = std::strtoull(buffer_.c_str() + cl + 16, nullptr, 10);
        if (buffer_.size() >= end + 4 + length) {
          const bool ok = buffer_.compare(9, 3, "200") == 0;
          buffer_.erase(0, end + 4 + length);
          return ok;
        }
      }
      char chunk[4096];
      const auto n = socket_.read_some(net::buffer(chunk));
      buffer_.append(chunk, n);
    }
  }

private:
  net::io_context ioc_;
  tcp::socket socket_;
  std::string timeline_;
  std::string buffer_;
};

struct proc_sample {
  double cpu_seconds = 0;
  long max_rss_kib = 0;
};

proc_sample sample(int pid) {
  proc_sample out;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  out.cpu_seconds = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) out.max_rss_kib = std::stol(line.substr(6));
  return out;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--port")
      o.port = static_cast<unsigned short>(std::stoi(value));
    else if (key == "--server-pid")
      o.server_pid = std::stoi(value);
    else if (key == "--subscribers")
      o.subscribers = std::stoul(value);
    else if (key == "--rate")
      o.rate = std::stoul(value);
    else if (key == "--seconds")
      o.seconds = std::stoul(value);
    else if (key == "--posters")
      o.posters = std::stoul(value);
    else if (key == "--timeline")
      o.timeline = value;
    else
      throw std::invalid_argument("unknown option " + key);
  }
  if (o.port == 0 || o.server_pid == 0)
    throw std::invalid_argument("--port and --server-pid are required");
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto o = parse(argc, argv);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), o.port);

  // Subscribers start at revision 0 of a fresh timeline, so each must see 1..total.
  net::io_context ioc;
  histogram latencies;
  std::vector<std::shared_ptr<subscriber>> subs;
  const std::string request = "GET /timelines/" + o.timeline +
                              "/changes HTTP/1.1\r\nHost: b\r\nAccept: text/event-stream\r\n\r\n";
  for (std::size_t i = 0; i < o.subscribers; ++i) {
    subs.push_back(std::make_shared<subscriber>(ioc, latencies));
    subs.back()->start(endpoint, request);
  }
  std::thread receiver([&ioc] { ioc.run(); });
  // Every stream is open (its header arrived) before the first insert.
  for (const auto& s : subs)
    while (!s->started && !s->closed) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  const std::size_t total = o.rate * o.seconds;
  const auto before = sample(o.server_pid);
  const auto started = steady::now();
  std::atomic<std::size_t> failures{0};
  std::vector<std::thread> posters;
  for (std::size_t p = 0; p < o.posters; ++p)
    posters.emplace_back([&, p] {
      poster client(endpoint, o.timeline);
      const auto interval = std::chrono::nanoseconds(
          1'000'000'000LL * static_cast<long long>(o.posters) / static_cast<long long>(o.rate));
      for (std::size_t i = p; i < total; i += o.posters) {
        std::this_thread::sleep_until(started + interval * static_cast<long long>(i / o.posters));
        const std::string body =
            "{\"id\":\"s" + std::to_string(i) + "\",\"sent_ns\":" + std::to_string(now_ns()) +
            ",\"text\":\"fan-out benchmark status " + std::to_string(i) + "\"}";
        if (!client.post(body)) ++failures;
      }
    });
  for (auto& t : posters) t.join();
  const double post_seconds = std::chrono::duration<double>(steady::now() - started).count();

  // Wait (bounded) for every subscriber to see the last revision.
  const auto deadline = steady::now() + std::chrono::seconds(60);
  for (;;) {
    std::size_t done = 0;
    for (const auto& s : subs) done += s->seen >= total || s->closed;
    if (done == subs.size() || steady::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto after = sample(o.server_pid);
  const double elapsed = std::chrono::duration<double>(steady::now() - started).count();
  ioc.stop();
  receiver.join();

  std::size_t complete = 0, closed = 0;
  std::uint64_t events = 0, disorder = 0;
  for (const auto& s : subs) {
    complete += s->events == total && s->last_rev == total && s->disorder == 0;
    closed += s->closed;
    events += s->events;
    disorder += s->disorder;
  }
  std::printf("subscribers              %zu\n", o.subscribers);
  std::printf("inserts                  %zu in %.2f s (%.0f/s), %zu failed\n", total, post_seconds,
              static_cast<double>(total) / post_seconds, failures.load());
  std::printf("events delivered         %llu of %llu (%.0f/s over %.2f s)\n",
              static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(total * o.subscribers),
              static_cast<double>(events) / elapsed, elapsed);
  std::printf("complete subscribers     %zu (each got 1..%zu exactly once, in order)\n", complete,
              total);
  std::printf("out-of-order or gaps     %llu; streams closed early %zu\n",
              static_cast<unsigned long long>(disorder), closed);
  std::printf("latency ms               p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
              latencies.percentile_ms(0.50), latencies.percentile_ms(0.90),
              latencies.percentile_ms(0.99), static_cast<double>(latencies.max_ns) / 1e6);
  std::printf("server CPU               %.2f s over %.2f s (%.0f%% of one core)\n",
              after.cpu_seconds - before.cpu_seconds, elapsed,
              100 * (after.cpu_seconds - before.cpu_seconds) / elapsed);
  std::printf("server max RSS           %.1f MiB\n", static_cast<double>(after.max_rss_kib) / 1024);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double client_cpu =
      static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("benchmark client CPU     %.2f s (%.0f%% of one core)\n", client_cpu,
              100 * client_cpu / elapsed);
  return complete == o.subscribers ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "roost_sse_fanout: " << e.what() << '\n';
  return 2;
}
