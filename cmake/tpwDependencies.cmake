# Dependencies of the tpw target. Kept in one place so that tpwConfig.cmake asks for the same.
find_package(Boost 1.74 CONFIG QUIET)
if(NOT Boost_FOUND)
  find_package(Boost 1.74 REQUIRED)  # FindBoost, for Boost installs without a CMake package
endif()
# The Monte Carlo layer (tpw/mc/...) also needs Eigen 3.4 (the copula's Cholesky, regression).
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
# The io layer (tpw/io/...: scenario files, JSON reports) needs nlohmann-json; tpw-whatif and the
# tests need the io layer, so a top-level build requires it (Debian: nlohmann-json3-dev).
find_package(nlohmann_json 3.10 QUIET)
