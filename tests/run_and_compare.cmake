# Runs PROGRAM (through LAUNCHER, e.g. mpirun -np 2, and with ARGS when given) and fails unless it
# exits 0 and prints exactly the contents of EXPECTED.
separate_arguments(arguments UNIX_COMMAND "${ARGS}")  # ARGS: one space-separated string
execute_process(COMMAND ${LAUNCHER} ${PROGRAM} ${arguments} OUTPUT_VARIABLE actual ERROR_VARIABLE errors
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}\n${errors}")
endif()
file(READ ${EXPECTED} expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "${PROGRAM} printed:\n${actual}\nbut ${EXPECTED} says:\n${expected}")
endif()
