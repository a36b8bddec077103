// tpw/mc/engine/parallel.hpp: chunked work on every core, with results merged in a fixed order.
//
// Work is cut into chunks of a fixed size, independent of the thread count. Chunks run in rounds:
// within a round, threads take chunks as they come; after it, the caller merges the round's
// chunk results in chunk order. So a floating-point sum is added up in the same order whether 1, 2
// or 8 threads ran, and the result is bitwise the same. Between rounds the caller reports progress
// and honours a stop request.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <vector>

namespace tpw::mc {

// Thrown when a run is stopped through its stop_token: no partial result is returned.
class cancelled : public std::runtime_error {
 public:
  cancelled() : std::runtime_error("tpw: the Monte Carlo run was cancelled") {}
};

// Where a run stands, for a progress bar: `done` of `total` samples in pass `pass` (a run makes
// one pass for the moments, and more to pin its quantiles exactly).
struct progress {
  unsigned pass = 1;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};

namespace detail {

// The machine's hardware threads (at least 1).
inline unsigned hardware_threads() noexcept {
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

// The most threads a run may use: all hardware threads when asked for 0 (a bound: a run in
// progress beside others gets fewer, see thread_lease).
inline unsigned thread_count(unsigned requested) noexcept {
  return requested != 0 ? requested : hardware_threads();
}

// Threads held by the runs in progress in this process.
inline std::atomic<unsigned>& threads_held() noexcept {
  static std::atomic<unsigned> held{0};
  return held;
}

}  // namespace detail

// The threads of one run, held while it runs. Asked for a count, it holds that count; asked for 0
// (run_options' default), the hardware threads that no other run in progress holds, and at least
// one. So a server calling the engine from N request threads at once, each with threads = 0, keeps
// to about the machine's threads in all instead of N times them; a run's result does not depend on
// its thread count, so which run got how many never changes a figure.
class thread_lease {
 public:
  explicit thread_lease(unsigned requested) noexcept {
    std::atomic<unsigned>& held = detail::threads_held();
    if (requested != 0) {
      count_ = requested;
      held += count_;
      return;
    }
    const unsigned hardware = detail::hardware_threads();
    unsigned now = held.load();
    do {
      count_ = now >= hardware ? 1 : hardware - now;
    } while (!held.compare_exchange_weak(now, now + count_));
  }
  ~thread_lease() { detail::threads_held() -= count_; }
  thread_lease(const thread_lease&) = delete;
  thread_lease& operator=(const thread_lease&) = delete;

  [[nodiscard]] unsigned count() const noexcept { return count_; }

 private:
  unsigned count_ = 1;
};

// The threads the runs in progress in this process hold in all (thread_lease).
inline unsigned threads_in_use() noexcept {
  return detail::threads_held().load();
}

namespace detail {

// Runs work(chunk, worker) for every chunk in [0, chunks) on `threads` threads, `round` chunks
// at a time; after each round, merge(first, last) sees chunks [first, last) in order. An
// exception thrown by work is rethrown for the lowest chunk that threw, after the round's
// threads have joined (every chunk of the round runs, so which one that is never depends on the
// threads). A stop request ends the run at the next chunk and throws cancelled.
template <class Work, class Merge>
void run_in_rounds(std::uint64_t chunks, unsigned threads, std::uint64_t round,
                   const std::stop_token& stop, Work&& work, Merge&& merge) {
  threads = static_cast<unsigned>(std::min<std::uint64_t>(std::max(threads, 1u), round));
  std::vector<std::exception_ptr> errors(round);
  for (std::uint64_t first = 0; first < chunks; first += round) {
    const std::uint64_t last = std::min(chunks, first + round);
    std::atomic<std::uint64_t> next{first};
    std::fill(errors.begin(), errors.end(), nullptr);
    const auto body = [&](unsigned worker) {
      for (std::uint64_t chunk = next++; chunk < last; chunk = next++) {
        if (stop.stop_requested()) return;
        try {
          work(chunk, worker);
        } catch (...) {
          errors[chunk - first] = std::current_exception();
        }
      }
    };
    const auto helpers = static_cast<unsigned>(std::min<std::uint64_t>(threads, last - first));
    {
      std::vector<std::jthread> pool;
      pool.reserve(helpers > 0 ? helpers - 1 : 0);
      for (unsigned worker = 1; worker < helpers; ++worker) pool.emplace_back(body, worker);
      body(0);
    }  // joins
    for (const auto& error : errors) {
      if (error) std::rethrow_exception(error);
    }
    if (stop.stop_requested()) throw cancelled();
    merge(first, last);
  }
}

}  // namespace detail

}  // namespace tpw::mc
