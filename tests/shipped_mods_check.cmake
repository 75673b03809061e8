# Runs `hegemon mod check` on every mods/*.sql (except schema.sql), each alone,
# so a shipped mod that stops being valid (a renamed tuning value, a schema
# change) fails CI. New mods in mods/ are picked up without editing this.
#   cmake -DHEGEMON=<binary> -DMODS_DIR=<mods/> -P shipped_mods_check.cmake
file(GLOB mods LIST_DIRECTORIES false "${MODS_DIR}/*.sql")
list(FILTER mods EXCLUDE REGEX "/schema\\.sql$")
list(LENGTH mods count)
if(count EQUAL 0)
  message(FATAL_ERROR "no mods/*.sql found in ${MODS_DIR}")
endif()
foreach(mod IN LISTS mods)
  execute_process(COMMAND ${HEGEMON} mod check ${mod} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "hegemon mod check ${mod} failed (exit ${rc})")
  endif()
endforeach()
