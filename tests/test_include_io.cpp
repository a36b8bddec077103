// Reading a scenario and writing a report of its point figures is cheap to include: it pulls in
// neither Eigen nor the Monte Carlo engine (running a study with uncertain inputs is
// tpw/io/study.hpp, on top).
#include <tpw/io/report.hpp>
#include <tpw/io/scenario.hpp>

#ifdef EIGEN_WORLD_VERSION
#error "tpw/io/scenario.hpp and tpw/io/report.hpp must not include Eigen"
#endif
#ifdef TPW_MC_ENGINE_INCLUDED
#error "tpw/io/scenario.hpp and tpw/io/report.hpp must not include the Monte Carlo engine"
#endif
