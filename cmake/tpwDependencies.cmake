# Dependencies of the tpw target. Kept in one place so that tpwConfig.cmake asks for the same.
find_package(Boost 1.74 CONFIG QUIET)
if(NOT Boost_FOUND)
  find_package(Boost 1.74 REQUIRED)  # FindBoost, for Boost installs without a CMake package
endif()
# The Monte Carlo layer (tpw/mc/...) also needs Eigen 3.4 (the copula's Cholesky, regression).
# Optional: without it, tpw::tpw (the core) is still built and installed, and tpw::mc is not.
# tpw's own examples and tests need it.
find_package(Eigen3 3.4 QUIET NO_MODULE)
if(NOT Eigen3_FOUND AND (TPW_BUILD_EXAMPLES OR TPW_BUILD_TESTS))
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
endif()
# The io layer (tpw/io/...: scenario files, JSON reports) needs nlohmann-json; tpw-whatif and the
# tests need the io layer, so a top-level build requires it (Debian: nlohmann-json3-dev).
find_package(nlohmann_json 3.10 QUIET)
