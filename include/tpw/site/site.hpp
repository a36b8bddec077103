// tpw/site/site.hpp: power-capped planning: what fits under a utility power ceiling, and what it
// makes and costs in a year.
//
// systems = floor(usable ceiling / (provisioned IT power per system * PUE)), where the usable
// ceiling is the utility ceiling less a headroom kept in reserve. The power left over, less than
// one more system needs, is stranded. Tokens, revenue and cost per year follow from the
// accelerators deployed and the per-accelerator figures of tpw::evaluate.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tpw/error.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

struct site_spec {
  power ceiling{};  // utility power available to the facility, > 0 (scenario: site.power_mw)
  fraction headroom = fraction::unchecked(0.0);  // share of the ceiling held in reserve, < 1
};

template <currency_type C>
struct site_plan {
  long systems = 0;
  long accelerators = 0;
  power usable_power{};    // ceiling * (1 - headroom), or what the systems draw without a ceiling
  power facility_power{};  // systems * provisioned IT power per system * PUE
  power stranded_power{};  // usable - facility power: less than one more system needs
  tokens tokens_per_year{};
  money<C> cost_per_year{};
  std::optional<money<C>> revenue_per_year;  // at a token price
  economics<C> per_accelerator;              // the figures every accelerator shares
};

// Facility power one system is provisioned for: its provisioned IT power * PUE.
inline power facility_power_per_system(const deployment& d) noexcept {
  const operating_point& op = d.point();
  return op.provisioned_power * op.accelerators_per_system * op.facility_pue.value();
}

// The usable power of a site: its ceiling less the headroom, both checked.
inline power usable_power(const site_spec& site) {
  detail::require_positive("site.power_mw", site.ceiling, units::MW, "MW");
  if (site.headroom.value() >= 1.0) {
    throw invalid_input("site.headroom", site.headroom.value(),
                        "must be below 1: a site that reserves all its power fits nothing");
  }
  return site.ceiling * site.headroom.complement();
}

namespace detail {
using tpw::usable_power;  // its home before it was public

}  // namespace detail

// How many systems of `per_system` facility power fit in `usable` power: floor(usable /
// per_system), with tpw::detail::whole_systems' tolerance of a billionth of a system. Throws when
// the count is too large to count exactly (2^53 and more).
inline long systems_that_fit(power usable, power per_system) {
  const double whole = detail::whole_systems(usable.value(), per_system.value());
  if (!(whole >= 0.0 && whole < 9007199254740992.0)) {  // NaN, or beyond 2^53
    throw invalid_input::converted(
        "site.power_mw", in(usable, units::MW),
        "fits " + detail::number_text(whole) + " systems, more than can be counted exactly (2^53)");
  }
  return static_cast<long>(whole);
}

// How many of the deployment's systems fit under the site's ceiling. Throws when not even one
// does.
inline long systems_under_ceiling(const deployment& d, const site_spec& site) {
  const power per_system = facility_power_per_system(d);
  const long whole = systems_that_fit(detail::usable_power(site), per_system);
  if (whole < 1) {
    throw invalid_input::converted("site.power_mw", in(site.ceiling, units::MW),
                                   "is below one system, which needs " +
                                       detail::converted_number_text(in(per_system, units::MW)) +
                                       " MW (provisioned IT power * PUE) beside the headroom");
  }
  return whole;
}

namespace detail {
template <currency_type C>
site_plan<C> site_figures(const deployment& d, long systems, power usable,
                          const economics<C>& per_accelerator) {
  site_plan<C> plan;
  plan.systems = systems;
  if (systems > std::numeric_limits<long>::max() / d.accelerators_per_system()) {
    throw invalid_input(
        "site.accelerators",
        static_cast<double>(systems) * static_cast<double>(d.accelerators_per_system()),
        "systems * accelerators_per_system overflows a count");
  }
  plan.accelerators = systems * d.accelerators_per_system();
  plan.usable_power = usable;
  plan.facility_power = facility_power_per_system(d) * static_cast<double>(systems);
  // The systems that fit within a billionth of a system (systems_that_fit) strand nothing, never a
  // negative power.
  plan.stranded_power = usable > plan.facility_power ? usable - plan.facility_power : power{};
  const double n = static_cast<double>(plan.accelerators);
  plan.tokens_per_year = average_token_rate(d.point()) * units::year * n;
  plan.cost_per_year = per_accelerator.hourly_cost.total * units::year * n;
  if (per_accelerator.revenue) {
    plan.revenue_per_year = per_accelerator.revenue->price * plan.tokens_per_year;
  }
  plan.per_accelerator = per_accelerator;
  return plan;
}
}  // namespace detail

// The deployment packed under a power ceiling (its own `systems` count is ignored).
template <cost_component First, cost_component... Rest>
site_plan<typename First::currency> plan_site(
    const deployment& d, const site_spec& site, const First& first,
    const Rest&... rest) requires detail::same_currency<First, Rest...> {
  const long systems = systems_under_ceiling(d, site);
  return detail::site_figures(d, systems, site.ceiling * site.headroom.complement(),
                              evaluate(d, first, rest...));
}

template <cost_component First, cost_component... Rest>
site_plan<typename First::currency> plan_site(
    const deployment& d, const site_spec& site, token_price<typename First::currency> price,
    const First& first, const Rest&... rest) requires detail::same_currency<First, Rest...> {
  const long systems = systems_under_ceiling(d, site);
  return detail::site_figures(d, systems, site.ceiling * site.headroom.complement(),
                              evaluate(d, price, first, rest...));
}

// Without a ceiling: the deployment's own `systems`, nothing stranded.
template <cost_component First, cost_component... Rest>
site_plan<typename First::currency> plan_site(
    const deployment& d, token_price<typename First::currency> price, const First& first,
    const Rest&... rest) requires detail::same_currency<First, Rest...> {
  const power drawn = facility_power_per_system(d) * static_cast<double>(d.systems());
  return detail::site_figures(d, d.systems(), drawn, evaluate(d, price, first, rest...));
}

// --- Comparing platforms under one ceiling ------------------------------------------------------

template <currency_type C>
struct named_site_plan {
  std::string platform;
  site_plan<C> plan;
};

// Which platform wins on each measure (indices into the list compared; the first wins ties).
struct site_ranking {
  std::size_t most_revenue = 0;  // the most revenue per year, so per MW of the shared ceiling
  std::size_t most_tokens_per_joule = 0;
  std::size_t lowest_cost_per_mtok = 0;
};

template <currency_type C>
site_ranking rank_sites(std::span<const named_site_plan<C>> plans) {
  if (plans.empty()) throw invalid_input("site.platforms.size", 0.0, "needs at least one plan");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].plan.revenue_per_year) {
      throw invalid_input("site.platforms[" + std::to_string(i) + "].revenue", 0.0,
                          "ranking by revenue needs every plan evaluated at a token price");
    }
  }
  site_ranking best;
  const auto figures = [&](std::size_t i) -> const site_plan<C>& { return plans[i].plan; };
  for (std::size_t i = 1; i < plans.size(); ++i) {
    const auto& a = figures(i).per_accelerator;
    if (*figures(i).revenue_per_year > *figures(best.most_revenue).revenue_per_year) {
      best.most_revenue = i;
    }
    if (a.tokens_per_joule > figures(best.most_tokens_per_joule).per_accelerator.tokens_per_joule) {
      best.most_tokens_per_joule = i;
    }
    if (a.cost_per_token.total <
        figures(best.lowest_cost_per_mtok).per_accelerator.cost_per_token.total) {
      best.lowest_cost_per_mtok = i;
    }
  }
  return best;
}

}  // namespace tpw
