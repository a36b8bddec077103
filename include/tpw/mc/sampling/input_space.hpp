// tpw/mc/sampling/input_space.hpp: the uncertain inputs of a model, and their dependence.
//
// Correlated inputs follow a Gaussian copula built from a rank (Spearman) correlation matrix: the
// uniforms of a sample become standard normals, are mixed by the Cholesky factor L of the normal
// correlation matrix (Eigen's LLT), and return to uniforms before each input's inverse CDF, so
// every marginal is kept exactly and the ranks correlate as asked.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "tpw/error.hpp"
#include "tpw/mc/sampling/distributions.hpp"
#include "tpw/mc/sampling/philox.hpp"

namespace tpw::mc {

// One uncertain input: its name (a scenario path such as "deployment.utilization") and its
// distribution.
struct uncertain_input {
  std::string name;
  distribution dist;
};

// The Pearson correlation of the Gaussian copula that gives a Spearman rank correlation rho_s:
// rho = 2 sin(pi rho_s / 6) (exact for a bivariate normal).
inline double normal_correlation_for_rank(double spearman) noexcept {
  return 2.0 * std::sin(3.14159265358979323846 * spearman / 6.0);
}

class input_space {
 public:
  explicit input_space(std::vector<uncertain_input> inputs) : inputs_(std::move(inputs)) {
    if (inputs_.empty()) {
      throw invalid_input("uncertainty.inputs", 0.0, "a Monte Carlo run needs at least one input");
    }
    for (std::size_t k = 0; k < inputs_.size(); ++k) {
      for (std::size_t m = 0; m < k; ++m) {
        if (inputs_[m].name == inputs_[k].name) {
          throw invalid_input("uncertainty.inputs", inputs_[k].name,
                              "each input may appear only once");
        }
      }
    }
  }

  // With a Spearman rank correlation matrix over the inputs, in their order: symmetric, ones on
  // the diagonal, entries in [-1, 1], and positive definite once mapped to the normal scale.
  input_space(std::vector<uncertain_input> inputs, const Eigen::MatrixXd& rank_correlation)
      : input_space(std::move(inputs)) {
    const auto d = static_cast<Eigen::Index>(inputs_.size());
    if (rank_correlation.rows() != d || rank_correlation.cols() != d) {
      throw invalid_input(
          "uncertainty.correlation", static_cast<double>(rank_correlation.rows()),
          "must be a square matrix with one row per input (" + std::to_string(d) + ")");
    }
    Eigen::MatrixXd normal = Eigen::MatrixXd::Identity(d, d);
    for (Eigen::Index r = 0; r < d; ++r) {
      for (Eigen::Index c = 0; c < d; ++c) {
        const double value = rank_correlation(r, c);
        const std::string field =
            "uncertainty.correlation[" + std::to_string(r) + "][" + std::to_string(c) + "]";
        if (!tpw::detail::is_finite(value) || value < -1.0 || value > 1.0) {
          throw invalid_input(field, value, "a correlation must be in [-1, 1]");
        }
        if (r == c && value != 1.0) {
          throw invalid_input(field, value, "the diagonal of a correlation matrix must be 1");
        }
        if (value != rank_correlation(c, r)) {
          throw invalid_input(field, value,
                              "a correlation matrix must be symmetric; [" + std::to_string(c) +
                                  "][" + std::to_string(r) +
                                  "] = " + tpw::detail::number_text(rank_correlation(c, r)));
        }
        if (r != c) normal(r, c) = normal_correlation_for_rank(value);
      }
    }
    const Eigen::LLT<Eigen::MatrixXd> cholesky(normal);
    // LLT only reports failure when a pivot is not positive; require a margin on the diagonal so
    // that a matrix singular up to rounding is refused too.
    bool positive_definite = cholesky.info() == Eigen::Success;
    if (positive_definite) {
      const Eigen::MatrixXd l = cholesky.matrixL();
      for (Eigen::Index k = 0; k < d; ++k) positive_definite = positive_definite && l(k, k) > 1e-8;
    }
    if (!positive_definite) {
      throw invalid_input("uncertainty.correlation", static_cast<double>(d),
                          "the rank correlation matrix is not positive definite (on the normal "
                          "scale of the copula): these correlations cannot hold together");
    }
    const Eigen::MatrixXd l = cholesky.matrixL();
    cholesky_.resize(static_cast<std::size_t>(d * d));
    for (Eigen::Index r = 0; r < d; ++r) {
      for (Eigen::Index c = 0; c < d; ++c) cholesky_[static_cast<std::size_t>(r * d + c)] = l(r, c);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return inputs_.size(); }
  [[nodiscard]] const uncertain_input& operator[](std::size_t k) const noexcept {
    return inputs_[k];
  }
  [[nodiscard]] const std::vector<uncertain_input>& inputs() const noexcept { return inputs_; }
  [[nodiscard]] bool correlated() const noexcept { return !cholesky_.empty(); }
  // The copula's Cholesky factor, row-major (empty when the inputs are independent).
  [[nodiscard]] const std::vector<double>& cholesky() const noexcept { return cholesky_; }

  // Uniforms in, input values out: through the copula when there is one, then each inverse CDF.
  // `u` is overwritten with the copula's uniforms.
  void transform(std::span<double> u, std::span<double> x) const noexcept {
    transform_columns(u.data(), x.data(), 1, 1);  // a batch of one sample
  }

  // The same for a batch of `count` samples laid out by input (input k's at u + k * stride and
  // x + k * stride): the copula one sample at a time, then each inverse CDF over the batch.
  void transform_columns(double* u, double* x, std::size_t count,
                         std::size_t stride) const noexcept {
    if (!cholesky_.empty()) {
      // One sample's uniforms and the copula's normals: on the stack up to 32 inputs.
      const std::size_t d = inputs_.size();
      double small[64];
      std::vector<double> heap(d > 32 ? 2 * d : 0);
      double* sample = heap.empty() ? small : heap.data();
      for (std::size_t s = 0; s < count; ++s) {
        for (std::size_t k = 0; k < d; ++k) sample[k] = u[k * stride + s];
        gaussian_copula(cholesky_.data(), static_cast<unsigned>(d), sample, sample + d);
        for (std::size_t k = 0; k < d; ++k) u[k * stride + s] = sample[k];
      }
    }
    for (std::size_t k = 0; k < inputs_.size(); ++k) {
      inputs_[k].dist.quantiles(u + k * stride, x + k * stride, count);
    }
  }

  // The medians, and each input's P10 and P90 (for tornado diagrams).
  [[nodiscard]] std::vector<double> medians() const {
    std::vector<double> m(inputs_.size());
    for (std::size_t k = 0; k < inputs_.size(); ++k) m[k] = inputs_[k].dist.median();
    return m;
  }

 private:
  std::vector<uncertain_input> inputs_;
  std::vector<double> cholesky_;  // lower triangular, row-major, on the normal scale; or empty
};

}  // namespace tpw::mc
