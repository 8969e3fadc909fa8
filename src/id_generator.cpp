// The id generator: an atomic microsecond counter plus a per-process random tag.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include "storage/id_generator.hpp"

namespace roost {
namespace {

std::atomic<std::uint64_t> last_tick{0};
std::atomic<std::uint64_t> process_tag{0};

std::uint64_t draw_tag() {
  std::random_device device;
  std::uint64_t tag = (std::uint64_t{device()} << 32) ^ device();
  // Mix in what differs between processes even if random_device were deterministic.
  tag ^= static_cast<std::uint64_t>(::getpid()) * 0x9e3779b97f4a7c15ULL;
  tag ^= static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  // splitmix64 finalizer: spread the bits.
  tag = (tag ^ (tag >> 30)) * 0xbf58476d1ce4e5b9ULL;
  tag = (tag ^ (tag >> 27)) * 0x94d049bb133111ebULL;
  return tag ^ (tag >> 31);
}

// A forked child shares the parent's tag and counter; give it its own tag.
void redraw_tag_in_child() { process_tag.store(draw_tag(), std::memory_order_relaxed); }

std::uint64_t tag() {
  static std::once_flag once;
  std::call_once(once, [] {
    process_tag.store(draw_tag(), std::memory_order_relaxed);
    ::pthread_atfork(nullptr, nullptr, redraw_tag_in_child);
  });
  return process_tag.load(std::memory_order_relaxed);
}

std::uint64_t next_tick() {
  const auto now =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::uint64_t last = last_tick.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t next = now > last ? now : last + 1;
    if (last_tick.compare_exchange_weak(last, next, std::memory_order_relaxed)) return next;
  }
}

void put_hex(char* out, std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = digits[value & 0xf];
    value >>= 4;
  }
}

}  // namespace

std::string new_status_id() {
  const std::uint64_t process = tag();
  const std::uint64_t tick = next_tick();
  std::string id(33, '-');
  put_hex(id.data(), tick);
  put_hex(id.data() + 17, process);
  return id;
}

}  // namespace roost
