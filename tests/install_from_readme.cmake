# Runs the README's Install commands verbatim (the first ```sh block after "## Install") in a
# scratch folder WORK, as a new user would: tpw's source tree as ./tpw, HOME inside WORK. Then
# checks that the package landed where the README says, and that `cmake --install` after a plain
# configure (every option at its default, nothing built) works too.
#   cmake -DREADME=... -DSOURCE_DIR=... -DWORK=... -P install_from_readme.cmake
file(READ ${README} readme)
string(FIND "${readme}" "\n## Install" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} has no \"## Install\" section")
endif()
string(SUBSTRING "${readme}" ${at} -1 section)
string(FIND "${section}" "```sh\n" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "the Install section of ${README} has no ```sh block")
endif()
math(EXPR begin "${begin} + 6")
string(SUBSTRING "${section}" ${begin} -1 section)
string(FIND "${section}" "```" end)
string(SUBSTRING "${section}" 0 ${end} commands)

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/home)
file(CREATE_LINK ${SOURCE_DIR} ${WORK}/tpw SYMBOLIC)
file(WRITE ${WORK}/install.sh "set -eu\n${commands}")
message(STATUS "The README's commands:\n${commands}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env HOME=${WORK}/home bash ${WORK}/install.sh
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the README's Install commands failed (exit ${rc})")
endif()
foreach(file share/cmake/tpw/tpwConfig.cmake include/tpw/tpw.hpp include/tpw/mc/project_model.hpp)
  if(NOT EXISTS ${WORK}/home/.local/${file})
    message(FATAL_ERROR "the README's install did not put ${file} in $HOME/.local")
  endif()
endforeach()

# A plain configure, then install with nothing built: the headers and the package, no error.
execute_process(COMMAND ${CMAKE_COMMAND} -S tpw -B plain-build WORKING_DIRECTORY ${WORK}
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a plain configure of tpw failed (exit ${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install plain-build --prefix plain-prefix
                WORKING_DIRECTORY ${WORK} OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/plain-prefix/share/cmake/tpw/tpwConfig.cmake)
  message(FATAL_ERROR "cmake --install after a plain configure failed (exit ${rc})")
endif()
message(STATUS "installed as the README says, and after a plain configure")
