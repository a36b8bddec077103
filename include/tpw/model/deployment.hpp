// tpw/model/deployment.hpp: a validated deployment of accelerator systems.
#pragma once

#include <optional>

#include "tpw/model/operating_point.hpp"
#include "tpw/model/validate.hpp"
#include "tpw/units/checked.hpp"
#include "tpw/units/system.hpp"

namespace tpw {

// A deployment: systems of accelerators, their power, how busy they are and what they make.
// Power figures are per system; throughput is per accelerator (as benchmarks report it).
// Error messages name the fields by their scenario-file path ("deployment.it_power_kw").
class deployment {
 public:
  struct spec {
    long accelerators_per_system = 0;  // required: >= 1
    long systems = 1;
    power it_power{};                          // per system, while serving; required: > 0
    std::optional<power> idle_power{};         // per system; defaults to it_power
    std::optional<power> provisioned_power{};  // per system; defaults to it_power
    tpw::pue pue;                              // required
    fraction utilization;                      // required: in (0, 1]
    token_rate throughput{};                   // per accelerator while serving; required: > 0
  };

  explicit deployment(const spec& s)
      : accelerators_per_system_(s.accelerators_per_system),
        systems_(s.systems),
        point_(validated_point(s)) {}

  // The per-accelerator operating point every formula reads.
  [[nodiscard]] const operating_point& point() const noexcept { return point_; }
  [[nodiscard]] long accelerators_per_system() const noexcept { return accelerators_per_system_; }
  [[nodiscard]] long systems() const noexcept { return systems_; }
  [[nodiscard]] long accelerators() const noexcept { return accelerators_per_system_ * systems_; }

 private:
  static operating_point validated_point(const spec& s) {
    detail::require_count("deployment.accelerators_per_system",
                          static_cast<double>(s.accelerators_per_system));
    detail::require_count("deployment.systems", static_cast<double>(s.systems));
    detail::require_positive("deployment.it_power_kw", s.it_power, units::kW, "kW");
    const power idle = s.idle_power.value_or(s.it_power);
    detail::require_non_negative("deployment.idle_power_kw", idle, units::kW, "kW");
    if (idle > s.it_power) {
      throw invalid_input::converted(
          "deployment.idle_power_kw", in(idle, units::kW),
          "must not exceed it_power_kw (idle draws no more than serving)");
    }
    if (s.provisioned_power) {
      detail::require_positive("deployment.provisioned_power_kw", *s.provisioned_power, units::kW,
                               "kW");
    }
    if (s.utilization.value() == 0.0) {
      throw invalid_input("deployment.utilization", 0.0,
                          "must be in (0, 1]: at zero utilization no tokens are made");
    }
    detail::require_positive("deployment.throughput_tok_s", s.throughput,
                             units::tok / units::second, "tok/s");
    const double per_system = static_cast<double>(s.accelerators_per_system);
    return {s.throughput,
            s.utilization,
            s.it_power / per_system,
            idle / per_system,
            s.provisioned_power.value_or(s.it_power) / per_system,
            s.pue,
            per_system};
  }

  long accelerators_per_system_;
  long systems_;
  operating_point point_;
};

}  // namespace tpw
