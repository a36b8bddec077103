# Dependencies of the tpw target. Kept in one place so that tpwConfig.cmake asks for the same.
find_package(Boost 1.74 CONFIG QUIET)
if(NOT Boost_FOUND)
  find_package(Boost 1.74 REQUIRED)  # FindBoost, for Boost installs without a CMake package
endif()
