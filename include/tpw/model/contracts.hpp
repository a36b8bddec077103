// tpw/model/contracts.hpp: how a deployment earns its revenue. Three contracts, mixable:
//   - per token: tokens made times a price per token (what tpw::evaluate(d, price, ...) does);
//   - on demand: accelerator-hours rented out and paid per hour used (a GPU cloud's list price);
//   - reserved, take-or-pay: a count of accelerators reserved at a rate per accelerator-hour,
//     billed on the committed share of their hours whether used or not, with hours used beyond
//     the commitment billed at an overage rate.
// Each hourly contract covers a share of the deployment's accelerators; the tokens of the share
// left (1 - on-demand share - reserved share) are sold per token when a token price is given, and
// earn nothing otherwise. Every share runs at the deployment's utilization u (the model assumes
// the load spreads evenly), so per accelerator-second the revenue is
//   R = s_t u T p  +  s_d u r_d  +  s_r (r_r c + r_o max(0, u - c))
// with T the throughput, p the token price, s_* the shares, r_d the on-demand rate, r_r the
// reserved rate, c the committed share and r_o the overage rate. A token price equivalent,
// R / (u T), carries it into every figure at a token price (revenue per MW-year, gross margin,
// the project's revenue), so those read the same for any mix (docs/definitions.md).
#pragma once

#include <optional>
#include <string>

#include "tpw/config.hpp"
#include "tpw/error.hpp"
#include "tpw/model/components.hpp"
#include "tpw/model/deployment.hpp"
#include "tpw/model/economics.hpp"
#include "tpw/model/formulas.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// Accelerator-hours rented out, paid per hour used.
template <currency_type C>
struct on_demand_contract {
  fraction share = fraction::unchecked(1.0);  // of the accelerators, in (0, 1]
  cost_rate<C> price_per_accelerator{};       // per accelerator-hour used, > 0
};

// Accelerators reserved take-or-pay: the committed share of their hours is billed whether used or
// not; hours used beyond it pay the overage rate (none by default).
template <currency_type C>
struct reserved_contract {
  fraction share = fraction::unchecked(1.0);      // of the accelerators, in (0, 1]
  cost_rate<C> price_per_accelerator{};           // per committed accelerator-hour, > 0
  fraction committed = fraction::unchecked(1.0);  // of the reserved hours, in (0, 1]
  cost_rate<C> overage_per_accelerator{};         // per hour used beyond the commitment, >= 0
};

namespace detail {

// The hourly contracts' shares cover at most every accelerator together, and leave some to sell
// per token when there is a token price (per Mtok, for the message). One rule for typed contracts
// and cost bases (parameters.hpp, at the highest values uncertain shares reach).
inline void require_hourly_shares(double on_demand, double reserved, bool reserved_given,
                                  const std::optional<double>& price_per_mtok) {
  const double hourly = on_demand + reserved;
  if (hourly > 1.0) {
    throw invalid_input(reserved_given ? "revenue.reserved.share" : "revenue.on_demand.share",
                        reserved_given ? reserved : on_demand,
                        "the on-demand and reserved shares add up to " + number_text(hourly) +
                            ": together they may cover at most every accelerator (1)");
  }
  if (price_per_mtok && hourly >= 1.0) {
    throw invalid_input("revenue.price_per_mtok", *price_per_mtok,
                        "the hourly contracts cover every accelerator, so no token is sold per "
                        "token: drop the price, or lower their shares");
  }
}

}  // namespace detail

// A deployment's contracts: any of the three. Checked when made: each share and rate in its
// range, the hourly contracts' shares at most 1 together, and a token price only where some
// accelerators are left to sell tokens.
template <currency_type C>
class revenue_contracts {
 public:
  struct spec {
    std::optional<token_price<C>> per_token{};
    std::optional<on_demand_contract<C>> on_demand{};
    std::optional<reserved_contract<C>> reserved{};
  };

  explicit revenue_contracts(const spec& s) : spec_(s) {
    if (!s.per_token && !s.on_demand && !s.reserved) {
      throw invalid_input("revenue", "(no contract)",
                          "give a price per token, an on-demand or a reserved contract");
    }
    if (s.per_token) {
      detail::require_positive("revenue.price_per_mtok", *s.per_token,
                               units::unit_of<C> / units::Mtok, "per Mtok");
    }
    const auto share = [](const char* path, fraction f) {
      if (f.value() == 0.0) throw invalid_input(path, 0.0, "must be in (0, 1]");
      return f.value();
    };
    if (s.on_demand) {
      (void)share("revenue.on_demand.share", s.on_demand->share);
      detail::require_positive("revenue.on_demand.price_per_accelerator_hour",
                               s.on_demand->price_per_accelerator, units::unit_of<C> / units::hour,
                               "per accelerator-hour");
    }
    if (s.reserved) {
      (void)share("revenue.reserved.share", s.reserved->share);
      detail::require_positive("revenue.reserved.price_per_accelerator_hour",
                               s.reserved->price_per_accelerator, units::unit_of<C> / units::hour,
                               "per accelerator-hour");
      (void)share("revenue.reserved.committed_share", s.reserved->committed);
      detail::require_non_negative("revenue.reserved.overage_per_accelerator_hour",
                                   s.reserved->overage_per_accelerator,
                                   units::unit_of<C> / units::hour, "per accelerator-hour");
    }
    detail::require_hourly_shares(
        s.on_demand ? s.on_demand->share.value() : 0.0,
        s.reserved ? s.reserved->share.value() : 0.0, s.reserved.has_value(),
        s.per_token ? std::optional<double>(s.per_token->value() * 1e6) : std::nullopt);
  }

  [[nodiscard]] const spec& parameters() const noexcept { return spec_; }

 private:
  spec spec_;
};

namespace detail {

// The contracts as plain numbers per accelerator-second in currency units (what engines carry).
struct contract_numbers {
  double per_token_share = 0.0;  // the share sold per token (0 without a token price)
  double price_per_token = 0.0;
  double on_demand_share = 0.0;
  double on_demand_rate = 0.0;  // per accelerator-second used
  double reserved_share = 0.0;
  double reserved_rate = 0.0;  // per committed accelerator-second
  double committed = 1.0;
  double overage_rate = 0.0;  // per accelerator-second used beyond the commitment
};

// The hourly contracts' revenue per accelerator-second at utilization u (currency / s).
TPW_HD constexpr double hourly_contract_rate(const contract_numbers& c, double u) noexcept {
  const double beyond = u > c.committed ? u - c.committed : 0.0;
  return c.on_demand_share * u * c.on_demand_rate +
         c.reserved_share * (c.reserved_rate * c.committed + c.overage_rate * beyond);
}

// Every contract's revenue per token made at an operating point: the token price equivalent
// R / (u T) (contracts.hpp's header). `c` must come from validated contracts.
TPW_HD constexpr double price_equivalent(const contract_numbers& c,
                                         const operating_point& op) noexcept {
  const double u = op.utilization.value();
  return c.per_token_share * c.price_per_token +
         hourly_contract_rate(c, u) / average_token_rate(op).value();
}

template <currency_type C>
contract_numbers contract_numbers_of(const revenue_contracts<C>& contracts) noexcept {
  const auto& s = contracts.parameters();
  contract_numbers c;
  double hourly = 0.0;
  if (s.on_demand) {
    c.on_demand_share = s.on_demand->share.value();
    c.on_demand_rate = s.on_demand->price_per_accelerator.value();
    hourly += c.on_demand_share;
  }
  if (s.reserved) {
    c.reserved_share = s.reserved->share.value();
    c.reserved_rate = s.reserved->price_per_accelerator.value();
    c.committed = s.reserved->committed.value();
    c.overage_rate = s.reserved->overage_per_accelerator.value();
    hourly += c.reserved_share;
  }
  if (s.per_token) {
    c.per_token_share = 1.0 - hourly;
    c.price_per_token = s.per_token->value();
  }
  return c;
}

}  // namespace detail

// The revenue of every contract per token made at a deployment's operating point: the token price
// at which tpw::evaluate gives the same revenue (per MW-year) and gross margin.
template <currency_type C>
token_price<C> price_equivalent(const deployment& d, const revenue_contracts<C>& contracts) {
  return token_price<C>::from_value(
      detail::price_equivalent(detail::contract_numbers_of(contracts), d.point()));
}

// The evaluation under contracts: evaluate(d, price_equivalent(d, contracts), components...).
template <cost_component First, cost_component... Rest>
economics<typename First::currency> evaluate(
    const deployment& d, const revenue_contracts<typename First::currency>& contracts,
    const First& first, const Rest&... rest) requires detail::same_currency<First, Rest...> {
  return evaluate(d.point(), price_equivalent(d, contracts), first, rest...);
}

}  // namespace tpw
