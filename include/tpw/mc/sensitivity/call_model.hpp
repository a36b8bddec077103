// tpw/mc/sensitivity/call_model.hpp: a model evaluated for a sensitivity analysis, its outputs
// checked finite.
#pragma once

#include <cstddef>
#include <span>

#include "tpw/config.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/sensitivity/sobol_estimators.hpp"

namespace tpw::mc {

namespace detail {

// Evaluates a model at x into y, whichever form it takes.
template <class F>
void call_model(const F& model, std::span<const double> x, std::span<double> y) {
  invoke_model(model, x, y);
  for (std::size_t k = 0; k < y.size(); ++k) {
    if (!tpw::detail::is_finite(y[k])) refuse_non_finite_output(k, y[k]);
  }
}

}  // namespace detail

}  // namespace tpw::mc
