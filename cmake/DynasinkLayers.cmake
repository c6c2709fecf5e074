# One static library per layer of ARCHITECTURE.md. Sources are globbed so that adding a file to a
# layer needs no CMake edit; the dependency list is the layer graph, and scripts/check-layers keeps
# the #include graph honest against it.
function(dynasink_layer name)
  cmake_parse_arguments(L "" "DIR" "DEPS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${L_DIR}/*.cc)
  list(FILTER _srcs EXCLUDE REGEX "/main\\.cc$")
  if(_srcs)
    add_library(${name} STATIC ${_srcs})
    target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${name} PUBLIC ${L_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${L_DEPS})
  endif()
endfunction()

# A test executable from every *_test.cc in a folder, run by ctest as one test.
function(dynasink_test_dir name)
  cmake_parse_arguments(T "" "DIR;LABEL;TIMEOUT" "DEPS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS ${T_DIR}/*_test.cc)
  if(NOT _srcs)
    return()
  endif()
  add_executable(${name} ${_srcs})
  target_link_libraries(${name} PRIVATE ${T_DEPS} ds_testsupport GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "DYNASINK_SOURCE_DIR=${CMAKE_SOURCE_DIR};DYNASINK_BINARY_DIR=${CMAKE_BINARY_DIR}")
endfunction()
