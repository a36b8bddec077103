# Install rules and the CMake package: find_package(tpw CONFIG REQUIRED) gives tpw::tpw, which
# needs only Boost; tpw::mc (the Monte Carlo layer) where the consumer has Eigen, and the layers on
# top of it (tpw::io, tpw::mpi) where it also has their libraries.
include(CMakePackageConfigHelpers)

install(TARGETS tpw EXPORT tpwTargets)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tpw TYPE INCLUDE)

set(tpw_cmake_dir ${CMAKE_INSTALL_DATADIR}/cmake/tpw)
install(EXPORT tpwTargets NAMESPACE tpw:: DESTINATION ${tpw_cmake_dir})
if(TARGET tpw_mc)  # tpw::mc (and tpw::mc_fast), for consumers with Eigen
  install(TARGETS tpw_mc tpw_mc_fast EXPORT tpwMcTargets)
  install(EXPORT tpwMcTargets NAMESPACE tpw:: DESTINATION ${tpw_cmake_dir})
endif()
if(TARGET tpw_cuda)  # tpw::cuda, for consumers with the CUDA toolkit
  install(TARGETS tpw_cuda EXPORT tpwCudaTargets)
  install(EXPORT tpwCudaTargets NAMESPACE tpw:: DESTINATION ${tpw_cmake_dir})
endif()

if(TARGET tpw_io)  # tpw::io, for consumers with nlohmann-json
  install(TARGETS tpw_io EXPORT tpwIoTargets)
  install(EXPORT tpwIoTargets NAMESPACE tpw:: DESTINATION ${tpw_cmake_dir})
endif()
if(TARGET tpw_mpi)  # tpw::mpi, for consumers with MPI
  install(TARGETS tpw_mpi EXPORT tpwMpiTargets)
  install(EXPORT tpwMpiTargets NAMESPACE tpw:: DESTINATION ${tpw_cmake_dir})
endif()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tpwConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tpwConfig.cmake
                              INSTALL_DESTINATION ${tpw_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tpwConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/tpwConfig.cmake ${PROJECT_BINARY_DIR}/tpwConfigVersion.cmake
        DESTINATION ${tpw_cmake_dir})
