#include "interrupt.hpp"

#include <atomic>
#include <csignal>

#include <signal.h>

namespace roost::app {
namespace {

std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "signal handlers need a lock-free flag");

struct sigaction previous_int, previous_term;

extern "C" void on_stop_signal(int sig) { received.store(sig, std::memory_order_relaxed); }

void install(int sig, struct sigaction* previous) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocked read returns EINTR. SA_RESETHAND: a second signal kills.
  action.sa_flags = SA_RESETHAND;
  sigaction(sig, &action, previous);
}

}  // namespace

interrupt_guard::interrupt_guard() {
  received.store(0);
  install(SIGINT, &previous_int);
  install(SIGTERM, &previous_term);
}

interrupt_guard::~interrupt_guard() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

bool interrupt_guard::requested() noexcept { return received.load(std::memory_order_relaxed) != 0; }

int interrupt_guard::signal_number() noexcept { return received.load(std::memory_order_relaxed); }

int interrupt_guard::exit_code() noexcept {
  const int sig = signal_number();
  return 128 + (sig != 0 ? sig : SIGINT);
}

}  // namespace roost::app
