// The core model is cheap to include: it pulls in neither Eigen, nor a JSON library, nor Boost's
// unit printing, nor iostreams.
#include <tpw/model.hpp>

#ifdef EIGEN_WORLD_VERSION
#error "tpw/model.hpp must not include Eigen"
#endif
#ifdef NLOHMANN_JSON_VERSION_MAJOR
#error "tpw/model.hpp must not include nlohmann/json"
#endif
#ifdef BOOST_UNITS_IO_HPP
#error "tpw/model.hpp must not include Boost.Units' printing (boost/units/io.hpp)"
#endif
#ifdef _GLIBCXX_IOSTREAM
#error "tpw/model.hpp must not include <iostream>"
#endif
