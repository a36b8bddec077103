// Formatting as the trade press writes figures.
#include <doctest/doctest.h>

#include <tpw/format.hpp>
#include <tpw/units.hpp>

using namespace tpw::literals;
namespace units = tpw::units;
namespace show = tpw::display;
using tpw::USD;

TEST_CASE("numbers: three significant digits, fixed notation, scaled from a million") {
  CHECK(tpw::format_number(0.14312) == "0.143");
  CHECK(tpw::format_number(0.95) == "0.95");
  CHECK(tpw::format_number(2.0) == "2");
  CHECK(tpw::format_number(35.46) == "35.5");
  CHECK(tpw::format_number(5789.6) == "5790");
  CHECK(tpw::format_number(2'757'000.0) == "2.76 M");
  CHECK(tpw::format_number(116'187'798.0) == "116 M");
  CHECK(tpw::format_number(1.5e9) == "1.5 B");
  CHECK(tpw::format_number(2.2e12) == "2.2 T");
  CHECK(tpw::format_number(0.0) == "0");
  CHECK(tpw::format_number(-0.0001) == "-0.0001");
  CHECK(tpw::format_number(0.00954, 2) == "0.0095");
}

TEST_CASE("quantities in display units") {
  CHECK(tpw::format(0.143_USD / units::Mtok, show::per_mtok<USD>()) == "0.143 USD/Mtok");
  // 5789.6 tok/s per GPU at 2.1 kW all-in: 5789.6 * 1000 / 2.1 = 2.757 M tok/s per MW.
  CHECK(tpw::format(5789.6_tok_per_s / 2.1_kW, show::tokens_per_s_per_mw()) ==
        "2.76 M tok/s per MW");
  CHECK(tpw::format(0.95_tok / 1.0_J, show::tokens_per_joule()) == "0.95 tok/J");
  CHECK(tpw::format(0.08_USD / units::kWh, show::per_kwh<USD>()) == "0.08 USD/kWh");
  CHECK(tpw::format(2.65_USD / units::hour, show::per_hour<USD>()) == "2.65 USD/h");
  CHECK(tpw::format(132.0_kW, show::kilowatts()) == "132 kW");
  CHECK(tpw::format(1.2_MW, show::megawatts()) == "1.2 MW");
  CHECK(tpw::format(116e6_USD / (units::MW * units::year), show::per_mw_year<USD>()) ==
        "116 M USD/MW-year");
  CHECK(tpw::format(184.0_USD / (units::kW * units::month), show::per_kw_month<USD>()) ==
        "184 USD/kW-month");
  CHECK(tpw::format(11.7e6_USD / units::MW, show::per_mw<USD>()) == "11.7 M USD/MW");
  CHECK(tpw::format(0.4_J / 1.0_tok, show::joules_per_token()) == "0.4 J/tok");
  CHECK(tpw::format(90.0_tok_per_s, show::tokens_per_second()) == "90 tok/s");
  CHECK(tpw::format(132.0_kWh, show::kilowatt_hours()) == "132 kWh");
}

TEST_CASE("money to the minor unit with thousands separators") {
  CHECK(tpw::format_money(3'900'000.0_USD) == "3,900,000.00 USD");
  CHECK(tpw::format_money(2.854150_USD) == "2.85 USD");
  CHECK(tpw::format_money(-1234.5_EUR) == "-1,234.50 EUR");
  CHECK(tpw::format_money(-0.001_USD) == "0.00 USD");
  CHECK(tpw::format_money(999.999_USD) == "1,000.00 USD");
  using JPY = tpw::currency<"JPY", 0>;
  CHECK(tpw::format_money(1234567.4 * units::unit_of<JPY>) == "1,234,567 JPY");
}

TEST_CASE("shares as percentages") {
  CHECK(tpw::format_percent(0.4) == "40%");
  CHECK(tpw::format_percent(0.12379) == "12.4%");
}
