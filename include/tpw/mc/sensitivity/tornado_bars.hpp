// tpw/mc/sensitivity/tornado_bars.hpp: a tornado's result, each input's swing of an output, as
// reports read it (no Eigen, no engine: tornado.hpp computes it).
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace tpw::mc {

struct tornado_bar {
  std::string input;
  double low = 0.0;   // the output with this input at its P10
  double high = 0.0;  // ... at its P90
  [[nodiscard]] double swing() const noexcept { return std::abs(high - low); }
};
struct tornado {
  std::string output;
  double base = 0.0;              // every input at its median
  std::vector<tornado_bar> bars;  // widest swing first
};

}  // namespace tpw::mc
