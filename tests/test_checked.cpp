// Checked dimensionless types: PUE, fraction, annual rate.
#include <doctest/doctest.h>

#include "support.hpp"

#include <string>
#include <type_traits>

#include <tpw/units/checked.hpp>

static_assert(!std::is_convertible_v<double, tpw::pue>);
static_assert(!std::is_convertible_v<tpw::fraction, tpw::pue>);
static_assert(!std::is_convertible_v<tpw::pue, tpw::fraction>);
static_assert(!std::is_convertible_v<tpw::annual_rate, tpw::fraction>);
static_assert(!std::is_default_constructible_v<tpw::pue>);
static_assert(std::is_trivially_copyable_v<tpw::pue>);
static_assert(std::is_trivially_copyable_v<tpw::fraction>);
static_assert(std::is_trivially_copyable_v<tpw::annual_rate>);
static_assert(tpw::pue{1.2}.value() == 1.2);  // validates in constant expressions too

using tpw_test::infinity;
using tpw_test::message_of;
using tpw_test::not_a_number;

TEST_CASE("pue: finite and >= 1") {
  CHECK(tpw::pue{1.0}.value() == 1.0);
  CHECK(tpw::pue{1.56}.value() == 1.56);
  CHECK(message_of([] { (void)tpw::pue{0.9}; }) ==
        "pue = 0.9: a PUE is facility power over IT power: finite and >= 1");
  CHECK(message_of([] { (void)tpw::pue(0.99, "costs.energy.pue"); }) ==
        "costs.energy.pue = 0.99: a PUE is facility power over IT power: finite and >= 1");
  CHECK_THROWS_AS((void)tpw::pue{not_a_number}, tpw::invalid_input);
  CHECK_THROWS_AS((void)tpw::pue{infinity}, tpw::invalid_input);
}

TEST_CASE("fraction: in [0, 1]") {
  CHECK(tpw::fraction{0.0}.value() == 0.0);
  CHECK(tpw::fraction{1.0}.value() == 1.0);
  CHECK(tpw::fraction{0.7}.complement() == doctest::Approx(0.3));
  CHECK(message_of([] { (void)tpw::fraction(1.2, "deployment.utilization"); }) ==
        "deployment.utilization = 1.2: must be a fraction in [0, 1]");
  CHECK(message_of([] { (void)tpw::fraction{-0.1}; }) ==
        "fraction = -0.1: must be a fraction in [0, 1]");
  CHECK_THROWS_AS((void)tpw::fraction{not_a_number}, tpw::invalid_input);
}

TEST_CASE("annual_rate: finite and > -1") {
  CHECK(tpw::annual_rate{0.08}.value() == 0.08);
  CHECK(tpw::annual_rate{-0.5}.value() == -0.5);
  CHECK(message_of([] { (void)tpw::annual_rate(-1.0, "costs.cost_of_capital"); }) ==
        "costs.cost_of_capital = -1: an annual rate must be finite and > -1");
  CHECK_THROWS_AS((void)tpw::annual_rate{infinity}, tpw::invalid_input);
}

TEST_CASE("invalid_input is an invalid_argument carrying field, value and rule") {
  try {
    (void)tpw::fraction(2.5, "costs.hardware.residual_fraction");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const auto& error = dynamic_cast<const tpw::invalid_input&>(e);
    CHECK(error.field() == "costs.hardware.residual_fraction");
    CHECK(error.value() == 2.5);
    CHECK(error.rule() == "must be a fraction in [0, 1]");
  }
}
