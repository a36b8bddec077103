// tpw/mc/sensitivity/regression.hpp: standardized regression coefficients (SRC) of the outputs on
// the inputs, and on their ranks (SRRC), by least squares with Eigen; R^2 says how much of the
// variance a linear model holds.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "tpw/error.hpp"
#include "tpw/mc/engine/engine.hpp"
#include "tpw/mc/sampling/input_space.hpp"
#include "tpw/mc/sensitivity/call_model.hpp"

namespace tpw::mc {

struct regression_sensitivity {
  std::string output;
  std::vector<std::string> inputs;
  std::vector<double> src;   // standardized regression coefficients, one per input
  double r_squared = 0.0;    // of the linear fit: near 1, the SRCs explain the output
  std::vector<double> srrc;  // the same on ranks (monotone, not only linear, effects)
  double rank_r_squared = 0.0;
};

namespace detail {

// Ranks 1..n, ties sharing their average rank.
inline Eigen::VectorXd ranks_of_values(const Eigen::VectorXd& v) {
  const auto n = v.size();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return v(a) < v(b); });
  Eigen::VectorXd r(n);
  for (Eigen::Index start = 0; start < n;) {
    Eigen::Index end = start + 1;
    while (end < n &&
           v(order[static_cast<std::size_t>(end)]) == v(order[static_cast<std::size_t>(start)]))
      ++end;
    const double average = 0.5 * static_cast<double>(start + end - 1) + 1.0;
    for (Eigen::Index k = start; k < end; ++k) r(order[static_cast<std::size_t>(k)]) = average;
    start = end;
  }
  return r;
}

// Standardized coefficients of y on the columns of x, and R^2. A constant column gets 0.
inline std::pair<std::vector<double>, double> standardized_fit(const Eigen::MatrixXd& x,
                                                               const Eigen::VectorXd& y) {
  const auto n = static_cast<double>(x.rows());
  const auto sd = [n](const Eigen::VectorXd& c) {
    return std::sqrt((c.array() - c.mean()).square().sum() / (n - 1.0));
  };
  const double y_sd = sd(y);
  std::vector<double> coefficients(static_cast<std::size_t>(x.cols()), 0.0);
  if (y_sd == 0.0) return {coefficients, 0.0};
  std::vector<Eigen::Index> used;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    if (sd(x.col(c)) > 0.0) used.push_back(c);
  }
  Eigen::MatrixXd z(x.rows(), static_cast<Eigen::Index>(used.size()));
  for (std::size_t k = 0; k < used.size(); ++k) {
    const Eigen::VectorXd c = x.col(used[k]);
    z.col(static_cast<Eigen::Index>(k)) = (c.array() - c.mean()) / sd(c);
  }
  const Eigen::VectorXd zy = (y.array() - y.mean()) / y_sd;
  // Normal equations on standardized columns: a d x d system, solved by Cholesky (LDLT).
  const Eigen::VectorXd beta = (z.transpose() * z).ldlt().solve(z.transpose() * zy);
  const Eigen::VectorXd residual = zy - z * beta;
  for (std::size_t k = 0; k < used.size(); ++k) {
    coefficients[static_cast<std::size_t>(used[k])] = beta(static_cast<Eigen::Index>(k));
  }
  return {coefficients, 1.0 - residual.squaredNorm() / zy.squaredNorm()};
}

}  // namespace detail

// SRC and SRRC from options.samples samples of the design (the samples are kept in memory).
template <class F>
requires scalar_model<F> || vector_model<F> std::vector<regression_sensitivity> regression_analysis(
    const input_space& inputs, const F& model, run_options options,
    std::vector<std::string> output_names = {"output"}) {
  if (options.samples < inputs.size() + 2) {
    throw invalid_input("uncertainty.samples", static_cast<double>(options.samples),
                        "a regression needs more samples than inputs + 1");
  }
  options.keep_samples = true;
  const run_result run_data = run(inputs, model, options, output_names);
  const auto n = static_cast<Eigen::Index>(options.samples);
  const auto d = static_cast<Eigen::Index>(inputs.size());
  const auto outputs = static_cast<Eigen::Index>(output_names.size());
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(
      run_data.input_samples.data(), n, d);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> y(
      run_data.output_samples.data(), n, outputs);
  const Eigen::MatrixXd x_values = x;
  Eigen::MatrixXd x_ranks(n, d);
  for (Eigen::Index c = 0; c < d; ++c) x_ranks.col(c) = detail::ranks_of_values(x_values.col(c));
  std::vector<regression_sensitivity> result;
  for (Eigen::Index k = 0; k < outputs; ++k) {
    const Eigen::VectorXd yk = y.col(k);
    const auto [src, r2] = detail::standardized_fit(x_values, yk);
    const auto [srrc, rank_r2] = detail::standardized_fit(x_ranks, detail::ranks_of_values(yk));
    result.push_back(
        {output_names[static_cast<std::size_t>(k)], run_data.input_names, src, r2, srrc, rank_r2});
  }
  return result;
}

}  // namespace tpw::mc
