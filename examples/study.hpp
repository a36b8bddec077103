// examples/study.hpp: what every study prints the same way: a title, its assumptions with their
// sources, and figures in the units the trade press uses.
#pragma once

#include <cstdio>
#include <string>

#include <tpw/tpw.hpp>

namespace study {

namespace units = tpw::units;
using tpw::USD;

inline void title(const char* text) {
  std::printf("%s\n", text);
  for (const char* c = text; *c != '\0'; ++c) std::putchar('=');
  std::printf("\n");
}
inline void section(const char* text) {
  std::printf("\n%s\n", text);
}
// One assumption: what it is, its value, and where it comes from.
inline void assume(const char* what, const std::string& value, const char* source) {
  std::printf("  %-34s %-22s %s\n", what, value.c_str(), source);
}
// One catalog figure, with its provenance as the catalog holds it.
inline void assume(const char* what, const tpw::figure& f) {
  const std::string value = tpw::format_number(f.value, 4) + " " + std::string(f.unit);
  std::string source(f.source);
  if (!f.date.empty()) source.append(", ").append(f.date);
  source.append(" [").append(tpw::label_name(f.label)).append("]");
  assume(what, value, source.c_str());
}

inline std::string num(double v, int significant = 3) {
  return tpw::format_number(v, significant);
}
inline double usd_per_mtok(tpw::token_price<USD> p) {
  return tpw::in(p, units::usd / units::Mtok);
}
inline std::string per_mtok(tpw::token_price<USD> p) {
  return tpw::format(p, tpw::display::per_mtok<USD>());
}
inline double tok_s_per_mw(tpw::throughput_density d) {
  return tpw::in(d, units::tok / units::second / units::MW);
}
inline double tok_per_joule(tpw::tokens_per_energy t) {
  return tpw::in(t, units::tok / units::J);
}
inline std::string ratio(double x) {
  return tpw::format_number(x, 3) + "x";
}

}  // namespace study
