# The consumer's programs, one for each exported target it has, built with the strict warnings a
# consumer's -Werror build uses, and run by the consumer's own CTest (the outer test runs it).
include(CheckCXXCompilerFlag)
set(strict_warnings)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set(strict_warnings -Wall -Wextra -Wpedantic -Wshadow -Werror)
endif()
enable_testing()
function(consumer_program name source target expected)
  add_executable(${name} ${CMAKE_CURRENT_LIST_DIR}/${source})
  target_link_libraries(${name} PRIVATE ${target})
  target_compile_options(${name} PRIVATE ${strict_warnings})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "${expected}")
endfunction()

# The README's rack: hardware, facility, energy and opex give 0.196 USD per Mtok.
consumer_program(consumer consumer.cpp tpw::tpw "consumer: 0.196 USD/Mtok")
if(TARGET tpw::mc)
  consumer_program(consumer_mc consumer_mc.cpp tpw::mc "consumer_mc: P50 NPV [-0-9.]+ M USD")
  # The fast path as docs/monte-carlo.md advises it: tpw::mc_fast and -march=native.
  consumer_program(consumer_mc_fast consumer_mc.cpp tpw::mc_fast
                   "consumer_mc: P50 NPV [-0-9.]+ M USD")
  check_cxx_compiler_flag(-march=native consumer_has_march_native)
  if(consumer_has_march_native)
    target_compile_options(consumer_mc_fast PRIVATE -march=native)
  endif()
  # A fleet sized to demand under an uncertain tariff (docs/capacity.md's library section).
  consumer_program(consumer_demand consumer_demand.cpp tpw::mc
                   "consumer_demand: P50 0\\.[0-9]+ USD/Mtok")
endif()
# The docs' worked example (examples/library/deal_pricer.cpp), as a user copies it.
set(TPW_EXAMPLES_DIR "" CACHE PATH "tpw's examples/ folder")
if(TARGET tpw::mc AND TPW_EXAMPLES_DIR)
  add_executable(deal_pricer ${TPW_EXAMPLES_DIR}/library/deal_pricer.cpp)
  target_link_libraries(deal_pricer PRIVATE tpw::mc)
  target_compile_options(deal_pricer PRIVATE ${strict_warnings})
  add_test(NAME deal_pricer COMMAND deal_pricer)
  set_tests_properties(deal_pricer PROPERTIES PASS_REGULAR_EXPRESSION "reserved +[0-9.]+")
endif()
if(TARGET tpw::io)
  consumer_program(consumer_io consumer_io.cpp tpw::io "consumer_io: 0.196 USD/Mtok")
endif()
