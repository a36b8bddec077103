// Sizing to demand: Erlang B and C (fast form, recurrence, exact sums), waits, the Allen-Cunneen
// correction, the service model against measured concurrency, demand profiles and their
// load-duration curves against the hour-by-hour walk, fixed, elastic and given fleets, and the
// scenario's demand section.
#include <doctest/doctest.h>

#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include <tpw/capacity.hpp>
#include <tpw/electricity.hpp>
#include <tpw/io/report.hpp>
#include <tpw/io/study.hpp>
#include <tpw/mc/grown_scale.hpp>

namespace units = tpw::units;
namespace cap = tpw::capacity;
using doctest::Approx;
using tpw_test::message_of;

namespace {
// A system of `streams` streams whose requests hold one for `seconds` (the tokens and throughput
// only matter for utilization: 1,000 tokens a request, streams * 1,000 / seconds tok/s).
cap::service_model streams_of(long streams, double seconds, double cv = 1.0) {
  cap::service_model s;
  s.streams_per_system = streams;
  s.holding_time = seconds * units::second;
  s.service_cv = cv;
  s.tokens_per_request = 1000.0 * units::tok;
  s.system_throughput =
      tpw::token_rate::from_value(static_cast<double>(streams) * 1000.0 / seconds);
  return s;
}
constexpr auto erlang = cap::queue_approximation::erlang_c;
constexpr auto allen_cunneen = cap::queue_approximation::allen_cunneen;
}  // namespace

TEST_CASE("Erlang C: 4 streams a system, 2 s service, 10 requests a second, P(wait > 1 s) <= 5%") {
  // a = 10 x 2 = 20 Erlangs. 5 systems (20 streams) is unstable; 6 systems (24 streams):
  // C(24, 20) = 0.298072, P(W > 1 s) = C exp(-(24 / 2 - 10) x 1) = 0.298072 e^-2 = 0.040340,
  // occupancy 20 / 24 = 0.8333, mean response C / (12 - 10) + 2 = 2.149036 s.
  const auto s = streams_of(4, 2.0);
  const cap::latency_target target{1.0 * units::second, 0.05};
  CHECK(cap::systems_for(10.0 * cap::per_second, s, target, erlang) == 6);
  const auto f = cap::evaluate_queue(cap::queue_of(6, 10.0 * cap::per_second, s, erlang));
  CHECK(f.wait_probability == Approx(0.298072).epsilon(1e-6));
  CHECK(f.wait_exceeds(1.0 * units::second) == Approx(0.040340).epsilon(1e-5));
  CHECK(f.occupancy == Approx(20.0 / 24.0).epsilon(1e-12));
  CHECK(f.mean_response.value() == Approx(2.149036).epsilon(1e-6));
  CHECK(f.wait_probability == Approx(0.2980722997938286).epsilon(1e-13));  // exact sum, below
  const std::string unstable = message_of(
      [&] { (void)cap::evaluate_queue(cap::queue_of(5, 10.0 * cap::per_second, s, erlang)); });
  CHECK(unstable.starts_with("capacity.offered_load = 20: Erlangs on 20 streams is unstable"));
  CHECK_FALSE(cap::meets_target(5, 10.0 * cap::per_second, s, target, erlang));
}

TEST_CASE("Erlang C against the exact sum, and the fast Erlang B against its recurrence") {
  // C(c, a) = (a^c / c! * c / (c - a)) / (sum_{k<c} a^k / k! + a^c / c! * c / (c - a)), summed in
  // exact rationals (Python's fractions) and rounded once.
  struct exact {
    long c;
    double a;
    double value;
  };
  for (const exact& e :
       {exact{1, 0.5, 0.5}, exact{2, 1.0, 1.0 / 3.0}, exact{10, 8.0, 0.40918015079644354},
        exact{24, 20.0, 0.2980722997938286}, exact{50, 45.0, 0.3638644672069884},
        exact{100, 90.0, 0.21694048090636639}, exact{200, 195.0, 0.62672676144308459}}) {
    CAPTURE(e.c);
    CHECK(cap::erlang_c(e.c, e.a) == Approx(e.value).epsilon(1e-12));
  }
  for (long c : {1L, 2L, 7L, 40L, 300L, 2000L, 20000L}) {
    for (double share : {0.01, 0.3, 0.8, 0.95, 0.999, 1.2}) {
      const double a = share * static_cast<double>(c);
      CAPTURE(c);
      CAPTURE(a);
      CHECK(cap::erlang_b(c, a) == Approx(cap::erlang_b_recurrence(c, a)).epsilon(1e-10));
    }
  }
  CHECK(cap::erlang_b(5, 0.0) == 0.0);
  CHECK(message_of([] { (void)cap::erlang_c(3, 3.0); }).starts_with("capacity.offered_load = 3"));
  CHECK(message_of([] { (void)cap::erlang_b(0, 1.0); }).starts_with("capacity.servers = 0"));
  CHECK(message_of([] { (void)cap::erlang_b(2, -1.0); }).starts_with("capacity.offered_load = -1"));
}

TEST_CASE("M/M/1 and M/D/1 waits: Erlang C's closed forms and Allen-Cunneen at one server") {
  // M/M/1, lambda = 0.6, S = 1: C = rho = 0.6, Wq = rho S / (1 - rho) = 1.5 s,
  // P(W > 2) = 0.6 e^{-(1 - 0.6) 2} = 0.6 e^-0.8 = 0.269597.
  const cap::queue_spec mm1{1, 0.6 * cap::per_second, 1.0 * units::second, 1.0, erlang};
  const auto f = cap::evaluate_queue(mm1);
  CHECK(f.wait_probability == Approx(0.6).epsilon(1e-14));
  CHECK(f.mean_wait.value() == Approx(1.5).epsilon(1e-14));
  CHECK(f.wait_exceeds(2.0 * units::second) == Approx(0.6 * std::exp(-0.8)).epsilon(1e-14));
  // Its median wait: 0.6 e^{-0.4 t} = 0.5 at t = ln(1.2) / 0.4 = 0.455804 s.
  CHECK(f.wait_quantile(0.5).value() == Approx(std::log(1.2) / 0.4).epsilon(1e-14));
  CHECK(f.wait_quantile(0.3).value() == 0.0);  // 40% never wait
  // M/D/1 (cs = 0): Pollaczek-Khinchine's exact Wq = rho S / (2 (1 - rho)) = 0.75 s, which
  // Allen-Cunneen's (1 + 0) / 2 factor gives at one server.
  const cap::queue_spec md1{1, 0.6 * cap::per_second, 1.0 * units::second, 0.0, allen_cunneen};
  CHECK(cap::evaluate_queue(md1).mean_wait.value() == Approx(0.75).epsilon(1e-14));
  // And at cs = 1 the correction is Erlang C itself.
  const cap::queue_spec mg1{1, 0.6 * cap::per_second, 1.0 * units::second, 1.0, allen_cunneen};
  CHECK(cap::evaluate_queue(mg1).mean_wait == f.mean_wait);
}

TEST_CASE("the service model reproduces measured concurrency by Little's law") {
  // InferenceX's vLLM-format result concurrency_64_req_rate_inf_gpus_16_ctx_8_gen_8.json
  // (gpt-oss-120b, 1,024 in / 1,024 out, 16 GPUs, 2026-04-28): 10,005.2 tok/s in all (625.33 a
  // GPU), mean TTFT 236.26 ms, mean TPOT 12.526 ms (79.83 tok/s a user), max concurrency 64.
  // H = 0.23626 + 1024 x 0.012526 = 13.0629 s; streams = 10,005.2 x 13.0629 / 2,048 = 63.82,
  // whole: 63 (the measured e2e latency, 13.05 s, and request rate, 4.885/s, give 63.8 too).
  cap::service_spec spec;
  spec.accelerators_per_system = 16;
  spec.throughput = tpw::token_rate::from_value(10005.210669241294 / 16.0);
  spec.interactivity = tpw::token_rate::from_value(1000.0 / 12.526103166546621);
  spec.ttft = 236.25605633751547 * units::ms;
  spec.shape = {1024.0 * units::tok, 1024.0 * units::tok};
  const auto s = cap::service_from(spec);
  CHECK(s.holding_time.value() == Approx(0.23625605633751547 + 1024 * 0.012526103166546621));
  CHECK(s.streams_per_system == 63);
  CHECK((s.system_throughput * s.holding_time / s.tokens_per_request).value() ==
        Approx(64.0).epsilon(0.005));
  // InferenceX's GB200 NVL72 point on DeepSeek-R1 8k/1k, 5,789.6 tok/s a GPU at 75 tok/s a user,
  // reports about 649 concurrent requests: 72 x 5,789.6 x (0.7 + 1024 / 75) / 9,216 = 649.2.
  spec.accelerators_per_system = 72;
  spec.throughput = tpw::token_rate::from_value(5789.6);
  spec.interactivity = tpw::token_rate::from_value(75.0);
  spec.ttft = 700.0 * units::ms;
  spec.shape = {8192.0 * units::tok, 1024.0 * units::tok};
  const auto g = cap::service_from(spec);
  CHECK(g.streams_per_system == 649);
  // The holding time's variability: decode 13.653 s of 14.353 s, cv(output) = 1: cs = 0.9512.
  CHECK(g.service_cv == Approx((1024.0 / 75.0) / (0.7 + 1024.0 / 75.0)).epsilon(1e-14));
  CHECK(g.stream_share() <= 1.0);
  spec.throughput = tpw::token_rate::from_value(0.01);
  CHECK(message_of([&] {
          (void)cap::service_from(spec);
        }).find("a system holds less than one request") != std::string::npos);
}

TEST_CASE("demand profiles: 24-hour, weekly and hourly, by the load-duration curve and the walk") {
  std::vector<double> weekday(24);
  std::vector<double> weekend(24);
  for (int h = 0; h < 24; ++h) {
    weekday[static_cast<std::size_t>(h)] = 10.0 + h;  // 10 ... 33 requests a second
    weekend[static_cast<std::size_t>(h)] = 5.0 + 0.5 * h;
  }
  CHECK(cap::demand_profile::weekend_days_per_year() == 104);  // 52 weeks and a Monday
  const auto weekly = cap::demand_profile::weekly(weekday, weekend);
  const auto year = cap::hourly_rates(weekday, weekend);
  REQUIRE(year.size() == 8760);
  const auto hourly = cap::demand_profile::hourly(year);
  for (const auto* p : {&weekly, &hourly}) {
    CHECK(p->peak().value() == 33.0);
    double total = 0.0;
    for (double r : year) total += r;
    CHECK(p->requests_per_year() == Approx(total * 3600.0).epsilon(1e-13));
    CHECK(p->mean().value() == Approx(total / 8760.0).epsilon(1e-13));
    for (double r : {0.0, 7.25, 12.0, 20.5, 33.0, 40.0}) {
      double hours = 0.0;
      double above = 0.0;
      for (double x : year) {
        if (x > r) {
          hours += 1.0;
          above += (x - r) * 3600.0;
        }
      }
      CAPTURE(r);
      CHECK(p->above(r * cap::per_second).hours == hours);
      CHECK(p->above(r * cap::per_second).requests == Approx(above).epsilon(1e-12));
    }
  }
  // The daily profile: 365 days of the same 24 hours.
  const auto daily = cap::demand_profile::daily(weekday);
  CHECK(daily.requests_per_year() == Approx((10.0 + 33.0) * 12.0 * 365.0 * 3600.0));
  CHECK(daily.scaled(1.25).peak().value() == 33.0 * 1.25);
  // Bad profiles: 23 hours, a negative rate, 8,759 hours, no requests at all.
  CHECK(message_of([&] { (void)cap::demand_profile::daily(std::vector<double>(23, 1.0)); }) ==
        "demand.profile_24h = 23: rates given; a day's profile needs exactly 24 (one per hour)");
  auto negative = weekday;
  negative[5] = -1.0;
  CHECK(message_of([&] { (void)cap::demand_profile::daily(negative); }) ==
        "demand.profile_24h[5] = -1: must be finite and >= 0 (requests per second)");
  CHECK(
      message_of([&] {
        (void)cap::demand_profile::hourly(std::vector<double>(8759, 1.0));
      }).starts_with("demand.csv = 8759: rates given; a year's hourly series needs exactly 8760"));
  CHECK(message_of([] {
          (void)cap::demand_profile::constant(0.0 * cap::per_second);
        }).starts_with("demand.requests_per_s = 0: no requests in any hour"));
}

TEST_CASE("fixed, elastic and given fleets against the hour-by-hour walk") {
  // 4 streams of 2 s a system; a day from 1 to 10 requests a second, the same every day.
  const std::vector<double> day{1, 1, 1,  1,  1, 1, 2, 3, 4, 5, 6, 7,
                                8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2};
  const auto s = streams_of(4, 2.0);
  const cap::latency_target target{1.0 * units::second, 0.05};
  cap::capacity_spec spec(cap::demand_profile::daily(day), s, target);
  spec.approximation = erlang;
  // Fixed: the peak (10/s) needs 6 systems (the textbook case above); the day's 114 requests a
  // second-hour over 24 hours, 4.75/s on average, are 4,750 tok/s of the 6 x 2,000 the fleet
  // makes: utilization 0.395833.
  const auto fixed = cap::plan_capacity(spec);
  CHECK(fixed.systems == 6);
  CHECK(fixed.utilization == Approx(4750.0 / 12000.0).epsilon(1e-12));
  CHECK(fixed.hours_short == 0.0);
  CHECK(fixed.unserved_share() == 0.0);
  // With 10% spare: ceil(6 / 0.9) = 7 installed, floor(7 x 0.9) = 6 up.
  spec.rule = cap::fixed_sizing{cap::spare_share{0.1}};
  const auto spare = cap::plan_capacity(spec);
  CHECK(spare.systems == 7);
  CHECK(spare.systems_up == 6);
  CHECK(spare.utilization == Approx(4750.0 / 14000.0).epsilon(1e-12));
  // Failures every 950 hours, 50 to repair: 95% up, ceil(6 / 0.95) = 7.
  spec.rule = cap::fixed_sizing{cap::failure_repair{950.0 * units::h, 50.0 * units::h}};
  CHECK(cap::plan_capacity(spec).systems == 7);
  // Elastic: each hour's own count; the walk sizes each of the 8,760 hours afresh.
  spec.rule = cap::elastic_sizing{};
  const auto elastic = cap::plan_capacity(spec);
  double hours = 0.0;
  for (int d = 0; d < 365; ++d) {
    for (double r : day) {
      hours += static_cast<double>(cap::systems_for(r * cap::per_second, s, target, erlang));
    }
  }
  CHECK(elastic.system_hours == hours);
  CHECK(elastic.systems == 6);
  CHECK(elastic.utilization == Approx(4750.0 * 8760.0 / (hours * 2000.0)).epsilon(1e-12));
  // Capped at 4 systems by the site: the hours above what 4 serve at the target are short, and
  // their excess is unserved; the walk counts them hour by hour.
  spec.rule = cap::fixed_sizing{};
  spec.max_systems = 4;
  const auto capped = cap::plan_capacity(spec);
  CHECK(capped.capped);
  CHECK(capped.systems == 4);
  const double most = capped.servable.value();
  CHECK(cap::meets_target(4, most * cap::per_second, s, target, erlang));
  CHECK_FALSE(cap::meets_target(4, most * (1 + 1e-9) * cap::per_second, s, target, erlang));
  double short_hours = 0.0;
  double unserved = 0.0;
  double total = 0.0;
  for (int d = 0; d < 365; ++d) {
    for (double r : day) {
      total += r * 3600.0;
      if (r > most) {
        short_hours += 1.0;
        unserved += (r - most) * 3600.0;
      }
    }
  }
  CHECK(capped.hours_short == short_hours);
  CHECK(short_hours == 8.0 * 365.0);  // 7, 8, 9, 10, 10, 9, 8, 7 are above 6.29/s
  CHECK(capped.unserved_requests_per_year == Approx(unserved).epsilon(1e-12));
  CHECK(capped.unserved_share() == Approx(unserved / total).epsilon(1e-12));
  CHECK(capped.utilization ==
        Approx((total - unserved) * 1000.0 / (4 * 2000.0 * 8760.0 * 3600.0)).epsilon(1e-12));
  // Elastic under the same cap: the walk's counts stop at 4, and the same hours fall short.
  spec.rule = cap::elastic_sizing{};
  const auto elastic_capped = cap::plan_capacity(spec);
  CHECK(elastic_capped.hours_short == short_hours);
  CHECK(elastic_capped.unserved_requests_per_year == Approx(unserved).epsilon(1e-9));
  // A given fleet of 5 (20 streams, unstable at 10/s) serves between 8 and 9 requests a second
  // at the target: the four hours at 9 and 10 are short, every day.
  spec.rule = cap::given_fleet{5, std::nullopt};
  spec.max_systems = std::nullopt;
  const auto given = cap::plan_capacity(spec);
  CHECK(given.systems == 5);
  CHECK(given.servable.value() > 8.0);
  CHECK(given.servable.value() < 9.0);
  CHECK(given.hours_short == 4.0 * 365.0);
  // Targets no count meets, and counts that do not fit.
  CHECK(message_of([&] {
          (void)cap::ttft_percentile_target(500.0 * units::ms, 0.9, [] {
            auto t = streams_of(4, 2.0);
            t.ttft = 800.0 * units::ms;
            return t;
          }());
        })
            .starts_with("demand.target.max_ttft_ms = 500: is not above the operating point's own "
                         "TTFT (800 ms)"));
  CHECK(message_of([&] {
          (void)cap::systems_for(1.0 * cap::per_second, s, {1.0 * units::second, 0.0}, erlang);
        }).starts_with("demand.target.wait_probability = 0: must be in (0, 1)"));
  spec.rule = cap::given_fleet{9, std::nullopt};
  spec.max_systems = 8;
  CHECK(message_of([&] {
          (void)cap::plan_capacity(spec);
        }).starts_with("deployment.systems = 9: systems do not fit under the site's power"));
}

namespace {
// 8 accelerators of 1,000 tok/s a system; 1,500 tokens a request at 50 tok/s a user with a 0.5 s
// TTFT: H = 0.5 + 500 / 50 = 10.5 s, 8,000 x 10.5 / 1,500 = 56 streams a system.
const char* const demand_scenario = R"({
  "deployment": {"accelerators_per_system": 8, "it_power_kw": 10, "idle_power_kw": 4,
                 "throughput_tok_s": 1000},
  "workload": {"input_tokens": 1000, "output_tokens": 500},
  "costs": {"cost_of_capital": 0.08,
            "hardware": {"price": 300000, "life_years": 4, "residual_fraction": 0.1},
            "energy": {"price_per_kwh": 0.1, "pue": 1.2}},
  "revenue": {"price_per_mtok": 2},
  "demand": {"requests_per_s": 20, "interactivity_tok_s_user": 50, "ttft_ms": 500,
             "target": {"max_wait_s": 1, "wait_probability": 0.05}}
})";

// The refusal of demand_scenario with demand[key] = value and then `edit` applied ("(no error)"
// if it reads).
std::string demand_refusal(const char* key, const nlohmann::json& value,
                           const std::function<void(nlohmann::json&)>& edit) {
  auto k = nlohmann::json::parse(demand_scenario);
  k["demand"][key] = value;
  edit(k);
  return message_of([&] { (void)tpw::io::scenario_from_json(k); });
}
// An edit that rents the fleet by the hour.
void make_elastic(nlohmann::json& k) {
  k["demand"]["sizing"] = "elastic";
  k["costs"]["hardware"] = {{"rental_per_accelerator_hour", 3.0}};
}

nlohmann::json report_of(const nlohmann::json& j) {
  tpw::io::study_options o;
  o.threads = 1;
  return tpw::io::to_json(tpw::io::run_study(tpw::io::scenario_from_json(j), o));
}
}  // namespace

TEST_CASE("a constant demand gives the figures of the same utilization given") {
  // 20 requests a second hold 210 Erlangs of 56-stream systems; 4 systems (224 streams) leave
  // P(W > 1 s) = 0.0609 (Allen-Cunneen, cs = 10 / 10.5), above 5%; 5 systems meet it. They make
  // 40,000 tok/s, of which 20 x 1,500 = 30,000 are asked: utilization 0.75.
  auto j = nlohmann::json::parse(demand_scenario);
  const auto sized = report_of(j);
  const auto& c = sized["capacity"];
  CHECK(c["service"]["streams_per_system"] == 56);
  CHECK(c["systems"] == 5);
  CHECK(c["utilization"].get<double>() == Approx(0.75).epsilon(1e-14));
  CHECK(c["meets_target"] == true);
  // The same scenario with that utilization and those systems given, and no demand section.
  auto given = j;
  given.erase("demand");
  given["deployment"]["utilization"] = c["utilization"];
  given["deployment"]["systems"] = 5;
  const auto plain = report_of(given);
  for (const char* key :
       {"cost_per_accelerator_hour", "tokens_per_joule", "revenue_per_mw_year", "gross_margin"}) {
    CAPTURE(key);
    CHECK(sized[key] == plain[key]);
  }
  CHECK(sized["cost_per_mtok"] == plain["cost_per_mtok"]);
  CHECK(sized["site"] == plain["site"]);
  // The site's tokens: every request served, 20 x 1,500 x 8,760 x 3,600.
  CHECK(sized["site"]["tokens_per_year"].get<double>() ==
        Approx(20.0 * 1500 * 8760 * 3600).epsilon(1e-12));
  // With a project, every year runs at the same utilization when demand does not grow.
  j["finance"] = {{"operating_years", 3}};
  given["finance"] = {{"operating_years", 3}};
  const auto project = report_of(j);
  CHECK(project["finance"]["project_npv"] == report_of(given)["finance"]["project_npv"]);
}

TEST_CASE("the demand section: growth, a site too small, and its refusals") {
  auto j = nlohmann::json::parse(demand_scenario);
  // 30% a year over 3 years: the fleet is sized for year 3's peak, 20 x 1.3^2 = 33.8/s, and each
  // year's utilization is its own demand on it.
  j["demand"]["growth_per_year"] = 0.3;
  j["finance"] = {{"operating_years", 3}};
  auto r = report_of(j);
  const auto& years = r["capacity"]["years"];
  REQUIRE(years.size() == 3);
  CHECK(r["capacity"]["sized_for_year"] == 3);
  const long systems = r["capacity"]["systems"].get<long>();
  for (int k = 0; k < 3; ++k) {
    CHECK(years[k]["utilization"].get<double>() ==
          Approx(20.0 * std::pow(1.3, k) * 1500.0 / (systems * 8000.0)).epsilon(1e-12));
    CHECK(r["finance"]["years"][k + 1]["utilization"] == years[k]["utilization"]);
  }
  // A site of 0.05 MW holds 4 systems of 12 kW (10 kW x 1.2): 20/s needs 5; what 4 serve at the
  // target is served, the rest is unserved, and the report says so.
  j = nlohmann::json::parse(demand_scenario);
  j["site"] = {{"power_mw", 0.05}};
  r = report_of(j);
  CHECK(r["capacity"]["capped"] == true);
  CHECK(r["capacity"]["max_systems"] == 4);
  CHECK(r["capacity"]["systems"] == 4);
  CHECK(r["capacity"]["hours_short"] == 8760.0);
  const double served = r["capacity"]["servable_requests_per_s"].get<double>();
  CHECK(r["capacity"]["unserved_share"].get<double>() == Approx(1.0 - served / 20.0));
  CHECK(r["site"]["systems"] == 4);
  // Systems given (deployment.systems) are a given fleet, checked against the demand: 3 systems
  // (168 streams) are unstable at 210 Erlangs, so every hour is short.
  j = nlohmann::json::parse(demand_scenario);
  j["deployment"]["systems"] = 3;
  r = report_of(j);
  CHECK(r["capacity"]["sizing"] == "given");
  CHECK(r["capacity"]["systems"] == 3);
  CHECK(r["capacity"]["hours_short"] == 8760.0);
  CHECK(r["capacity"]["meets_target"] == false);
  // Refusals, each naming its field.
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto k = nlohmann::json::parse(demand_scenario);
    edit(k);
    return message_of([&] { (void)tpw::io::scenario_from_json(k); });
  };
  CHECK(refused([](auto& k) {
          k["deployment"]["utilization"] = 0.5;
        }).starts_with("deployment.utilization = 0.5: follows from the demand section"));
  CHECK(refused([](auto& k) {
          k["deployment"]["systems"] = 3;
          k["demand"]["sizing"] = "fixed";
        }).starts_with("deployment.systems = 3: the demand section sizes the fleet"));
  CHECK(refused([](auto& k) {
          k["demand"]["requests_per_s"] = -2;
        }).starts_with("demand.requests_per_s = -2: must be finite and >= 0"));
  CHECK(refused([](auto& k) {
          k["demand"].erase("requests_per_s");
          k["demand"]["profile_24h"] = std::vector<double>(23, 1.0);
        }).starts_with("demand.profile_24h = 23: rates given"));
  CHECK(refused([](auto& k) {
          k["demand"]["profile_24h"] = std::vector<double>(24, 1.0);
        }).starts_with("demand = "));
  CHECK(refused([](auto& k) { k.erase("workload"); }).starts_with("workload = (missing)"));
  CHECK(refused([](auto& k) {
          k["demand"].erase("ttft_ms");
        }).starts_with("demand.ttft_ms = (missing)"));
  CHECK(refused([](auto& k) {
          k["demand"]["target"] = {{"max_ttft_ms", 400}, {"ttft_percentile", 0.9}};
        }).starts_with("demand.target.max_ttft_ms = 400: is not above the operating point's own"));
  CHECK(refused([](auto& k) {
          k["demand"]["target"]["wait_probability"] = 0;
        }).starts_with("demand.target.wait_probability = 0: must be in (0, 1)"));
  CHECK(refused([](auto& k) {
          k["demand"]["sizing"] = "elastic";
        }).starts_with("demand.sizing = \"elastic\": \"elastic\" rents systems by the hour"));
  CHECK(refused([](auto& k) {
          k["deployment"]["throughput_tok_s"] = {{"dist", "uniform"}, {"low", 900}, {"high", 1100}};
        })
            .starts_with("deployment.throughput_tok_s = (a distribution): cannot be uncertain "
                         "beside a demand section"));
  CHECK(refused([](auto& k) {
          k["demand"]["requests_per_s"] = {{"dist", "fixed"}, {"value", 2}};
        }).starts_with("demand.requests_per_s = {"));
  CHECK(refused([](auto& k) {
          k["demand"]["queue"] = "mmc";
        }).starts_with("demand.queue = \"mmc\": must be \"allen_cunneen\""));
}

namespace {
// A candidate for demand_scenario's traffic: 2 accelerators of 900 tok/s, 2.4 kW, 80,000 a
// system: 1,800 x 10.5 / 1,500 = 12.6, so 12 streams a system.
nlohmann::json small_candidate() {
  return nlohmann::json::parse(R"({"name": "small", "scenario": {
    "deployment": {"accelerators_per_system": 2, "it_power_kw": 2.4, "throughput_tok_s": 900,
                   "utilization": 0.4},
    "costs": {"cost_of_capital": 0.08,
              "hardware": {"price": 80000, "life_years": 4, "residual_fraction": 0.1},
              "energy": {"price_per_kwh": 0.1, "pue": 1.2}},
    "revenue": {"price_per_mtok": 3}}})");
}
}  // namespace

TEST_CASE(
    "demand.candidates: each platform alone and the least-cost mix, by hand and brute force") {
  using tpw::USD;
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"]["candidates"] = nlohmann::json::array({small_candidate()});
  const auto s = tpw::io::scenario_from_json(j);
  REQUIRE(s.mix);
  const tpw::io::candidate_mix& m = *s.mix;
  REQUIRE(m.pools.size() == 2);
  const auto& big = m.pools[0];
  const auto& small = m.pools[1];
  CHECK(big.source == "this file");
  CHECK(small.source == "inline");
  CHECK(small.sections_not_read == std::vector<std::string>{"revenue", "deployment.utilization"});
  CHECK(big.streams_per_system == 56);
  CHECK(small.streams_per_system == 12);
  CHECK(m.peak_requests_per_s == 20.0);
  // Alone: the big platform needs 5 systems (above); the small one 210 Erlangs on 12-stream
  // systems, the least count by systems_for, at utilization 20 x 1,500 / (n x 1,800).
  const auto service = [](long acc, double tok_s) {
    cap::service_spec spec;
    spec.accelerators_per_system = acc;
    spec.throughput = tpw::token_rate::from_value(tok_s);
    spec.shape = {1000.0 * units::tok, 500.0 * units::tok};
    spec.output_cv = 1.0;
    spec.interactivity = tpw::token_rate::from_value(50.0);
    spec.ttft = 500.0 * units::ms;
    return cap::service_from(spec);
  };
  const cap::latency_target target{1.0 * units::second, 0.05};
  const long small_alone =
      cap::systems_for(20.0 * cap::per_second, service(2, 900.0), target, allen_cunneen);
  CHECK(big.alone_systems == 5);
  CHECK(small.alone_systems == small_alone);
  CHECK(small.alone_utilization ==
        Approx(20.0 * 1500.0 / (static_cast<double>(small_alone) * 1800.0)).epsilon(1e-14));
  // A system-year's cost is the same platform's study with that utilization given: its cost per
  // accelerator-hour x accelerators x 8,760.
  auto alone = nlohmann::json::parse(demand_scenario);
  alone.erase("demand");
  alone["deployment"] = small_candidate()["scenario"]["deployment"];
  alone["deployment"]["utilization"] = small.alone_utilization;
  alone["costs"] = small_candidate()["scenario"]["costs"];
  CHECK(small.cost_per_system_year ==
        Approx(report_of(alone)["cost_per_accelerator_hour"].get<double>() * 2.0 * 8760.0)
            .epsilon(1e-12));
  CHECK(small.facility_kw_per_system == Approx(2.88).epsilon(1e-14));
  CHECK(small.alone_cost_per_year == small.cost_per_system_year * static_cast<double>(small_alone));
  // Per stream the small platform costs more, so the mix is big systems topped off with small
  // ones: the same answer as enumerating every count (brute force) on these figures.
  CHECK(small.cost_per_system_year / 12.0 > big.cost_per_system_year / 56.0);
  const std::vector<cap::mix_candidate<USD>> pools{
      {"big", service(8, 1000.0), 12.0 * units::kW, big.cost_per_system_year * units::usd},
      {"small", service(2, 900.0), 2.88 * units::kW, small.cost_per_system_year * units::usd}};
  const auto brute = cap::least_cost_mix_brute_force(
      pools, {20.0 * cap::per_second, target, allen_cunneen, {}}, 30);
  REQUIRE(brute.feasible);
  CHECK(m.feasible);
  CHECK(big.systems == brute.systems[0]);
  CHECK(small.systems == brute.systems[1]);
  CHECK(big.systems == 4);
  CHECK(small.systems >= 1);
  CHECK(m.cost_per_year == Approx(brute.cost.value()).epsilon(1e-12));
  CHECK(m.cost_per_year < std::min(big.alone_cost_per_year, small.alone_cost_per_year));
  CHECK(m.cheapest_alone ==
        (big.alone_cost_per_year < small.alone_cost_per_year ? "scenario" : "small"));
  CHECK(m.servable_requests_per_s >= 20.0);
  CHECK(m.power_mw == Approx((4 * 12.0 + static_cast<double>(small.systems) * 2.88) / 1000.0));
  // The file's own figures stay its platform's alone.
  CHECK(s.systems == 5);
  const auto r = report_of(j);
  CHECK(r["capacity"]["mix"]["pools"][1]["systems"] == small.systems);
  CHECK(r["capacity"]["mix"]["cost_per_year"] == m.cost_per_year);

  // A spare share installs ceil(n / 0.8) of each pool, priced and powered; the same for the
  // candidate unless it gives its own.
  j["demand"]["availability"] = {{"spare_share", 0.2}};
  const auto spared = tpw::io::scenario_from_json(j);
  for (const auto& p : spared.mix->pools) {
    CHECK(p.availability == Approx(0.8));
    CHECK(p.systems == cap::installed_for(p.systems_up, cap::spare_share{0.2}));
  }
  // Failures per system do not carry over to systems of another size.
  j["demand"]["availability"] = {{"mtbf_hours", 700}, {"mttr_hours", 24}};
  CHECK(message_of([&] { (void)tpw::io::scenario_from_json(j); })
            .starts_with("demand.candidates[0].availability = (missing): required: "
                         "demand.availability gives failures per system of 8 accelerators"));
  j["demand"]["candidates"][0]["availability"] = {{"mtbf_hours", 5000}, {"mttr_hours", 24}};
  CHECK(tpw::io::scenario_from_json(j).mix->pools[1].availability ==
        Approx(5000.0 / 5024.0).epsilon(1e-14));
  // Under 50 kW: big alone is capped (4 systems of 12 kW), and the mix fits under it.
  j = nlohmann::json::parse(demand_scenario);
  j["demand"]["candidates"] = nlohmann::json::array({small_candidate()});
  j["site"] = {{"power_mw", 0.05}};
  const auto tight = tpw::io::scenario_from_json(j);
  CHECK(tight.mix->pools[0].alone_capped);
  CHECK(tight.mix->power_mw <= 0.05);
  CHECK(tight.mix->cheapest_alone != "scenario");
}

TEST_CASE("demand.candidates: a candidate file inside the folder, and the refusals") {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / "tpw_test_candidates";
  fs::create_directories(folder);
  std::ofstream(folder / "small.json") << small_candidate()["scenario"].dump();
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"]["candidates"] = {{{"scenario", "small.json"}}};
  const auto from_file = tpw::io::scenario_from_json(j, folder);
  j["demand"]["candidates"] = nlohmann::json::array({small_candidate()});
  const auto inline_ = tpw::io::scenario_from_json(j, folder);
  CHECK(from_file.mix->pools[1].source == "small.json");
  CHECK(from_file.mix->pools[1].cost_per_system_year == inline_.mix->pools[1].cost_per_system_year);
  CHECK(from_file.mix->cost_per_year == inline_.mix->cost_per_year);
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto k = nlohmann::json::parse(demand_scenario);
    k["demand"]["candidates"] = nlohmann::json::array({small_candidate()});
    edit(k);
    return message_of([&] { (void)tpw::io::scenario_from_json(k, folder); });
  };
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"][0]["scenario"] = "../small.json";
        }).starts_with("demand.candidates[0].scenario = \"../small.json\": climbs out with .."));
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"] = nlohmann::json::array();
        }).starts_with("demand.candidates = []: must be an array of 1 to 3 candidates"));
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"] = nlohmann::json::array(
              {small_candidate(), small_candidate(), small_candidate(), small_candidate()});
        }).find("must be an array of 1 to 3 candidates") != std::string::npos);
  CHECK(refused([](auto& k) {
          k["demand"]["sizing"] = "given";
          k["deployment"]["systems"] = 5;
        }).find("demand.sizing \"fixed\"") != std::string::npos);
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"][0]["scenario"]["workload"] = {{"input_tokens", 1000},
                                                                  {"output_tokens", 800}};
        }).starts_with("demand.candidates[0].scenario.workload = "));
  CHECK(refused([](auto& k) { k["demand"]["candidates"][0]["scenario"]["currency"] = "EUR"; })
            .starts_with("demand.candidates[0].scenario.currency = \"EUR\": must be this file's "
                         "currency, USD"));
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"][0]["scenario"]["deployment"]["systems"] = 3;
        }).starts_with("demand.candidates[0].scenario.deployment.systems = 3"));
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"][0]["scenario"]["costs"]["energy"]["tariff"] = {
              {"price_per_kwh", 0.1}};
        }).starts_with("demand.candidates[0].scenario.costs.energy.tariff = "));
  // A candidate's own error is named by the candidate, then its field.
  CHECK(refused([](auto& k) {
          k["demand"]["candidates"][0]["scenario"]["deployment"]["throughput_tok_s"] = -1;
        })
            .starts_with("demand.candidates[0] = (inline): this candidate is refused: "
                         "deployment.throughput_tok_s = -1"));
  // Its TTFT must stay below the target's: a candidate whose own is above is refused by name.
  CHECK(refused([](auto& k) {
          k["demand"]["target"] = {{"max_ttft_ms", 900}, {"ttft_percentile", 0.9}};
          k["demand"]["candidates"][0]["ttft_ms"] = 1000;
        })
            .find("demand.target.max_ttft_ms = 900: is not above the operating point's own TTFT "
                  "(1000 ms)") != std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("the demand section reads 8,760 hourly rates from a CSV file, and refuses 8,759") {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / "tpw_test_demand_csv";
  fs::create_directories(folder);
  const auto write = [&](int rows) {
    std::string text = "requests_per_s\n";
    for (int h = 0; h < rows; ++h) text += std::to_string(10 + (h % 24)) + "\n";
    std::ofstream(folder / "traffic.csv") << text;
  };
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"].erase("requests_per_s");
  j["demand"]["csv"] = "traffic.csv";
  write(8760);
  const auto s = tpw::io::scenario_from_json(j, folder);
  REQUIRE(s.demand);
  CHECK(s.demand->plan.peak.value() == 33.0);
  CHECK(s.demand->plan.requests_per_year == Approx((10.0 + 33.0) * 12.0 * 365.0 * 3600.0));
  write(8759);
  CHECK(message_of([&] {
          (void)tpw::io::scenario_from_json(j, folder);
        }).find("traffic.csv = 8759: rates given; a year's hourly series needs exactly 8760") !=
        std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("an energy bill by hand: time of use, a demand charge, a PPA and market prices") {
  namespace el = tpw::electricity;
  using tpw::USD;
  const auto per_kwh = units::usd / units::kWh;
  // 1,000 kW in hours 0-11 of every day, 2,000 kW in hours 12-23.
  std::vector<tpw::power> load(8760);
  for (int h = 0; h < 8760; ++h) {
    load[static_cast<std::size_t>(h)] = (h % 24 < 12 ? 1000.0 : 2000.0) * units::kW;
  }
  el::tariff<USD> t;
  for (int h = 0; h < 24; ++h) t.time_of_use.push_back((h < 12 ? 0.05 : 0.10) * per_kwh);
  t.demand_charge = 10.0 * units::usd / units::kW;
  // Energy: 365 x (12 x 1,000 x 0.05 + 12 x 2,000 x 0.10) = 1,095,000; demand: 12 months x 10 x
  // 2,000 kW = 240,000; 13,140,000 kWh: 1,335,000 / 13,140,000 = 0.1015982 per kWh.
  auto b = el::bill_of<USD>(load, t);
  CHECK(b.energy_charges.value() == Approx(1'095'000.0).epsilon(1e-13));
  CHECK(b.demand_charges.value() == Approx(240'000.0).epsilon(1e-13));
  CHECK(in(b.used, units::kWh) == Approx(13'140'000.0).epsilon(1e-13));
  CHECK(in(b.effective_price(), per_kwh) == Approx(1'335'000.0 / 13'140'000.0).epsilon(1e-13));
  // A 1.5 MW block at 40 USD/MWh, surplus lost: 1.5 x 8,760 x 40 = 525,600; the utility delivers
  // 500 kW in hours 12-23 only: 365 x 12 x 500 x 0.10 = 219,000, demand 12 x 10 x 500 = 60,000.
  t.ppa = el::power_purchase_agreement<USD>{1.5 * units::MW, 40.0 * units::usd / units::MWh, false};
  b = el::bill_of<USD>(load, t);
  CHECK(b.ppa_charges.value() == Approx(525'600.0).epsilon(1e-13));
  CHECK(b.energy_charges.value() == Approx(219'000.0).epsilon(1e-13));
  CHECK(b.demand_charges.value() == Approx(60'000.0).epsilon(1e-13));
  CHECK(b.total().value() == Approx(804'600.0).epsilon(1e-13));
  // The rest at market prices, 30 USD/MWh in hours 0-11 and 120 in 12-23, the surplus sold: the
  // block's 500 kW spare in hours 0-11, 2,190,000 kWh at 0.03 = 65,700 back; 365 x 12 x 500 x 0.12
  // = 262,800 bought: 525,600 + 262,800 + 60,000 - 65,700 = 782,700.
  t.time_of_use.clear();
  for (int h = 0; h < 8760; ++h) t.market.push_back((h % 24 < 12 ? 0.03 : 0.12) * per_kwh);
  t.ppa->surplus_sold = true;
  b = el::bill_of<USD>(load, t);
  CHECK(b.surplus_credit.value() == Approx(65'700.0).epsilon(1e-13));
  CHECK(b.energy_charges.value() == Approx(262'800.0).epsilon(1e-13));
  CHECK(b.total().value() == Approx(782'700.0).epsilon(1e-13));
  // Month by month: 0.01 x (m + 1) per kWh in month m, 100 kW flat: sum of days x (m + 1) over
  // the months = 2,382, x 24 h x 100 kW x 0.01 = 57,168.
  el::tariff<USD> monthly;
  for (int m = 0; m < 12; ++m) {
    for (int h = 0; h < 24; ++h) monthly.time_of_use.push_back(0.01 * (m + 1) * per_kwh);
  }
  const std::vector<tpw::power> flat(8760, 100.0 * units::kW);
  CHECK(el::bill_of<USD>(flat, monthly).energy_charges.value() == Approx(57'168.0).epsilon(1e-13));
  CHECK(el::month_of_hour(31 * 24 - 1) == 0);
  CHECK(el::month_of_hour(31 * 24) == 1);
  CHECK(el::month_of_hour(8759) == 11);
  // Refusals.
  monthly.time_of_use.pop_back();
  CHECK(message_of([&] {
          (void)el::bill_of<USD>(flat, monthly);
        }).starts_with("costs.energy.tariff.price_per_kwh = 287: prices given"));
  t.market.pop_back();
  CHECK(message_of([&] {
          (void)el::bill_of<USD>(flat, t);
        }).starts_with("costs.energy.tariff.market_csv = 8759: prices given"));
  el::tariff<USD> lost;
  lost.time_of_use = {0.05 * per_kwh};
  lost.ppa =
      el::power_purchase_agreement<USD>{1.0 * units::MW, 40.0 * units::usd / units::MWh, true};
  CHECK(
      message_of([&] { (void)el::bill_of<USD>(flat, lost); })
          .starts_with("costs.energy.tariff.ppa.surplus = \"sold\": surplus is sold at the hour's "
                       "market price"));
}

TEST_CASE("a scenario's tariff prices its hourly load, and the energy line is the bill") {
  // Without demand: 1 system of 10 kW at utilization 0.5 (idle 4 kW), PUE 1.2: a flat
  // (0.5 x 10 + 0.5 x 4) x 1.2 = 8.4 kW. Energy 0.05 in hours 0-11 and 0.10 in 12-23 (0.075 on
  // average), 10 USD per kW-month: 120 / 8,760 per kWh at a flat load; 0.0886986 per kWh.
  auto j = nlohmann::json::parse(demand_scenario);
  j.erase("demand");
  j["deployment"]["utilization"] = 0.5;
  std::vector<double> prices(24, 0.05);
  for (int h = 12; h < 24; ++h) prices[static_cast<std::size_t>(h)] = 0.10;
  j["costs"]["energy"] = {
      {"pue", 1.2}, {"tariff", {{"price_per_kwh", prices}, {"demand_charge_per_kw_month", 10}}}};
  auto r = report_of(j);
  CHECK(r["energy_bill"]["effective_price_per_kwh"].get<double>() ==
        Approx(0.075 + 120.0 / 8760.0).epsilon(1e-13));
  CHECK(r["energy_bill"]["energy_mwh"].get<double>() == Approx(8.4 * 8760 / 1000).epsilon(1e-13));
  // With demand: the fleet's hourly load; the energy line over the year is the bill.
  j = nlohmann::json::parse(demand_scenario);
  j["demand"].erase("requests_per_s");
  std::vector<double> day(24, 10.0);
  for (int h = 8; h < 20; ++h) day[static_cast<std::size_t>(h)] = 20.0;
  j["demand"]["profile_24h"] = day;
  j["costs"]["energy"] = {
      {"pue", 1.2}, {"tariff", {{"price_per_kwh", prices}, {"demand_charge_per_kw_month", 10}}}};
  r = report_of(j);
  const double bill = r["energy_bill"]["total"].get<double>();
  const double energy_line =
      r["cost_per_mtok"]["energy"].get<double>() * r["site"]["tokens_per_year"].get<double>() / 1e6;
  CHECK(energy_line == Approx(bill).epsilon(1e-12));
  // 5 systems at the 20/s peak draw 5 x (0.75 x 10 + 0.25 x 4) x 1.2 = 51 kW; the demand charge
  // is 12 x 10 x 51.
  CHECK(r["energy_bill"]["demand_charges"].get<double>() == Approx(12 * 10 * 51.0).epsilon(1e-12));
  // Refusals: a price beside the tariff, an uncertain utilization, 23 prices.
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto k = nlohmann::json::parse(demand_scenario);
    k.erase("demand");
    k["deployment"]["utilization"] = 0.5;
    k["costs"]["energy"] = {{"pue", 1.2}, {"tariff", {{"price_per_kwh", 0.08}}}};
    edit(k);
    return message_of([&] { (void)tpw::io::scenario_from_json(k); });
  };
  CHECK(refused([](auto& k) {
          k["costs"]["energy"]["price_per_kwh"] = 0.1;
        }).starts_with("costs.energy.price_per_kwh = 0.1: give a price per kWh or a tariff"));
  // An uncertain utilization on a flat load: each sample prices its own (the next cases).
  CHECK(refused([](auto& k) {
          k["deployment"]["utilization"] = {{"dist", "uniform"}, {"low", 0.4}, {"high", 0.6}};
        }) == "(no error)");
  CHECK(refused([](auto& k) {
          k["costs"]["energy"]["tariff"]["price_per_kwh"] = std::vector<double>(23, 0.05);
        }).starts_with("costs.energy.tariff.price_per_kwh = ["));
  CHECK(refused([](auto& k) {
          k["costs"]["energy"]["tariff"]["ppa"] = {{"block_mw", 1}};
        }).starts_with("costs.energy.tariff.ppa.price_per_mwh = (missing)"));
}

namespace {
// The tariffs the walks over the hours price with: by month and hour of day (0.05 + 0.002 m +
// 0.001 h USD/kWh) with a demand charge of 9 USD per kW-month; the same beside a PPA block of
// `block_mw` at 45 USD/MWh, its surplus lost; and that block's rest bought at hourly market prices
// (0.02 to 0.07 USD/kWh), its surplus sold.
struct walk_tariffs {
  tpw::electricity::tariff<tpw::USD> tou, ppa, market;
};
walk_tariffs tariffs_for_walks(double block_mw) {
  namespace el = tpw::electricity;
  using tpw::USD;
  const auto per_kwh = units::usd / units::kWh;
  walk_tariffs t;
  for (int m = 0; m < 12; ++m) {
    for (int h = 0; h < 24; ++h) {
      t.tou.time_of_use.push_back((0.05 + 0.002 * m + 0.001 * h) * per_kwh);
    }
  }
  t.tou.demand_charge = 9.0 * units::usd / units::kW;
  t.ppa = t.tou;
  t.ppa.ppa = el::power_purchase_agreement<USD>{block_mw * units::MW,
                                                45.0 * units::usd / units::MWh, false};
  t.market = t.ppa;
  t.market.time_of_use.clear();
  for (int h = 0; h < 8760; ++h) {
    t.market.market.push_back((0.02 + 0.05 * ((h * 7) % 13) / 13.0) * per_kwh);
  }
  t.market.ppa->surplus_sold = true;
  return t;
}

// The walks' weekly profile: weekdays at 2 + 6 sin(pi h / 24) requests a second (none in the first
// `quiet` hours), weekends at 1 + 0.5 h / 24.
cap::demand_profile walk_profile(int quiet) {
  std::vector<double> weekday(24);
  std::vector<double> weekend(24);
  for (int h = 0; h < 24; ++h) {
    weekday[static_cast<std::size_t>(h)] =
        h < quiet ? 0.0 : 2.0 + 6.0 * std::sin(3.14159 * h / 24.0);
    weekend[static_cast<std::size_t>(h)] = 1.0 + 0.5 * h / 24.0;
  }
  return cap::demand_profile::weekly(weekday, weekend);
}

// A fleet's year at scale x against the walk over the hours: `walked` is plan_capacity on the
// scaled demand (`scaled`), and the hourly load is `loaded`'s (the fixed fleet's plan, or the
// walk's own for an elastic one) priced by `tariff`.
void check_against_walk(const cap::fleet_on_scaled_demand<tpw::USD>& fleet, double x,
                        const cap::capacity_spec& scaled, const cap::capacity_plan& walked,
                        const cap::capacity_plan& loaded, const cap::system_power& draw,
                        const tpw::electricity::tariff<tpw::USD>& tariff) {
  CHECK(fleet.utilization(x) == Approx(walked.utilization).epsilon(1e-12));
  CHECK(fleet.hours_short(x) == walked.hours_short);
  CHECK(fleet.unserved_share(x) == Approx(walked.unserved_share()).epsilon(1e-9));
  const auto fast = fleet.bill(x);
  const auto slow =
      tpw::electricity::bill_of<tpw::USD>(cap::hourly_facility_load(scaled, loaded, draw), tariff);
  CHECK(fast.used.value() == Approx(slow.used.value()).epsilon(1e-12));
  CHECK(fast.energy_charges.value() == Approx(slow.energy_charges.value()).epsilon(1e-11));
  CHECK(fast.surplus_credit.value() == Approx(slow.surplus_credit.value()).epsilon(1e-11));
  CHECK(fast.demand_charges.value() == Approx(slow.demand_charges.value()).epsilon(1e-12));
  CHECK(fast.total().value() == Approx(slow.total().value()).epsilon(1e-11));
}

// 5 given systems of 4 streams (2 s) on walk_profile(0), P(wait > 1 s) <= 5% under
// `approximation`, planned; 20 kW serving, 8 idle, PUE 1.2; the walks' tariffs (a 0.07 MW block).
struct walk_fleet {
  cap::capacity_spec spec;
  cap::capacity_plan plan;
  cap::system_power draw;
  walk_tariffs tariffs;
};
walk_fleet five_given_systems(cap::queue_approximation approximation) {
  cap::capacity_spec spec(walk_profile(0), streams_of(4, 2.0), {1.0 * units::second, 0.05});
  spec.approximation = approximation;
  spec.rule = cap::given_fleet{5, std::nullopt};
  const auto plan = cap::plan_capacity(spec);
  return {spec, plan, {20.0 * units::kW, 8.0 * units::kW, 1.2}, tariffs_for_walks(0.07)};
}
}  // namespace

TEST_CASE("a fixed fleet on a scaled demand: prefix sums against the hour-by-hour walk") {
  namespace el = tpw::electricity;
  using tpw::USD;
  // 5 systems of 4 streams (2 s), a weekday and a weekend profile; 20 kW serving, 8 idle, PUE 1.2.
  const auto [spec, plan, draw, tariffs] = five_given_systems(erlang);
  for (const auto* t : {&tariffs.tou, &tariffs.ppa, &tariffs.market}) {
    const cap::fleet_on_scaled_demand<USD> fleet(spec, plan, draw, *t);
    // 0.01: no hour short; 40: every hour short.
    for (double x : {0.01, 0.3, 0.8, 1.0, 1.4, 2.5, 40.0}) {
      CAPTURE(x);
      // The walk: the same fleet (5 given systems, the rate they serve) on the scaled demand.
      cap::capacity_spec scaled = spec;
      scaled.demand = spec.demand.scaled(x);
      const auto walked = cap::plan_capacity(scaled);
      check_against_walk(fleet, x, scaled, walked, plan, draw, *t);
      const auto slow = el::bill_of<USD>(cap::hourly_facility_load(scaled, plan, draw), *t);
      // What a Monte Carlo sample reads (year_at): levels of 1.3 on the prices per kWh, 0.5 on
      // the demand charge and 2 on the PPA's price give the walk's bill under a tariff written at
      // those prices.
      el::tariff<USD> leveled = *t;
      for (auto* prices : {&leveled.time_of_use, &leveled.market}) {
        for (auto& price : *prices) price = price * 1.3;
      }
      leveled.demand_charge = leveled.demand_charge * 0.5;
      if (leveled.ppa) leveled.ppa->price = leveled.ppa->price * 2.0;
      const auto at_levels =
          el::bill_of<USD>(cap::hourly_facility_load(scaled, plan, draw), leveled);
      const auto year = fleet.year_at(x);
      CHECK(year.utilization == Approx(walked.utilization).epsilon(1e-12));
      CHECK(year.effective_price() == Approx(slow.effective_price().value()).epsilon(1e-11));
      CHECK(year.effective_price(1.3, 0.5, 2.0) ==
            Approx(at_levels.effective_price().value()).epsilon(1e-11));
    }
  }
}

TEST_CASE("an uncertain demand scale: each sample's utilization, and the fleet's odds") {
  // demand.scale uniform on [0.6, 1.4] over 20 requests a second; the fleet is bought for the
  // scale's P90, 1.32: 26.4/s, 277.2 Erlangs of 56-stream systems.
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.4}};
  j["demand"]["size_for_percentile"] = 0.9;
  const auto s = tpw::io::scenario_from_json(j);
  REQUIRE(s.demand);
  const auto& c = *s.demand;
  CHECK(c.scale == Approx(1.0));
  CHECK(c.sizing_scale == Approx(1.32).epsilon(1e-12));
  CHECK(c.plan.systems == cap::systems_for(26.4 * cap::per_second, c.spec.service, c.spec.target,
                                           c.spec.approximation));
  // P(the peak hour short) = P(20 x > S) = (1.4 - S / 20) / 0.8 for the uniform: 0 here, as the
  // whole systems bought for 26.4/s serve more than 28; bought for the median, about a third.
  REQUIRE(c.uncertain);
  CHECK(c.plan.servable.value() > 28.0);
  CHECK(c.uncertain->probability_short == 0.0);
  auto median = j;
  median["demand"]["size_for_percentile"] = 0.5;
  const auto m = tpw::io::scenario_from_json(median);
  const double reach = m.demand->plan.servable.value() / 20.0;
  CHECK(reach < 1.4);
  CHECK(m.demand->uncertain->probability_short == Approx((1.4 - reach) / 0.8).epsilon(1e-9));
  CHECK(m.demand->uncertain->unserved_share[2] > 0.0);
  CHECK(c.uncertain->systems_for_peak[2] ==
        static_cast<double>(cap::systems_for(20.0 * 1.36 * cap::per_second, c.spec.service,
                                             c.spec.target, c.spec.approximation)));
  // A sample at scale 1.2 runs at the utilization of the fleet on 24 requests a second.
  const auto model = tpw::io::model_of(s);
  REQUIRE(model.inputs().size() == 1);
  const std::vector<double> x{1.2};
  const auto p = model.parameters_at(x);
  cap::capacity_spec at = c.spec;
  at.demand = cap::demand_profile::constant(24.0 * cap::per_second);
  CHECK(p[tpw::cost_input::utilization] ==
        Approx(cap::plan_capacity(at).utilization).epsilon(1e-12));
  // The Monte Carlo summary runs, and refusals name the field.
  tpw::io::study_options o;
  o.samples = 2048;
  o.threads = 1;
  const auto r = tpw::io::to_json(tpw::io::run_study(s, o));
  CHECK(r["capacity"]["uncertainty"]["size_for_percentile"] == 0.9);
  CHECK(r["uncertainty"]["outputs"].contains("cost_per_mtok"));
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    return demand_refusal("scale", {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.4}}, edit);
  };
  CHECK(refused([](auto& k) {
          make_elastic(k);
          k["demand"]["size_for_percentile"] = 0.9;
        }).starts_with("demand.size_for_percentile = 0.9: buys a fixed fleet for a percentile"));
  CHECK(refused([](auto& k) {
          k["demand"]["scale"] = 1.1;
          k["demand"]["size_for_percentile"] = 0.9;
        }).starts_with("demand.size_for_percentile = 0.9: sizes the fleet for a percentile"));
  CHECK(refused([](auto& k) {
          k["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.0}, {"high", 1.4}};
        }).starts_with("demand.scale = "));
}

TEST_CASE("an elastic fleet on 8,760 distinct rates: the table of steps and the counts beyond") {
  // 8,760 different hourly rates from 150 to 450 requests a second on 4-stream systems (2 s):
  // followed to 3 times the demand, the steps (a rate renting one more system) outnumber what the
  // table holds, so samples up to its reach are one search and those beyond it are counted; both
  // against the walk, under a time-of-use tariff.
  using tpw::USD;
  std::vector<double> rates(8760);
  for (int h = 0; h < 8760; ++h) {
    rates[static_cast<std::size_t>(h)] = 300.0 + 150.0 * std::sin(0.001 * h * h + 0.3 * h);
  }
  cap::capacity_spec spec(cap::demand_profile::hourly(rates), streams_of(4, 2.0),
                          {1.0 * units::second, 0.05});
  spec.approximation = erlang;
  spec.rule = cap::elastic_sizing{};
  const auto plan = cap::plan_capacity(spec);
  const cap::system_power draw{20.0 * units::kW, 8.0 * units::kW, 1.2};
  const walk_tariffs tariffs = tariffs_for_walks(0.05);
  const cap::fleet_on_scaled_demand<USD> fleet(spec, plan, draw, tariffs.tou, 3.0);
  const double reach = fleet.tabulated_reach();
  CHECK(reach > 0.5);
  CHECK(reach < 3.0);
  for (const double x : {0.5, 0.5 * reach, reach, 0.5 * (reach + 3.0), 3.0}) {
    CAPTURE(x);
    cap::capacity_spec scaled = spec;
    scaled.demand = spec.demand.scaled(x);
    const auto walked = cap::plan_capacity(scaled);
    CHECK(fleet.paid_hours(x) == walked.system_hours);
    check_against_walk(fleet, x, scaled, walked, walked, draw, tariffs.tou);
  }
}

TEST_CASE("an elastic fleet on an uncertain demand: each sample rents its own hours") {
  // Rented by the hour, each hour's own count on a day of 10 and 20 requests a second, its level
  // uniform on [0.6, 1.2] (its median 0.9, where the point plans), priced by 0.10 USD per kWh and
  // 10 USD per kW of each month's peak. A sample at scale x has the figures of the same file with
  // demand.scale x: its utilization over its own system-hours, its own bill, and its site's tokens
  // and cost a year.
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"].erase("requests_per_s");
  std::vector<double> day(24, 10.0);
  for (int h = 8; h < 20; ++h) day[static_cast<std::size_t>(h)] = 20.0;
  j["demand"]["profile_24h"] = day;
  j["demand"]["sizing"] = "elastic";
  j["costs"]["hardware"] = {{"rental_per_accelerator_hour", 3.0}};
  j["costs"]["energy"] = {
      {"pue", 1.2}, {"tariff", {{"price_per_kwh", 0.10}, {"demand_charge_per_kw_month", 10}}}};
  auto uncertain = j;
  uncertain["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.2}};
  for (const bool capped : {false, true}) {
    CAPTURE(capped);
    // Capped: 4 systems of 12 kW fit under 50 kW, short of what 24/s would need.
    if (capped) {
      j["site"] = {{"power_mw", 0.05}};
      uncertain["site"] = j["site"];
    }
    const auto s = tpw::io::scenario_from_json(uncertain);
    REQUIRE(s.demand);
    const auto model = tpw::io::model_of(s, s.systems * 8);
    REQUIRE(model.inputs().size() == 1);
    const auto names = model.output_names();
    const auto at = [&](const char* name) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    for (const double x : {0.65, 0.9, 1.15}) {
      CAPTURE(x);
      auto given = j;
      given["demand"]["scale"] = x;
      const auto r = report_of(given);
      const auto p = model.parameters_at(std::vector<double>{x});
      CHECK(p[tpw::cost_input::utilization] ==
            Approx(r["capacity"]["utilization"].get<double>()).epsilon(1e-12));
      CHECK(p[tpw::cost_input::energy_price_per_kwh] ==
            Approx(r["energy_bill"]["effective_price_per_kwh"].get<double>()).epsilon(1e-12));
      std::vector<double> y(names.size());
      model(std::vector<double>{x}, y);
      CHECK(y[at("cost_per_mtok")] ==
            Approx(r["cost_per_mtok"]["total"].get<double>()).epsilon(1e-12));
      CHECK(y[at("site_tokens_per_year")] ==
            Approx(r["site"]["tokens_per_year"].get<double>()).epsilon(1e-12));
      CHECK(y[at("site_cost_per_year")] ==
            Approx(r["site"]["cost_per_year"].get<double>()).epsilon(1e-12));
    }
    // The fleet's odds: uncapped, no hour is ever short; capped, the peak hour is short when
    // 20 x passes what 4 systems serve, S: P = (1.2 - S / 20) / 0.6.
    const auto& u = *s.demand->uncertain;
    if (capped) {
      const double reach = cap::servable_rate(4, s.demand->spec.service, s.demand->spec.target,
                                              s.demand->spec.approximation)
                               .value() /
                           20.0;
      REQUIRE(reach < 1.2);
      CHECK(u.probability_short == Approx((1.2 - reach) / 0.6).epsilon(1e-9));
      CHECK(u.unserved_share[2] > 0.0);
    } else {
      CHECK(u.probability_short == 0.0);
      CHECK(u.unserved_share[2] == 0.0);
    }
    tpw::io::study_options o;
    o.samples = 2048;
    o.threads = 1;
    const auto mc = tpw::io::to_json(tpw::io::run_study(s, o));
    CHECK(mc["uncertainty"]["outputs"]["site_cost_per_year"]["sd"].get<double>() > 0.0);
  }
}

namespace {
// The demand scenario with a day of 10 requests a second (hours 0-7 and 20-23) and 20 (8-19),
// growing 30% a year over a 3-year project, priced by a tariff of 0.10 USD per kWh and 10 USD per
// kW of each month's peak.
nlohmann::json growing_day_with_tariff() {
  auto j = nlohmann::json::parse(demand_scenario);
  j["demand"].erase("requests_per_s");
  std::vector<double> day(24, 10.0);
  for (int h = 8; h < 20; ++h) day[static_cast<std::size_t>(h)] = 20.0;
  j["demand"]["profile_24h"] = day;
  j["demand"]["growth_per_year"] = 0.3;
  j["finance"] = {{"operating_years", 3}};
  j["costs"]["energy"] = {
      {"pue", 1.2}, {"tariff", {{"price_per_kwh", 0.10}, {"demand_charge_per_kw_month", 10}}}};
  return j;
}

// The project NPV of the scenario's Monte Carlo model (one uncertain demand number, `key`) at each
// value, checked against the deterministic project of the same fleet given (demand.sizing
// "given") with that value in `file` (the scenario's, its distribution aside); returns the NPVs.
std::vector<double> npvs_match_given(const tpw::io::scenario& s, const char* key,
                                     const std::vector<double>& values,
                                     const nlohmann::json& file = growing_day_with_tariff()) {
  const auto model = tpw::io::project_model_of(s, s.systems);
  REQUIRE(model.inputs().size() == 1);
  const auto names = model.output_names();
  const auto npv_at = static_cast<std::size_t>(
      std::find(names.begin(), names.end(), "project_npv") - names.begin());
  REQUIRE(npv_at < names.size());
  auto given = file;
  given["deployment"]["systems"] = s.demand->plan.systems;
  given["demand"]["sizing"] = "given";
  std::vector<double> npvs;
  for (const double v : values) {
    CAPTURE(v);
    std::vector<double> y(names.size());
    model(std::vector<double>{v}, y);
    given["demand"][key] = v;
    CHECK(y[npv_at] ==
          Approx(report_of(given)["finance"]["project_npv"].get<double>()).epsilon(1e-9));
    npvs.push_back(y[npv_at]);
  }
  return npvs;
}
}  // namespace

TEST_CASE("with a project, each year's energy is priced on that year's own bill") {
  // n systems sized for year 3's 33.8/s peak serve every hour. Hour by hour a system draws
  // (busy x 10 + (1 - busy) x 4) x 1.2 kW, busy = served x 1,500 / (8,000 n), so the fleet draws
  // 4.8 n + 1.35 r kW at r requests a second: in year k (f = 1.3^(k - 1)) the energy is
  // 8,760 x 4.8 n + 1.35 x 365 x 12 x (10 + 20) f = 42,048 n + 177,390 f kWh, each month's peak
  // 4.8 n + 27 f kW, and the bill 0.10 x energy + 12 x 10 x peak. The project's energy line in year
  // k is that bill (its price, the bill over the energy, times the energy at the year's
  // utilization). Growth adds only swinging load to the fleet's flat idle draw, so the load factor
  // (average over peak, (4.8 n + 20.25 f) / (4.8 n + 27 f)) falls and the demand charge weighs
  // more on each kWh: the price rises year by year, where year 1's price would have held.
  const auto r = report_of(growing_day_with_tariff());
  const double n = r["capacity"]["systems"].get<double>();
  const auto& bills = r["energy_bill"]["years"];
  REQUIRE(bills.size() == 3);
  double last_price = 0.0;
  for (int k = 1; k <= 3; ++k) {
    CAPTURE(k);
    const double f = std::pow(1.3, k - 1);
    const double energy = 42048.0 * n + 177390.0 * f;
    const double bill = 0.10 * energy + 120.0 * (4.8 * n + 27.0 * f);
    const auto& y = bills[static_cast<std::size_t>(k - 1)];
    CHECK(y["year"] == k);
    CHECK(y["energy_mwh"].get<double>() == Approx(energy / 1000.0).epsilon(1e-12));
    CHECK(y["total"].get<double>() == Approx(bill).epsilon(1e-12));
    CHECK(y["effective_price_per_kwh"].get<double>() == Approx(bill / energy).epsilon(1e-12));
    CHECK(r["finance"]["years"][k]["energy"].get<double>() == Approx(bill).epsilon(1e-9));
    CHECK(bill / energy > last_price);
    last_price = bill / energy;
  }
  // Year 1's bill is the report's bill, whose price the single-period figures use.
  CHECK(r["energy_bill"]["total"] == bills[0]["total"]);
}

TEST_CASE("an uncertain demand scale with a project: each sample's years on its own demand") {
  // demand.scale uniform on [0.6, 1.4], the fleet bought for its P90. A sample at scale 1.2 has
  // the project of the same fleet given (demand.sizing "given") at scale 1.2: each year's
  // utilization and energy price from its own demand grown 30% a year.
  auto j = growing_day_with_tariff();
  j["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.4}};
  j["demand"]["size_for_percentile"] = 0.9;
  const auto s = tpw::io::scenario_from_json(j);
  (void)npvs_match_given(s, "scale", {0.7, 1.2, 1.4});
  // The project's NPV is uncertain now: the Monte Carlo reports it.
  tpw::io::study_options o;
  o.samples = 4096;
  o.threads = 1;
  const auto r = tpw::io::to_json(tpw::io::run_study(s, o));
  CHECK(r["uncertainty"]["outputs"].contains("project_npv"));
  // The fleet bought for year 3's peak at the scale's P90 (20 x 1.3^2 x 1.32 = 44.6/s) serves S
  // at the target: year 1 is never short, and year 3's peak is short when 33.8 x > S, with
  // chance (1.4 - S / 33.8) / 0.8 for the uniform.
  const double reach = s.demand->plan.servable.value() / 33.8;
  REQUIRE(reach > 1.32);
  REQUIRE(reach < 1.4);
  const auto& u = r["capacity"]["uncertainty"];
  CHECK(u["probability_peak_short"] == 0.0);
  CHECK(u["last_year"]["year"] == 3);
  CHECK(u["last_year"]["probability_peak_short"].get<double>() ==
        Approx((1.4 - reach) / 0.8).epsilon(1e-9));
  CHECK(u["last_year"]["unserved_share"]["p50"] == 0.0);
  // At the scale's P95, 1.36, year 3 is short only if the fleet reaches less.
  CHECK((u["last_year"]["hours_short"]["p95"].get<double>() > 0.0) == (reach < 1.36));
}

TEST_CASE("an uncertain demand growth with a project: each sample's years on its own growth") {
  // demand.growth_per_year uniform on [0.1, 0.5]: the fleet is bought for year 3's peak at the
  // median, 30%; a sample growing 45% a year has the project of the same fleet given at 45%.
  auto j = growing_day_with_tariff();
  j["demand"]["growth_per_year"] = {{"dist", "uniform"}, {"low", 0.1}, {"high", 0.5}};
  const auto s = tpw::io::scenario_from_json(j);
  CHECK(s.demand->growth_per_year == Approx(0.3));
  const auto npvs = npvs_match_given(s, "growth_per_year", {0.1, 0.3, 0.45});
  // More demand on the same fleet sells more tokens.
  CHECK(npvs[0] < npvs[1]);
  CHECK(npvs[1] < npvs[2]);
  // The year-1 figures do not move with growth; the project's NPV does.
  tpw::io::study_options o;
  o.samples = 4096;
  o.threads = 1;
  const auto r = tpw::io::to_json(tpw::io::run_study(s, o));
  const auto& npv = r["uncertainty"]["outputs"]["project_npv"];
  CHECK(npv["p5"].get<double>() < npv["p95"].get<double>());
  CHECK(r["uncertainty"]["outputs"]["cost_per_mtok"]["sd"].get<double>() == 0.0);
  // The last year's figures at the growth's quantiles, the scale a number: year 3's peak 20 (1 +
  // g)^2 is short of what the fleet serves, S, when g > sqrt(S / 20) - 1, with chance (0.5 -
  // (sqrt(S / 20) - 1)) / 0.4 for the uniform; at the growth's P95, 0.48, its unserved share is
  // that of the same fleet given, growing 48% a year, in year 3.
  const auto& grown = r["capacity"]["uncertainty"];
  CHECK(grown["scale"].is_null());
  CHECK(grown["growth"] == "uniform(low 0.1, high 0.5)");
  CHECK(grown["last_year"]["year"] == 3);
  const double g_short = std::sqrt(s.demand->plan.servable.value() / 20.0) - 1.0;
  REQUIRE(g_short > 0.3);
  REQUIRE(g_short < 0.5);
  CHECK(grown["last_year"]["probability_peak_short"].get<double>() ==
        Approx((0.5 - g_short) / 0.4).epsilon(1e-9));
  auto at_p95 = growing_day_with_tariff();
  at_p95["deployment"]["systems"] = s.demand->plan.systems;
  at_p95["demand"]["sizing"] = "given";
  at_p95["demand"]["growth_per_year"] = 0.48;
  const auto at_p95_year_3 = report_of(at_p95)["capacity"]["years"][2];
  CHECK(grown["last_year"]["unserved_share"]["p95"].get<double>() ==
        Approx(at_p95_year_3["unserved_share"].get<double>()).epsilon(1e-9));
  CHECK(at_p95_year_3["unserved_share"].get<double>() > 0.0);
  // With the scale uncertain too (uniform on [0.6, 1.4]), the last year's figures are at the
  // quantiles of x (1 + g)^2. P(year 3's peak short) = P(33.8 x (1 + g)^2 / 1.69 > S): checked
  // against an independent sum over the growth, (1 / 0.4) * integral over g in [0.1, 0.5] of
  // clamp((1.4 - R / (1 + g)^2) / 0.8, 0, 1) dg, R = S / 20 (the written peak), in 200,000 steps.
  auto both = j;
  both["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.4}};
  const auto sb = tpw::io::scenario_from_json(both);
  const double reach = sb.demand->plan.servable.value() / 20.0;
  double by_hand = 0.0;
  const int steps = 200000;
  for (int k = 0; k < steps; ++k) {
    const double g = 0.1 + 0.4 * (k + 0.5) / steps;
    by_hand += std::clamp((1.4 - reach / ((1 + g) * (1 + g))) / 0.8, 0.0, 1.0) / steps;
  }
  REQUIRE(by_hand > 0.05);
  REQUIRE(by_hand < 0.95);
  const auto rb = tpw::io::to_json(tpw::io::run_study(sb, o));
  const auto& last = rb["capacity"]["uncertainty"]["last_year"];
  CHECK(last["year"] == 3);
  CHECK(last["probability_peak_short"].get<double>() == Approx(by_hand).epsilon(1e-6));
  // The P95 demand level z95 = quantile: short hours there exactly when z95 x 20 > S.
  const tpw::mc::grown_scale z(tpw::mc::distribution::uniform(0.6, 1.4),
                               tpw::mc::distribution::uniform(0.1, 0.5), 3);
  const double z95 = z.quantile(0.95);
  CHECK((last["hours_short"]["p95"].get<double>() > 0.0) == (z95 > reach));
  // And its figures are those of the same fleet given, in year 3 at scale z95 / 1.3^2 growing
  // 30% a year (the hour-by-hour plan).
  auto given = growing_day_with_tariff();
  given["deployment"]["systems"] = sb.demand->plan.systems;
  given["demand"]["sizing"] = "given";
  given["demand"]["scale"] = z95 / 1.69;
  const auto year_3 = report_of(given)["capacity"]["years"][2];
  CHECK(last["unserved_share"]["p95"].get<double>() ==
        Approx(year_3["unserved_share"].get<double>()).epsilon(1e-9));
  CHECK(last["hours_short"]["p95"] == year_3["hours_short"]);
  // Refusals: without a project growth moves nothing, and the GPU engines take a fixed ramp.
  auto k = growing_day_with_tariff();
  k.erase("finance");
  k["demand"]["growth_per_year"] = {{"dist", "uniform"}, {"low", 0.1}, {"high", 0.5}};
  CHECK(message_of([&] {
          (void)tpw::io::scenario_from_json(k);
        }).starts_with("demand.growth_per_year = {"));
  const auto model = tpw::io::project_model_of(s, s.systems);
  CHECK(message_of([&] {
          (void)model.plan();
        }).starts_with("demand = (uncertain demand growth): the GPU and MPI engines"));
}

TEST_CASE("what a fleet serves as the output length's variability moves") {
  // 6 systems of 4 streams holding a request 2 s, P(wait > 1 s) <= 5%, Allen-Cunneen: the rate S
  // where C(24, 2 S) exp(-(12 - S) / ((1 + cv^2) / 2)) = 0.05, found by an independent bisection
  // (Python, Erlang C by its sum): 10.825180286 at cv 0, 10.615100243 at 0.5, 10.123368013 at 1
  // (the 10 requests a second of the textbook case fit), 9.197579459 at 2, 8.717888013 at 3.
  const cap::latency_target target{1.0 * units::second, 0.05};
  const auto s = streams_of(4, 2.0);  // no TTFT: the holding time varies as the output does
  const cap::servable_by_output_cv served(6, s, target, allen_cunneen, 0.0, 3.0);
  const std::vector<std::pair<double, double>> by_hand{{0.0, 10.825180286},
                                                       {0.5, 10.615100243},
                                                       {1.0, 10.123368013},
                                                       {2.0, 9.197579459},
                                                       {3.0, 8.717888013}};
  for (const auto& point : by_hand) {
    const double cv = point.first;  // (not a structured binding: CAPTURE's lambda reads it)
    CAPTURE(cv);
    CHECK(served(cv) == Approx(point.second).epsilon(1e-9));
  }
  CHECK(served.max_relative_error() <= 1e-9);
  // Between the grid's points, against the bisection itself.
  for (const double cv : {0.013, 0.77, 1.234, 2.999}) {
    CAPTURE(cv);
    CHECK(served(cv) ==
          Approx(cap::servable_rate(6, cap::with_output_cv(s, cv), target, allen_cunneen).value())
              .epsilon(1e-9));
  }
  // A TTFT does not vary: 0.5 s of TTFT and 10 s of decode give the holding time a cv of 10 /
  // 10.5 times the output's.
  cap::service_model with_ttft = s;
  with_ttft.ttft = 0.5 * units::second;
  with_ttft.holding_time = 10.5 * units::second;
  CHECK(cap::with_output_cv(with_ttft, 2.0).service_cv == Approx(2.0 * 10.0 / 10.5));
  // M/M/c does not read it; a range of one value is one number.
  const cap::servable_by_output_cv mmc(6, s, target, erlang, 0.0, 3.0);
  CHECK(mmc(0.0) == mmc(3.0));
  CHECK(mmc(1.0) == Approx(cap::servable_rate(6, s, target, erlang).value()));
  CHECK(cap::servable_by_output_cv(6, s, target, allen_cunneen, 2.0, 2.0)(2.0) ==
        Approx(9.197579459).epsilon(1e-9));
  // Refusals name the field.
  CHECK(message_of([&] {
          (void)cap::servable_by_output_cv(6, s, target, allen_cunneen, 0.0, 11.0);
        }).starts_with("demand.output_cv = 11: must be in [0, 10]"));
  CHECK(message_of([&] {
          (void)cap::servable_by_output_cv(6, s, target, allen_cunneen, 2.0, 1.0);
        }).starts_with("demand.output_cv = 2: is the low end of a range"));
  CHECK(message_of([&] {
          (void)cap::servable_by_output_cv(0, s, target, allen_cunneen, 0.0, 1.0);
        }).starts_with("capacity.systems_up = 0:"));
}

TEST_CASE("a fixed fleet's year at what it serves: the same as a plan that serves that much") {
  // year_at(x, S) on the fleet planned at the 5 given systems equals year_at(x) of the same fleet
  // whose plan serves S, under time-of-use, PPA and market tariffs, for S below and above the
  // plan's and scales with no hour short to every hour short.
  using tpw::USD;
  const auto [spec, plan, draw, tariffs] = five_given_systems(allen_cunneen);
  for (const auto* t : {&tariffs.tou, &tariffs.ppa, &tariffs.market}) {
    const cap::fleet_on_scaled_demand<USD> fleet(spec, plan, draw, *t);
    for (const double factor : {0.8, 1.0, 1.15}) {
      auto other = plan;
      other.servable = plan.servable * factor;
      const cap::fleet_on_scaled_demand<USD> serving(spec, other, draw, *t);
      for (const double x : {0.01, 0.8, 1.4, 40.0}) {
        CAPTURE(factor);
        CAPTURE(x);
        const auto a = fleet.year_at(x, other.servable.value());
        const auto b = serving.year_at(x);
        CHECK(a.utilization == Approx(b.utilization).epsilon(1e-14));
        CHECK(a.effective_price(1.3, 0.5, 2.0) ==
              Approx(b.effective_price(1.3, 0.5, 2.0)).epsilon(1e-14));
        CHECK(a.demand_charges == Approx(b.demand_charges).epsilon(1e-14));
      }
    }
    CHECK(fleet.year_at(1.4, plan.servable.value()).utilization == fleet.year_at(1.4).utilization);
  }
}

TEST_CASE("an uncertain output variability: each sample's fleet serves what its cv allows") {
  // demand.output_cv uniform on [0.2, 3]: the fleet is bought for year 3's peak (20 x 1.32^2 =
  // 34.848 requests a second, growing 32% a year) at its median, 1.6: 7 systems, which serve
  // 35.2 at cv 1.6 and 34.6 at cv 3. A sample's project is that of the same fleet given with the
  // sample's cv in the file; above some cv the fleet serves less than year 3's peak, so it earns
  // less.
  auto file = growing_day_with_tariff();
  file["demand"]["growth_per_year"] = 0.32;
  auto j = file;
  j["demand"]["output_cv"] = {{"dist", "uniform"}, {"low", 0.2}, {"high", 3.0}};
  const auto s = tpw::io::scenario_from_json(j);
  REQUIRE(s.demand);
  const auto& c = *s.demand;
  CHECK(c.output_cv == Approx(1.6));
  const auto at_cv = [&](double cv) {
    return cap::servable_rate(c.plan.systems_up, cap::with_output_cv(c.spec.service, cv),
                              c.spec.target, c.spec.approximation)
        .value();
  };
  REQUIRE(at_cv(3.0) < 34.848);
  REQUIRE(at_cv(1.6) >= 34.848 * (1.0 - 1e-12));
  const auto npvs = npvs_match_given(s, "output_cv", {0.2, 1.13, 1.6, 2.47, 3.0}, file);
  CHECK(npvs[0] == Approx(npvs[2]).epsilon(1e-12));  // no hour short at or below the median
  CHECK(npvs[3] < npvs[2]);
  CHECK(npvs[4] < npvs[3]);
  // The report: year 3's peak is short when S(cv) < 34.848, cv above cv* (a bisection on the
  // servable rate here), with chance (3 - cv*) / 2.8 for the uniform; year 1 is never short.
  double low = 1.6;
  double high = 3.0;
  for (int k = 0; k < 100; ++k) {
    const double mid = 0.5 * (low + high);
    (at_cv(mid) >= 34.848 ? low : high) = mid;
  }
  tpw::io::study_options o;
  o.samples = 4096;
  o.threads = 1;
  const auto r = tpw::io::to_json(tpw::io::run_study(s, o));
  const auto& u = r["capacity"]["uncertainty"];
  CHECK(u["output_cv"] == "uniform(low 0.2, high 3)");
  CHECK(u["scale"].is_null());
  CHECK(u["probability_peak_short"] == 0.0);
  CHECK(u["last_year"]["probability_peak_short"].get<double>() ==
        Approx((3.0 - low) / 2.8).epsilon(1e-7));
  CHECK(r["uncertainty"]["outputs"]["project_npv"]["sd"].get<double>() > 0.0);
  // With the scale uniform on [0.6, 1.4] too: P(year 3's peak short) = E over cv of P(34.848 x >
  // S(cv)) = (1 / 2.8) * integral over cv in [0.2, 3] of clamp((1.4 - S(cv) / 34.848) / 0.8, 0, 1)
  // (the midpoint sum over 2,000 steps, each S by bisection); its P95 unserved share is that of
  // the fleet given at the joint level w95 = quantile of x S(1.6) / S(cv) (written scale z95 /
  // 1.7424 at cv 1.6).
  auto both = j;
  both["demand"]["scale"] = {{"dist", "uniform"}, {"low", 0.6}, {"high", 1.4}};
  const auto sb = tpw::io::scenario_from_json(both);
  const auto& cb = *sb.demand;
  const auto at_cv_b = [&](double cv) {
    return cap::servable_rate(cb.plan.systems_up, cap::with_output_cv(cb.spec.service, cv),
                              cb.spec.target, cb.spec.approximation)
        .value();
  };
  const int steps = 2000;
  std::vector<double> serves(steps);
  for (int k = 0; k < steps; ++k) serves[k] = at_cv_b(0.2 + 2.8 * (k + 0.5) / steps);
  double by_hand = 0.0;
  for (const double rate : serves) by_hand += std::clamp((1.4 - rate / 34.848) / 0.8, 0.0, 1.0);
  by_hand /= steps;
  REQUIRE(by_hand > 0.05);
  const auto rb = tpw::io::to_json(tpw::io::run_study(sb, o));
  const auto& last = rb["capacity"]["uncertainty"]["last_year"];
  CHECK(last["probability_peak_short"].get<double>() == Approx(by_hand).epsilon(1e-5));
  // w95: P(w <= t) = mean over cv of clamp((t S(cv) / S0 - 0.6) / 0.8, 0, 1) = 0.95, bisected.
  const double planned = cb.plan.servable.value();
  const auto level_cdf = [&](double t) {
    double p = 0.0;
    for (const double rate : serves) p += std::clamp((t * rate / planned - 0.6) / 0.8, 0.0, 1.0);
    return p / steps;
  };
  double w_low = 0.6;
  double w_high = 2.0;
  for (int k = 0; k < 100; ++k) {
    const double mid = 0.5 * (w_low + w_high);
    (level_cdf(mid) < 0.95 ? w_low : w_high) = mid;
  }
  auto given = file;
  given["deployment"]["systems"] = cb.plan.systems;
  given["demand"]["sizing"] = "given";
  given["demand"]["output_cv"] = 1.6;
  given["demand"]["scale"] = w_low;
  const auto year_3 = report_of(given)["capacity"]["years"][2];
  REQUIRE(year_3["unserved_share"].get<double>() > 0.0);
  CHECK(last["unserved_share"]["p95"].get<double>() ==
        Approx(year_3["unserved_share"].get<double>()).epsilon(1e-4));
  // Refusals: an elastic fleet, M/M/c, a range beyond 10, and the GPU engines.
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    return demand_refusal("output_cv", {{"dist", "uniform"}, {"low", 0.2}, {"high", 3.0}}, edit);
  };
  CHECK(refused(make_elastic).starts_with("demand.output_cv = {"));
  CHECK(refused([](auto& k) {
          k["demand"]["queue"] = "erlang_c";
        }).find("is not read under demand.queue \"erlang_c\"") != std::string::npos);
  CHECK(refused([](auto& k) {
          k["demand"]["output_cv"] = {{"dist", "uniform"}, {"low", 0.2}, {"high", 12.0}};
        }).starts_with("demand.output_cv = "));
  CHECK(refused([](auto&) {}) == "(no error)");
  const auto model = tpw::io::project_model_of(s, s.systems);
  CHECK(message_of([&] {
          (void)model.plan();
        }).starts_with("demand.output_cv = (uncertain output variability): the GPU and MPI"));
}

TEST_CASE("a grown scale: the demand level of a later year with scale and growth both uncertain") {
  // Year 2 of a scale x ~ uniform(0.8, 1.2) growing g ~ uniform(0.1, 0.3): z = x w, w = 1 + g ~
  // uniform(1.1, 1.3). By hand, P(z <= t) = (1 / (0.4 x 0.2)) * integral over w in [1.1, 1.3] of
  // (clamp(t / w, 0.8, 1.2) - 0.8):
  //   t = 1.0: t / w >= 0.8 up to w = 1.25: (ln(1.25 / 1.1) - 0.8 x 0.15) / 0.08 = 0.0979171439;
  //   t = 1.2: t / w inside [0.8, 1.2] throughout: (1.2 ln(1.3 / 1.1) - 0.16) / 0.08 =
  //   0.5058112699; t = 1.5: t / w >= 1.2 up to w = 1.25: (0.4 x 0.15 + 1.5 ln(1.3 / 1.25) - 0.8 x
  //   0.05) / 0.08 = 0.9853883716.
  using tpw::mc::distribution;
  const tpw::mc::grown_scale z(distribution::uniform(0.8, 1.2), distribution::uniform(0.1, 0.3), 2);
  CHECK(z.cdf(1.0) == Approx(0.0979171439).epsilon(1e-9));
  CHECK(z.cdf(1.2) == Approx(0.5058112699).epsilon(1e-9));
  CHECK(z.cdf(1.5) == Approx(0.9853883716).epsilon(1e-9));
  CHECK(z.cdf(0.8 * 1.1) == 0.0);
  CHECK(z.cdf(1.2 * 1.3) == Approx(1.0).epsilon(1e-12));
  CHECK(z.low() == Approx(0.88));
  CHECK(z.high() == Approx(1.56));
  for (const double p : {0.05, 0.5, 0.95}) {
    CAPTURE(p);
    CHECK(z.cdf(z.quantile(p)) == Approx(p).epsilon(1e-9));
  }
  CHECK(z.quantile(0.5058112699) == Approx(1.2).epsilon(1e-8));
  // Either number fixed: the other's own distribution. Year 3 of x = 1.1 growing uniform(0.1,
  // 0.5): P(1.1 (1 + g)^2 <= t) = P(g <= sqrt(t / 1.1) - 1); at t = 2: (sqrt(2 / 1.1) - 1.1) / 0.4.
  const tpw::mc::grown_scale fixed_scale(distribution::fixed(1.1), distribution::uniform(0.1, 0.5),
                                         3);
  CHECK(fixed_scale.cdf(2.0) == Approx((std::sqrt(2.0 / 1.1) - 1.1) / 0.4).epsilon(1e-12));
  CHECK(fixed_scale.quantile(0.25) == Approx(1.1 * 1.2 * 1.2).epsilon(1e-12));
  const tpw::mc::grown_scale fixed_growth(distribution::uniform(0.6, 1.4), distribution::fixed(0.3),
                                          3);
  CHECK(fixed_growth.quantile(0.75) == Approx(1.2 * 1.69).epsilon(1e-12));
  // Year 1 is the scale itself.
  const tpw::mc::grown_scale first(distribution::lognormal(1.0, 0.2), distribution::uniform(0, 1),
                                   1);
  CHECK(first.quantile(0.9) == Approx(std::exp(0.2 * 1.2815515655)).epsilon(1e-9));
  // Refused: a growth that reaches -1, a year before the first.
  CHECK(message_of([] {
          (void)tpw::mc::grown_scale(distribution::uniform(0.5, 1.5),
                                     distribution::uniform(-1.5, 0.5), 2);
        }).starts_with("demand.growth_per_year = uniform("));
  CHECK(message_of([] {
          (void)tpw::mc::grown_scale(distribution::uniform(0.5, 1.5), distribution::fixed(0.1), 0);
        }).starts_with("year = 0: must be >= 1"));
}

TEST_CASE("uncertain tariff levels: each sample's bill at its level, demand charge and PPA price") {
  // 20 requests a second on 5 systems at utilization 0.75: a flat 5 x (0.75 x 10 + 0.25 x 4) x 1.2
  // = 51 kW, 446,760 kWh a year. A flat 0.10 USD/kWh at level t, d USD per kW-month, and a PPA
  // of 20 kW at p USD per MWh (surplus lost): the bill is 0.10 t x 31 kW x 8,760 h beyond the
  // block + 0.02 MW x 8,760 h x p + 12 x d x 31 kW.
  auto j = nlohmann::json::parse(demand_scenario);
  j["costs"]["energy"] = {
      {"pue", 1.2},
      {"tariff",
       {{"price_per_kwh", 0.10},
        {"level", {{"dist", "uniform"}, {"low", 0.8}, {"high", 1.2}}},
        {"demand_charge_per_kw_month", {{"dist", "uniform"}, {"low", 5}, {"high", 15}}},
        {"ppa",
         {{"block_mw", 0.02},
          {"price_per_mwh", {{"dist", "uniform"}, {"low", 30}, {"high", 60}}}}}}}};
  const auto hand = [](double t, double d, double p) {
    return (0.10 * t * 31 * 8760 + 0.02 * 8760 * p + 12 * d * 31) / (51.0 * 8760);
  };
  const auto s = tpw::io::scenario_from_json(j);
  REQUIRE(s.tariff);
  CHECK(s.tariff->level == Approx(1.0));
  CHECK(s.tariff->demand_charge == Approx(10.0));
  CHECK(s.tariff->ppa_price_per_mwh == Approx(45.0));
  // The point figures at the medians.
  const auto r = report_of(j);
  CHECK(r["energy_bill"]["effective_price_per_kwh"].get<double>() ==
        Approx(hand(1.0, 10.0, 45.0)).epsilon(1e-12));
  // A sample at (1.2, 15, 60), then (0.8, 5, 30): its energy price is its own bill's.
  const auto model = tpw::io::model_of(s);
  REQUIRE(model.inputs().size() == 3);
  CHECK(model.inputs()[0].name == "costs.energy.tariff.level");
  CHECK(model.inputs()[1].name == "costs.energy.tariff.demand_charge_per_kw_month");
  CHECK(model.inputs()[2].name == "costs.energy.tariff.ppa.price_per_mwh");
  for (const auto& [t, d, p] : {std::tuple{1.2, 15.0, 60.0}, std::tuple{0.8, 5.0, 30.0}}) {
    const auto q = model.parameters_at(std::vector<double>{t, d, p});
    CHECK(q[tpw::cost_input::energy_price_per_kwh] == Approx(hand(t, d, p)).epsilon(1e-12));
    CHECK(q[tpw::cost_input::utilization] == Approx(0.75).epsilon(1e-12));
  }
  // The Monte Carlo run moves the cost per Mtok, and its tornado names the levels.
  tpw::io::study_options o;
  o.samples = 2048;
  o.threads = 1;
  const auto mc = tpw::io::to_json(tpw::io::run_study(s, o));
  CHECK(mc["uncertainty"]["outputs"]["cost_per_mtok"]["sd"].get<double>() > 0.0);
  // Refusals: a level below 0, on the GPU engines. (Without a demand section the levels price a
  // flat load: the next cases.)
  const auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto k = j;
    edit(k);
    return message_of([&] { (void)tpw::io::scenario_from_json(k); });
  };
  CHECK(refused([](auto& k) {
          k.erase("demand");
          k["deployment"]["utilization"] = 0.5;
        }) == "(no error)");
  // On an elastic fleet each sample's hours are rented at its own demand and priced at its levels.
  CHECK(refused([](auto& k) {
          k["demand"]["sizing"] = "elastic";
          k["costs"]["hardware"] = {{"rental_per_accelerator_hour", 3.0}};
        }) == "(no error)");
  CHECK(refused([](auto& k) {
          k["costs"]["energy"]["tariff"]["level"] = {
              {"dist", "uniform"}, {"low", -0.5}, {"high", 1.5}};
        }).starts_with("costs.energy.tariff.level = "));
  CHECK(message_of([&] {
          (void)model.plan();
        }).starts_with("costs.energy.tariff = (uncertain tariff level): the GPU and MPI engines"));
}

TEST_CASE("an elastic fleet on a scaled demand: counts by search against the hour-by-hour walk") {
  namespace el = tpw::electricity;
  using tpw::USD;
  // Each hour rents its own least count of 4-stream systems (2 s each) meeting P(W > 1 s) <= 5%,
  // on a weekday and a weekend profile (and hours with no traffic, which rent nothing); 20 kW
  // serving, 8 idle, PUE 1.2. Uncapped, then under a cap of 6 systems.
  const cap::latency_target target{1.0 * units::second, 0.05};
  cap::capacity_spec spec(walk_profile(2), streams_of(4, 2.0), target);
  spec.approximation = erlang;
  spec.rule = cap::elastic_sizing{};
  const cap::system_power draw{20.0 * units::kW, 8.0 * units::kW, 1.2};
  const walk_tariffs tariffs = tariffs_for_walks(0.05);
  // The fleet's sums go by count (a search per count: the weekly profile's small fleet) or by
  // distinct rate (a search in the counts' table per rate: a day of three rates on a fleet of up
  // to a few hundred systems); both against the walk.
  std::vector<double> three(24, 150.0);
  for (int h = 8; h < 20; ++h) three[static_cast<std::size_t>(h)] = h < 14 ? 400.0 : 320.0;
  cap::capacity_spec big = spec;
  big.demand = cap::demand_profile::daily(three);
  // (No structured binding: CAPTURE's lambda reads them.)
  for (const auto& fleet_case :
       {std::pair{spec, std::optional<long>{}}, std::pair{spec, std::optional<long>{6}},
        std::pair{big, std::optional<long>{}}, std::pair{big, std::optional<long>{300}}}) {
    const std::optional<long> ceiling = fleet_case.second;
    const double peak = fleet_case.first.demand.peak().value();
    CAPTURE(ceiling.value_or(0));
    CAPTURE(peak);
    cap::capacity_spec capped = fleet_case.first;
    capped.max_systems = ceiling;
    const auto plan = cap::plan_capacity(capped);
    for (const auto* t : {&tariffs.tou, &tariffs.ppa, &tariffs.market}) {
      const cap::fleet_on_scaled_demand<USD> fleet(capped, plan, draw, *t, 3.0);
      CHECK(fleet.elastic());
      CHECK(fleet.paid_hours(1.0) == plan.system_hours);
      for (double x : {0.3, 0.8, 1.0, 1.4, 2.5, 3.0}) {
        CAPTURE(x);
        // The walk: each hour's own count on the scaled demand.
        cap::capacity_spec scaled = capped;
        scaled.demand = capped.demand.scaled(x);
        const auto walked = cap::plan_capacity(scaled);
        CHECK(fleet.paid_hours(x) == walked.system_hours);
        check_against_walk(fleet, x, scaled, walked, walked, draw, *t);
      }
      // Uncapped, nothing is short within the table's reach; capped, the cap's rate bounds it.
      if (ceiling) {
        CHECK(fleet.most_served() ==
              cap::servable_rate(*ceiling, capped.service, target, erlang).value());
        CHECK(fleet.hours_short(3.0) > 0.0);
      } else {
        CHECK(fleet.hours_short(3.0) == 0.0);
      }
    }
  }
  // The table's reach: a scale below 1 or past 1,000 is refused.
  const auto plan = cap::plan_capacity(spec);
  CHECK(message_of([&] {
          (void)cap::fleet_on_scaled_demand<USD>(spec, plan, draw, std::nullopt, 0.5);
        }).starts_with("demand.scale = 0.5: is the highest scale an elastic fleet is followed to"));
}

TEST_CASE("a tariff's bill on a flat load, by hand and against the hour-by-hour bill") {
  namespace el = tpw::electricity;
  using tpw::USD;
  const auto per_kwh = units::usd / units::kWh;
  const auto hourly = [](double kw) { return std::vector<tpw::power>(8760, kw * units::kW); };
  // No PPA: 0.10 USD/kWh and 12 USD per kW-month: 0.10 + 12 x 12 / 8,760 = 0.1164384 per kWh at
  // any load.
  el::tariff<USD> t;
  t.time_of_use = {0.10 * per_kwh};
  t.demand_charge = 12.0 * units::usd / units::kW;
  const el::flat_load_tariff plain = el::flat_load_of(t);
  for (const double kw : {1.0, 51.0, 1000.0}) {
    CHECK(plain.effective_price(kw * 1e3) * 3.6e6 == Approx(0.10 + 144.0 / 8760.0).epsilon(1e-13));
  }
  // A 20 kW block at 50 USD/MWh, surplus lost, under a 51 kW load: 0.10 x 31 kW x 8,760 h =
  // 27,156 bought, 20 kW x 8,760 h x 0.05 = 8,760 for the block, 12 x 12 x 31 kW = 4,464 of
  // demand charges: 40,380 over 446,760 kWh, 0.0903841 per kWh.
  t.ppa =
      el::power_purchase_agreement<USD>{0.02 * units::MW, 50.0 * units::usd / units::MWh, false};
  const el::flat_load_tariff ppa = el::flat_load_of(t);
  const el::bill_numbers at51 = ppa.at(51e3);
  CHECK(at51.energy_charges == Approx(27'156.0).epsilon(1e-13));
  CHECK(at51.ppa_charges == Approx(8'760.0).epsilon(1e-13));
  CHECK(at51.demand_charges == Approx(4'464.0).epsilon(1e-13));
  CHECK(at51.used / 3.6e6 == Approx(446'760.0).epsilon(1e-13));
  CHECK(ppa.effective_price(51e3) * 3.6e6 == Approx(40'380.0 / 446'760.0).epsilon(1e-13));
  // Every part against bill_of on the same load, below and above the block: a month-by-month
  // time-of-use price, then market prices with the surplus sold.
  el::tariff<USD> monthly;
  for (int m = 0; m < 12; ++m) {
    for (int h = 0; h < 24; ++h)
      monthly.time_of_use.push_back((0.04 + 0.003 * m + 0.002 * h) * per_kwh);
  }
  monthly.demand_charge = 9.0 * units::usd / units::kW;
  monthly.ppa =
      el::power_purchase_agreement<USD>{0.03 * units::MW, 45.0 * units::usd / units::MWh, false};
  el::tariff<USD> market = monthly;
  market.time_of_use.clear();
  for (int h = 0; h < 8760; ++h) {
    market.market.push_back((0.01 + 0.06 * ((h * 7) % 13) / 13.0 - 0.02 * (h % 5 == 0)) * per_kwh);
  }
  market.ppa->surplus_sold = true;
  for (const auto* tariff : {&monthly, &market}) {
    const el::flat_load_tariff flat = el::flat_load_of(*tariff, 8.0);
    CHECK(flat.accelerators == 8.0);
    for (const double kw : {12.0, 30.0, 75.0}) {
      CAPTURE(kw);
      const auto b = el::bill_of<USD>(hourly(kw), *tariff);
      const el::bill_numbers f = flat.at(kw * 1e3);
      CHECK(f.used == Approx(b.used.value()).epsilon(1e-12));
      CHECK(f.energy_charges == Approx(b.energy_charges.value()).epsilon(1e-12));
      CHECK(f.surplus_credit == Approx(b.surplus_credit.value()).epsilon(1e-12));
      CHECK(f.ppa_charges == Approx(b.ppa_charges.value()).epsilon(1e-12));
      CHECK(f.demand_charges == Approx(b.demand_charges.value()).epsilon(1e-12));
      CHECK(flat.effective_price(kw * 1e3) == Approx(b.effective_price().value()).epsilon(1e-12));
    }
  }
  CHECK(message_of([&] {
          (void)el::flat_load_of(t, -1.0);
        }).starts_with("accelerators = -1: must be finite and >= 0"));
}

TEST_CASE("a tariff on a flat load: each sample prices its own load and levels") {
  // No demand section: 1 system of 10 kW (idle 4 kW), PUE 1.2, at utilization u draws a flat
  // (4 + 6 u) x 1.2 kW: 7.68 kW at u = 0.4, 9.12 kW at 0.6. A flat 0.10 USD/kWh at level t,
  // 12 USD per kW-month, a 5 kW PPA block at 50 USD/MWh (surplus lost): the bill is
  // 0.10 t (L - 5) x 8,760 + 5 x 8,760 x 0.05 + 12 x 12 (L - 5) over L x 8,760 kWh.
  auto j = nlohmann::json::parse(demand_scenario);
  j.erase("demand");
  j["deployment"]["utilization"] = {{"dist", "uniform"}, {"low", 0.4}, {"high", 0.6}};
  j["costs"]["energy"] = {{"pue", 1.2},
                          {"tariff",
                           {{"price_per_kwh", 0.10},
                            {"level", {{"dist", "uniform"}, {"low", 0.8}, {"high", 1.2}}},
                            {"demand_charge_per_kw_month", 12},
                            {"ppa", {{"block_mw", 0.005}, {"price_per_mwh", 50}}}}}};
  const auto hand = [](double u, double t) {
    const double load = (4.0 + 6.0 * u) * 1.2;
    return (0.10 * t * (load - 5.0) * 8760 + 5.0 * 8760 * 0.05 + 144.0 * (load - 5.0)) /
           (load * 8760);
  };
  const auto s = tpw::io::scenario_from_json(j);
  CHECK(s.base[tpw::cost_input::energy_price_per_kwh] == Approx(hand(0.5, 1.0)).epsilon(1e-12));
  const auto model = tpw::io::model_of(s);
  REQUIRE(model.inputs().size() == 2);
  CHECK(model.inputs()[0].name == "deployment.utilization");
  CHECK(model.inputs()[1].name == "costs.energy.tariff.level");
  for (const auto& sample : {std::pair{0.4, 0.8}, std::pair{0.6, 1.2}, std::pair{0.45, 1.1}}) {
    const double u = sample.first;
    const double t = sample.second;
    CAPTURE(u);
    const auto q = model.parameters_at(std::vector<double>{u, t});
    CHECK(q[tpw::cost_input::energy_price_per_kwh] == Approx(hand(u, t)).epsilon(1e-12));
  }
  // The run: the cost per Mtok's spread comes from both, and the energy price follows the load.
  tpw::io::study_options o;
  o.samples = 4096;
  o.threads = 1;
  const auto mc = tpw::io::to_json(tpw::io::run_study(s, o));
  CHECK(mc["uncertainty"]["outputs"]["cost_per_mtok"]["sd"].get<double>() > 0.0);
  // On the GPU and MPI engines the energy price is fixed: refused by name.
  CHECK(message_of([&] {
          (void)model.plan();
        }).starts_with("costs.energy.tariff = (uncertain tariff level): the GPU and MPI engines"));
  auto fixed_level = j;
  fixed_level["costs"]["energy"]["tariff"]["level"] = 1.0;
  const auto ppa_only = tpw::io::model_of(tpw::io::scenario_from_json(fixed_level));
  CHECK(message_of([&] {
          (void)ppa_only.plan();
        }).starts_with("costs.energy.tariff = (a PPA on an uncertain load): the GPU and MPI"));
  // Without the PPA the price is the same at any load: an uncertain utilization runs exactly as
  // with that price given per kWh (0.10 + 144 / 8,760).
  auto no_ppa = fixed_level;
  no_ppa["costs"]["energy"]["tariff"].erase("ppa");
  auto priced = no_ppa;
  priced["costs"]["energy"] = {{"pue", 1.2}, {"price_per_kwh", 0.10 + 144.0 / 8760.0}};
  const auto a = tpw::io::to_json(tpw::io::run_study(tpw::io::scenario_from_json(no_ppa), o));
  const auto b = tpw::io::to_json(tpw::io::run_study(tpw::io::scenario_from_json(priced), o));
  for (const char* q : {"p5", "p50", "p95", "mean"}) {
    CAPTURE(q);
    CHECK(a["uncertainty"]["outputs"]["cost_per_mtok"][q].get<double>() ==
          Approx(b["uncertainty"]["outputs"]["cost_per_mtok"][q].get<double>()).epsilon(1e-12));
  }
  // A PPA's surplus sold above every cost, somewhere the samples reach, is refused before the
  // run: a 50 kW block at 0 to 100 USD/MWh whose spare energy sells at 0.05 per kWh (at the
  // medians the block costs 21,900 and its surplus fetches 18,221: a price above 0).
  auto surplus = j;
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "tpw_flat_surplus";
  std::filesystem::create_directories(folder);
  {
    std::ofstream csv(folder / "market.csv");
    csv << "price_per_mwh\n";
    for (int h = 0; h < 8760; ++h) csv << "50\n";
  }
  surplus["costs"]["energy"]["tariff"] = {
      {"market_csv", "market.csv"},
      {"ppa",
       {{"block_mw", 0.05},
        {"price_per_mwh", {{"dist", "uniform"}, {"low", 0}, {"high", 100}}},
        {"surplus", "sold"}}}};
  CHECK(message_of([&] {
          (void)tpw::io::model_of(tpw::io::scenario_from_json(surplus, folder));
        }).starts_with("costs.energy.tariff = (levels 1, 0, 0): on a flat load of 7.68 kW"));
  std::filesystem::remove_all(folder);
  // Beside a demand section the fleet's hourly load is planned once: its inputs stay numbers.
  auto with_demand = nlohmann::json::parse(demand_scenario);
  with_demand["deployment"]["it_power_kw"] = {{"dist", "uniform"}, {"low", 9}, {"high", 11}};
  with_demand["costs"]["energy"] = {{"pue", 1.2}, {"tariff", {{"price_per_kwh", 0.10}}}};
  CHECK(message_of([&] { (void)tpw::io::scenario_from_json(with_demand); })
            .starts_with("deployment.it_power_kw = (a distribution): cannot be uncertain beside "
                         "costs.energy.tariff and a demand section"));
}

TEST_CASE("a flat-load tariff in the cost model refuses a base price that is not its bill's") {
  namespace el = tpw::electricity;
  using tpw::cost_input;
  using tpw::extra_input;
  using tpw::USD;
  // One 8-accelerator system of 10 kW at utilization 0.5 (idle 10 kW: the power given is its
  // draw), PUE 1.2: 12 kW flat. 0.10 USD/kWh and 12 per kW-month: 0.1164384 per kWh.
  auto j = nlohmann::json::parse(demand_scenario);
  j.erase("demand");
  j["deployment"].erase("idle_power_kw");
  j["deployment"]["utilization"] = {{"dist", "uniform"}, {"low", 0.4}, {"high", 0.6}};
  const auto s = tpw::io::scenario_from_json(j);
  el::tariff<USD> t;
  t.time_of_use = {0.10 * units::usd / units::kWh};
  t.demand_charge = 1.0 * units::usd / units::kW;  // as written: the level is the charge
  tpw::extra_parameters e;
  e.flat_tariff = el::flat_load_of(t, 8.0);
  e[extra_input::demand_charge_level] = 12.0;
  auto base = s.base;
  base[cost_input::energy_price_per_kwh] = 0.1;
  CHECK(
      message_of([&] { (void)tpw::mc::cost_model<USD>(base, s.uncertain, e, {}); })
          .starts_with("costs.energy.price_per_kwh = 0.1: must be the tariff's effective price at "
                       "the base's flat load, 0.116438"));
  base[cost_input::energy_price_per_kwh] = 0.10 + 144.0 / 8760.0;
  CHECK_NOTHROW((void)tpw::mc::cost_model<USD>(base, s.uncertain, e, {}));
  // A PPA's price cannot be uncertain without a PPA.
  const tpw::mc::uncertain_extra ppa_price{extra_input::ppa_price_level,
                                           tpw::mc::distribution::uniform(40.0, 60.0)};
  CHECK(message_of([&] { (void)tpw::mc::cost_model<USD>(base, s.uncertain, e, {ppa_price}); })
            .starts_with(
                "costs.energy.tariff.ppa.price_per_mwh = \"uniform(low 40, high 60)\": needs a "
                "tariff with a PPA"));
  // Beside a demand's fleet priced by a tariff (its own hourly load), a flat load's is refused.
  cap::capacity_spec spec(cap::demand_profile::constant(5.0 * cap::per_second), streams_of(4, 2.0),
                          {1.0 * units::second, 0.05});
  spec.rule = cap::given_fleet{5, std::nullopt};
  const auto curve = std::make_shared<tpw::mc::demand_curve<USD>>(
      cap::fleet_on_scaled_demand<USD>(spec, cap::plan_capacity(spec),
                                       {20.0 * units::kW, 8.0 * units::kW, 1.2}, t),
      true);
  CHECK(
      message_of([&] { (void)tpw::mc::cost_model<USD>(base, s.uncertain, e, {}, nullptr, curve); })
          .starts_with("costs.energy.tariff = (flat_load_tariff): a demand's fleet priced by a "
                       "tariff has its own hourly load"));
}

TEST_CASE("a demand curve refuses tariff levels whose bill can fall below 0, before the run") {
  namespace el = tpw::electricity;
  using tpw::extra_input;
  using tpw::USD;
  // 5 given systems on 5 requests a second draw at most 5 x 20 x 1.2 = 120 kW; a PPA's 1 MW block
  // is mostly surplus, sold at 20 USD/MWh (at most 8,760 MWh x 20 = 175,200 back). The curve's
  // tariff has the block at 1 USD/MWh, so the PPA's level is its price per MWh.
  const cap::latency_target target{1.0 * units::second, 0.05};
  cap::capacity_spec spec(cap::demand_profile::constant(5.0 * cap::per_second), streams_of(4, 2.0),
                          target);
  spec.approximation = erlang;
  spec.rule = cap::given_fleet{5, std::nullopt};
  const auto plan = cap::plan_capacity(spec);
  const cap::system_power draw{20.0 * units::kW, 8.0 * units::kW, 1.2};
  el::tariff<USD> t;
  for (int h = 0; h < 8760; ++h) t.market.push_back(0.02 * units::usd / units::kWh);
  t.ppa = el::power_purchase_agreement<USD>{1.0 * units::MW, 1.0 * units::usd / units::MWh, true};
  const tpw::mc::demand_curve<USD> curve(cap::fleet_on_scaled_demand<USD>(spec, plan, draw, t),
                                         true);
  CHECK(curve.reads(extra_input::ppa_price_level));
  CHECK(curve.reads(extra_input::tariff_level));
  CHECK_FALSE(curve.reads(extra_input::power_cap));
  // At 50 to 60 USD/MWh the block costs 438,000 or more, above any surplus sold.
  tpw::extra_parameters low;
  low[extra_input::demand_scale] = 1.0;
  low[extra_input::ppa_price_level] = 50.0;
  tpw::extra_parameters high = low;
  high[extra_input::ppa_price_level] = 60.0;
  CHECK_NOTHROW(curve.require_box(low, high));
  // Down to 0 it pays nothing for the block and is paid for its surplus: refused by name.
  low[extra_input::ppa_price_level] = 0.0;
  CHECK(message_of([&] { curve.require_box(low, high); })
            .starts_with("costs.energy.tariff = (levels 1 1 0 on the prices per kWh, the demand "
                         "charge and the PPA's price): at 1 times the written demand the bill's "
                         "effective price is below 0"));
  // A curve priced by a tariff needs its fleet built with one; without a PPA it reads no PPA price.
  const cap::fleet_on_scaled_demand<USD> untariffed(spec, plan, draw);
  CHECK(message_of([&] {
          (void)tpw::mc::demand_curve<USD>(untariffed, true);
        }).starts_with("costs.energy.tariff = (none): a demand curve priced by a tariff"));
  el::tariff<USD> flat;
  flat.time_of_use = {0.08 * units::usd / units::kWh};
  const tpw::mc::demand_curve<USD> plain(cap::fleet_on_scaled_demand<USD>(spec, plan, draw, flat),
                                         true);
  CHECK_FALSE(plain.reads(extra_input::ppa_price_level));
  CHECK(plain.reads(extra_input::demand_charge_level));
  // A cost model on that curve refuses an uncertain PPA price by name.
  tpw::mc::cost_parameters p;
  p[tpw::cost_input::accelerators_per_system] = 8;
  p[tpw::cost_input::throughput_tok_s] = 1000;
  p[tpw::cost_input::it_power_kw] = 20;
  p[tpw::cost_input::utilization] = 0.5;
  p[tpw::cost_input::energy_price_per_kwh] = 0.08;
  p[tpw::cost_input::pue] = 1.2;
  tpw::extra_parameters e;
  e[extra_input::demand_scale] = 1.0;
  const auto model_with = [&](extra_input k) {
    return message_of([&] {
      (void)tpw::mc::cost_model<USD>(p, {}, e, {{k, tpw::mc::distribution::uniform(30.0, 60.0)}},
                                     nullptr,
                                     std::make_shared<const tpw::mc::demand_curve<USD>>(plain));
    });
  };
  CHECK(model_with(extra_input::ppa_price_level)
            .starts_with(
                "costs.energy.tariff.ppa.price_per_mwh = \"uniform(low 30, high 60)\": needs "
                "a demand section's fleet priced by a tariff (the PPA's price: a tariff "
                "with a PPA)"));
  CHECK(model_with(extra_input::demand_charge_level) == "(no error)");
}

namespace {
// A mix candidate of `streams` streams holding a request `seconds` each, drawing `kw` and costing
// `cost` a year.
cap::mix_candidate<tpw::USD> candidate(const char* name, long streams, double seconds, double kw,
                                       double cost) {
  return cap::mix_candidate<tpw::USD>{name, streams_of(streams, seconds), kw * units::kW,
                                      cost * units::usd};
}
}  // namespace

TEST_CASE("the least-cost mix of candidate platforms against brute force") {
  using tpw::USD;
  // Three platforms: 4 streams of 2 s (10 kW, 10 a year), 10 streams of 3 s (18 kW, 22), 2 streams
  // of 1 s (7 kW, 6).
  const std::vector<cap::mix_candidate<USD>> three{candidate("a", 4, 2.0, 10.0, 10.0),
                                                   candidate("b", 10, 3.0, 18.0, 22.0),
                                                   candidate("c", 2, 1.0, 7.0, 6.0)};
  for (double peak : {0.5, 3.0, 7.0, 11.5}) {
    for (const std::optional<tpw::power>& site :
         {std::optional<tpw::power>{}, std::optional(60.0 * units::kW),
          std::optional(25.0 * units::kW)}) {
      for (std::size_t k = 1; k <= 3; ++k) {
        CAPTURE(peak);
        CAPTURE(k);
        const std::vector<cap::mix_candidate<USD>> some(three.begin(), three.begin() + k);
        const cap::mix_spec spec{peak * cap::per_second, {1.0 * units::second, 0.05}, erlang, site};
        const auto fast = cap::least_cost_mix(some, spec);
        const auto brute = cap::least_cost_mix_brute_force(some, spec, 14);
        REQUIRE(fast.feasible == brute.feasible);
        if (!fast.feasible) {
          CHECK(fast.reason.find("no mix of the candidates meets") != std::string::npos);
          continue;
        }
        CHECK(fast.cost.value() == brute.cost.value());
        CHECK(fast.servable.value() >= peak);
        CHECK(fast.power_used.value() <= (site ? site->value() : 1e300));
        // The mix's pools each serve what the table says at the target.
        double served = 0.0;
        for (std::size_t i = 0; i < k; ++i) {
          served +=
              cap::servable_rate(fast.systems[i], some[i].service, spec.target, erlang).value();
        }
        CHECK(served == Approx(fast.servable.value()).epsilon(1e-12));
      }
    }
  }
  // At 7 requests a second without a site: by hand, "a" alone needs 5 systems (cost 50); the
  // cheapest mix costs less, and never more than a single platform's fleet.
  const cap::mix_spec seven{7.0 * cap::per_second, {1.0 * units::second, 0.05}, erlang, {}};
  const auto mix = cap::least_cost_mix(three, seven);
  for (const auto& c : three) {
    const long alone = cap::systems_for(seven.peak, c.service, seven.target, erlang);
    CHECK(mix.cost.value() <= static_cast<double>(alone) * c.cost_per_system_year.value());
  }
  CHECK(cap::systems_for(seven.peak, three[0].service, seven.target, erlang) == 5);
}

TEST_CASE("the least-cost mix with availability margins and each platform's own target") {
  using tpw::USD;
  // By hand: "a" (4 streams of 2 s, 10 kW, 10 a year) alone at 7 requests a second needs 5
  // systems up (above); with a quarter held spare it installs ceil(5 / 0.75) = ceil(6.67) = 7,
  // which cost 70 a year and draw 70 kW.
  auto a = candidate("a", 4, 2.0, 10.0, 10.0);
  a.margin = cap::spare_share{0.25};
  const cap::mix_spec seven{7.0 * cap::per_second, {1.0 * units::second, 0.05}, erlang, {}};
  const auto alone = cap::least_cost_mix(std::vector{a}, seven);
  REQUIRE(alone.feasible);
  CHECK(alone.systems == std::vector<long>{5});
  CHECK(alone.installed == std::vector<long>{7});
  CHECK(alone.cost.value() == 70.0);
  CHECK(alone.power_used.value() == Approx(70e3).epsilon(1e-12));
  // Under 65 kW six fit: 6 * 0.75 = 4.5, so 4 up, which do not serve 7 a second.
  const cap::mix_spec seven_65{seven.peak, seven.target, erlang, 65.0 * units::kW};
  CHECK_FALSE(cap::least_cost_mix(std::vector{a}, seven_65).feasible);
  // Its own target (a wait of 0.5 s at most 5% of the time) in place of the mix's: as systems_for
  // says with that target.
  auto strict = a;
  strict.target = cap::latency_target{0.5 * units::second, 0.05};
  const auto own = cap::least_cost_mix(std::vector{strict}, seven);
  CHECK(own.systems.front() == cap::systems_for(seven.peak, a.service, *strict.target, erlang));
  CHECK(own.installed.front() == cap::installed_for(own.systems.front(), *a.margin));

  // Against brute force: margins by failures and repair, a spare share, one platform with its own
  // target, with and without a site.
  auto b = candidate("b", 10, 3.0, 18.0, 22.0);
  b.margin = cap::failure_repair{700.0 * units::h, 24.0 * units::h};
  auto c = candidate("c", 2, 1.0, 7.0, 6.0);
  c.target = cap::latency_target{0.2 * units::second, 0.1};
  const std::vector<cap::mix_candidate<USD>> three{a, b, c};
  for (double peak : {0.5, 3.0, 7.0, 11.5}) {
    for (const std::optional<tpw::power>& site :
         {std::optional<tpw::power>{}, std::optional(80.0 * units::kW),
          std::optional(30.0 * units::kW)}) {
      CAPTURE(peak);
      const cap::mix_spec spec{peak * cap::per_second, {1.0 * units::second, 0.05}, erlang, site};
      const auto fast = cap::least_cost_mix(three, spec);
      const auto brute = cap::least_cost_mix_brute_force(three, spec, 14);
      REQUIRE(fast.feasible == brute.feasible);
      if (!fast.feasible) continue;
      CHECK(fast.cost.value() == brute.cost.value());
      double cost = 0.0;
      double drawn = 0.0;
      double served = 0.0;
      for (std::size_t i = 0; i < three.size(); ++i) {
        const long m = three[i].margin ? cap::installed_for(fast.systems[i], *three[i].margin)
                                       : fast.systems[i];
        CHECK(fast.installed[i] == m);
        cost += static_cast<double>(m) * three[i].cost_per_system_year.value();
        drawn += static_cast<double>(m) * three[i].facility_power_per_system.value();
        served += cap::servable_rate(fast.systems[i], three[i].service,
                                     three[i].target ? *three[i].target : spec.target, erlang)
                      .value();
      }
      CHECK(cost == Approx(fast.cost.value()).epsilon(1e-12));
      CHECK(drawn <= (site ? site->value() * (1.0 + 1e-12) : 1e300));
      CHECK(served >= peak);
    }
  }
}
