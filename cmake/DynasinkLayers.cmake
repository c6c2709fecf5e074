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

# One test executable per *_test.cc file in a folder, each run by ctest as one test named
# <prefix>_<file stem>. One file per executable keeps a broken file from blocking other tests.
function(dynasink_test_dir prefix)
  cmake_parse_arguments(T "" "DIR;LABEL;TIMEOUT" "DEPS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS ${T_DIR}/*_test.cc)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  foreach(src ${_srcs})
    get_filename_component(_stem ${src} NAME_WE)
    set(_name ${prefix}_${_stem})
    add_executable(${_name} ${src})
    target_link_libraries(${_name} PRIVATE ${T_DEPS} ds_testsupport GTest::gtest GTest::gmock GTest::gtest_main)
    add_test(NAME ${_name} COMMAND ${_name})
    set_tests_properties(${_name} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
      ENVIRONMENT "DYNASINK_SOURCE_DIR=${CMAKE_SOURCE_DIR};DYNASINK_BINARY_DIR=${CMAKE_BINARY_DIR}")
  endforeach()
endfunction()
