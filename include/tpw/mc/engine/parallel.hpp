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

// The threads to use: all hardware threads when asked for 0.
inline unsigned thread_count(unsigned requested) noexcept {
  if (requested != 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

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
