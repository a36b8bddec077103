// Study 1: GB300 NVL72 vs H200 on DeepSeek-R1, from the published inputs: NVIDIA's "35x lower cost
// per Mtok" and "up to 50x more tokens per MW" (2026-04), and which input each claim depends on.
#include <cstdio>

#include "study.hpp"

using namespace tpw::literals;
using namespace study;

namespace {
constexpr auto vintage = tpw::inferencex_vintage::v2025;

struct side {
  const tpw::platform& platform;
  tpw::token_rate throughput;
};

tpw::economics<USD> evaluate(const side& s, tpw::inferencex_tier tier) {
  // The claim was made with the 2025 vintage's constants (PUE 1: its all-in power holds the
  // facility).
  const tpw::deployment gpu(
      tpw::inferencex_deployment(s.platform, s.throughput, tpw::fraction{1.0}, vintage));
  return tpw::evaluate(gpu, tpw::inferencex_hourly_cost(s.platform, tier, vintage));
}

struct claim {
  double cost_ratio;     // H200 cost per Mtok / GB300 cost per Mtok
  double density_ratio;  // GB300 tok/s per MW / H200 tok/s per MW
};

claim compare(const side& h200, const side& gb300, tpw::inferencex_tier tier) {
  const auto old_gpu = evaluate(h200, tpw::inferencex_tier::hyperscaler);
  const auto new_gpu = evaluate(gb300, tier);
  return {old_gpu.cost_per_token.total / new_gpu.cost_per_token.total,
          new_gpu.tokens_per_s_per_power / old_gpu.tokens_per_s_per_power};
}
}  // namespace

int main() {
  title(
      "Study 1: GB300 NVL72 vs H200 on DeepSeek-R1 (NVIDIA, 2026-04: 35x cost, up to 50x per MW)");
  const auto& h200 = tpw::find_platform("h200");
  const auto& gb300 = tpw::find_platform("gb300-nvl72");
  const side old_gpu{h200, 90.0_tok_per_s};
  const side new_gpu{gb300, 6000.0_tok_per_s};

  section("Assumptions");
  assume("H200 throughput", "90 tok/s/GPU", "NVIDIA claim inputs, 2026-04 [measured]");
  assume("GB300 throughput", "6,000 tok/s/GPU",
         "NVIDIA claim inputs (FP4 + MTP), 2026-04 [measured]");
  assume("H200 hourly cost (hyperscaler)", h200.inferencex_2025->hourly_owned);
  assume("GB300 hourly cost (hyperscaler)", gb300.inferencex_2025->hourly_owned);
  assume("H200 all-in power", h200.inferencex_2025->all_in_power);
  assume("GB300 all-in power", gb300.inferencex_2025->all_in_power);
  std::printf(
      "  Utilization 100%% and PUE 1 (the all-in kW carries the facility), as InferenceX.\n");

  section("Results");
  const auto a = evaluate(old_gpu, tpw::inferencex_tier::hyperscaler);
  const auto b = evaluate(new_gpu, tpw::inferencex_tier::hyperscaler);
  std::printf("  %-14s %14s %16s %10s\n", "platform", "cost/Mtok", "tok/s per MW", "J/tok");
  for (const auto* e : {&a, &b}) {
    std::printf("  %-14s %14s %16s %10s\n", e == &a ? "H200" : "GB300 NVL72",
                per_mtok(e->cost_per_token.total).c_str(),
                num(tok_s_per_mw(e->tokens_per_s_per_power)).c_str(),
                num(tpw::in(e->joules_per_token, units::J / units::tok)).c_str());
  }
  const claim base = compare(old_gpu, new_gpu, tpw::inferencex_tier::hyperscaler);
  std::printf(
      "  Lower cost per Mtok: %s (claimed 35x). More tok/s per MW: %s (claimed up to 50x).\n",
      ratio(base.cost_ratio).c_str(), ratio(base.density_ratio).c_str());

  section("What each claim depends on");
  const double throughput_ratio = 6000.0 / 90.0;
  std::printf(
      "  cost ratio    = throughput ratio %s x hourly cost ratio %s / %s = %s\n",
      ratio(throughput_ratio).c_str(), num(h200.inferencex_2025->hourly_owned.value, 4).c_str(),
      num(gb300.inferencex_2025->hourly_owned.value, 4).c_str(), ratio(base.cost_ratio).c_str());
  std::printf(
      "  density ratio = throughput ratio %s x all-in power ratio %s / %s = %s\n",
      ratio(throughput_ratio).c_str(), num(h200.inferencex_2025->all_in_power.value).c_str(),
      num(gb300.inferencex_2025->all_in_power.value).c_str(), ratio(base.density_ratio).c_str());
  std::printf("  Each input moved by -20%% / +20%% (the other inputs as above):\n");
  std::printf("  %-30s %18s %18s\n", "input", "cost ratio", "density ratio");
  const auto row = [&](const char* input, const side& o_lo, const side& n_lo, const side& o_hi,
                       const side& n_hi) {
    const claim lo = compare(o_lo, n_lo, tpw::inferencex_tier::hyperscaler);
    const claim hi = compare(o_hi, n_hi, tpw::inferencex_tier::hyperscaler);
    std::printf("  %-30s %8s .. %-7s %8s .. %-7s\n", input, ratio(lo.cost_ratio).c_str(),
                ratio(hi.cost_ratio).c_str(), ratio(lo.density_ratio).c_str(),
                ratio(hi.density_ratio).c_str());
  };
  row("H200 throughput", {h200, 72.0_tok_per_s}, new_gpu, {h200, 108.0_tok_per_s}, new_gpu);
  row("GB300 throughput", old_gpu, {gb300, 4800.0_tok_per_s}, old_gpu, {gb300, 7200.0_tok_per_s});
  // The hourly cost and the all-in power enter one ratio each; overriding them in a copy of the
  // catalog entry shows it.
  const auto with = [&](tpw::figure tpw::inferencex_set::*field, double factor) {
    tpw::platform copy = gb300;
    tpw::figure& f = (*copy.inferencex_2025).*field;
    f = f.overridden(f.value * factor, "scaled");
    return copy;
  };
  const auto cheap = with(&tpw::inferencex_set::hourly_owned, 0.8);
  const auto dear = with(&tpw::inferencex_set::hourly_owned, 1.2);
  row("GB300 hourly cost", old_gpu, {cheap, new_gpu.throughput}, old_gpu,
      {dear, new_gpu.throughput});
  const auto lean = with(&tpw::inferencex_set::all_in_power, 0.8);
  const auto hungry = with(&tpw::inferencex_set::all_in_power, 1.2);
  row("GB300 all-in power", old_gpu, {lean, new_gpu.throughput}, old_gpu,
      {hungry, new_gpu.throughput});
  std::printf(
      "  The cost claim does not depend on power, the per-MW claim not on cost; both scale\n"
      "  one for one with the throughput ratio, the input least pinned down (different\n"
      "  precision and speculative decoding on the two sides).\n");

  section("Other cost tiers for GB300 (H200 stays hyperscaler)");
  for (const auto tier : {tpw::inferencex_tier::neocloud, tpw::inferencex_tier::rental}) {
    const claim c = compare(old_gpu, new_gpu, tier);
    std::printf("  %-12s GB300 at %s USD/h: %s lower cost per Mtok\n",
                tier == tpw::inferencex_tier::neocloud ? "neocloud" : "3-yr rental",
                num(tpw::hourly_cost_figure(gb300, tier, vintage).value, 4).c_str(),
                ratio(c.cost_ratio).c_str());
  }
  // What H200 throughput would bring the claim down to 10x: the ratio scales as 1 / T_H200.
  std::printf("  For a 10x cost claim instead of %s, H200 would need %s tok/s/GPU.\n",
              ratio(base.cost_ratio).c_str(), num(90.0 * base.cost_ratio / 10.0).c_str());
  return 0;
}
