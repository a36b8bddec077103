// The cost of one Monte Carlo sample's time-to-first-token target on a long frontier: the least
// interactivity whose interpolated TTFT meets a limit (tpw::throughput_frontier::
// min_interactivity_for_ttft), against a baseline that scans the points one by one as tpw did
// before, side by side in the same run, on frontiers of 1,000 to 700,000 points.
//   build/release/bench/bench_ttft_target
// Prints ns per call for both and their ratio: tpw's figure should barely grow with the length
// (a binary search), the scan's in proportion to it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <tpw/curves/frontier.hpp>

namespace {

// TTFT falling from 2,000 ms to 400 ms over the first half of the points, then rising slowly.
tpw::throughput_frontier make_frontier(int n) {
  std::vector<tpw::frontier_point> points;
  for (int i = 0; i < n; ++i) {
    const double x = 1.0 + i;
    const double half = n / 2.0;
    const double ttft_ms = i < n / 2 ? 2000.0 - 1600.0 * i / half : 400.0 + 0.001 * (i - half);
    points.push_back({tpw::token_rate::from_value(x), tpw::token_rate::from_value(1e6 / x),
                      std::nullopt, ttft_ms * tpw::units::ms});
  }
  return tpw::throughput_frontier(std::move(points), "bench");
}

// The baseline: the first point meeting the limit found by a scan, then the same bisection.
double scan(const tpw::throughput_frontier& f, double limit_s) {
  const auto ttft = [&](double x) { return f.ttft_at(tpw::token_rate::from_value(x))->value(); };
  double a = f.points().front().interactivity.value();
  if (ttft(a) <= limit_s) return a;
  for (const auto& p : f.points()) {
    const double b = p.interactivity.value();
    if (b <= a) continue;
    if (ttft(b) <= limit_s) {
      double lo = a;
      double hi = b;
      while (true) {
        const double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi) break;
        (ttft(mid) <= limit_s ? hi : lo) = mid;
      }
      return hi;
    }
    a = b;
  }
  return -1.0;
}

template <class F>
double ns_per_call(int calls, F&& call) {
  const auto start = std::chrono::steady_clock::now();
  double sink = 0.0;
  for (int k = 0; k < calls; ++k) sink += call(k);
  const auto stop = std::chrono::steady_clock::now();
  if (sink == 42.0) std::puts("");  // keeps the calls
  return std::chrono::duration<double, std::nano>(stop - start).count() / calls;
}

}  // namespace

int main() {
  std::printf("%10s %14s %14s %10s\n", "points", "tpw ns/call", "scan ns/call", "scan/tpw");
  for (const int n : {1'000, 10'000, 100'000, 700'000}) {
    const tpw::throughput_frontier f = make_frontier(n);
    const auto from = f.points().front().interactivity;
    // Limits spread over the falling half, as an uncertain target's samples would be.
    const auto limit = [](int k) { return 0.401 + 1.5 * ((k * 7919) % 1000) / 1000.0; };
    const double tpw_ns = ns_per_call(20'000, [&](int k) {
      return f.min_interactivity_for_ttft(limit(k) * tpw::units::second, from, "bench").value();
    });
    const int scan_calls = std::max(20, 20'000'000 / n);
    const double scan_ns = ns_per_call(scan_calls, [&](int k) { return scan(f, limit(k)); });
    std::printf("%10d %14.0f %14.0f %10.1f\n", n, tpw_ns, scan_ns, scan_ns / tpw_ns);
  }
}
