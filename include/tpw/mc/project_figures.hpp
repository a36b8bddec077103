// tpw/mc/project_figures.hpp: the names of a multi-year project's Monte Carlo figures, and the
// statistics of the figures a sample may lack (IRR, payback). Reports read it without the engine
// (tpw/mc/project_model.hpp runs the model).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "tpw/finance/project_parameters.hpp"
#include "tpw/mc/engine/statistics.hpp"

namespace tpw::mc {

// The project's figures the engine summarizes (every sample has them), after the cost model's,
// and the figures a sample may lack, summarized over the samples that have them.
inline constexpr std::array<const char*, 2> project_output_names{project_figure_names[0],
                                                                 project_figure_names[1]};
inline constexpr std::array<const char*, 4> project_optional_names{
    project_figure_names[2], project_figure_names[3], project_figure_names[4],
    project_figure_names[5]};

// An optional figure's statistics over the samples that have it, and how many lack it.
struct project_figure_statistics {
  output_statistics statistics;  // count: the samples that have the figure
  std::uint64_t evaluated = 0;   // samples looked at
  std::uint64_t missing = 0;     // of those, without the figure
  [[nodiscard]] double missing_share() const noexcept {
    return evaluated == 0 ? 0.0 : static_cast<double>(missing) / static_cast<double>(evaluated);
  }
};

namespace detail {
// The index of a figure in project_optional_names, or its size when the figure is not one.
inline std::size_t optional_project_figure(std::string_view name) noexcept {
  std::size_t k = 0;
  while (k < project_optional_names.size() && name != project_optional_names[k]) ++k;
  return k;
}
inline bool is_optional_project_figure(std::string_view name) noexcept {
  return optional_project_figure(name) < project_optional_names.size();
}

// How an exceedance counts a sample without the figure: a payback never reached is above every
// threshold (the project has not paid back by then); a sample without a single IRR clears no
// hurdle, so it is never above one. `optional_figure` indexes project_optional_names.
constexpr bool missing_is_above(std::size_t optional_figure) noexcept {
  return optional_figure >= 2;  // payback_years, discounted_payback_years
}
}  // namespace detail

}  // namespace tpw::mc
