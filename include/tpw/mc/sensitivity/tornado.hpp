// tpw/mc/sensitivity/tornado.hpp: each input alone from its P10 to its P90, the others at their
// medians.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/mc/sensitivity/call_model.hpp"
#include "tpw/mc/sensitivity/tornado_bars.hpp"

namespace tpw::mc {

// One tornado per output. Inputs move one at a time (a correlation, if any, is not applied).
template <class F>
requires scalar_model<F> || vector_model<F> std::vector<tornado> tornado_analysis(
    const input_space& inputs, const F& model, std::vector<std::string> output_names = {"output"},
    double low_probability = 0.10, double high_probability = 0.90) {
  if (!(low_probability > 0.0 && low_probability < high_probability && high_probability < 1.0)) {
    throw invalid_input("tornado.low_probability", low_probability,
                        "must satisfy 0 < low < high < 1");
  }
  const std::size_t d = inputs.size();
  const std::size_t outputs = output_names.size();
  std::vector<double> x = inputs.medians();
  std::vector<double> y(outputs), y_low(outputs), y_high(outputs);
  detail::call_model(model, x, y);
  std::vector<tornado> result(outputs);
  for (std::size_t k = 0; k < outputs; ++k) result[k] = {output_names[k], y[k], {}};
  for (std::size_t j = 0; j < d; ++j) {
    const double median = x[j];
    x[j] = inputs[j].dist.quantile(low_probability);
    detail::call_model(model, x, y_low);
    x[j] = inputs[j].dist.quantile(high_probability);
    detail::call_model(model, x, y_high);
    x[j] = median;
    for (std::size_t k = 0; k < outputs; ++k) {
      result[k].bars.push_back({inputs[j].name, y_low[k], y_high[k]});
    }
  }
  for (auto& t : result) {
    std::stable_sort(t.bars.begin(), t.bars.end(), [](const tornado_bar& a, const tornado_bar& b) {
      return a.swing() > b.swing();
    });
  }
  return result;
}

}  // namespace tpw::mc
