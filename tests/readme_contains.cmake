# Fails unless README contains SOURCE verbatim, so the README's example is the one the tests run.
file(READ ${README} readme)
file(READ ${SOURCE} source)
string(FIND "${readme}" "${source}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} does not contain ${SOURCE} verbatim: paste it into the README")
endif()
