# wasm32-wasi only: core modules and the components made from them.
#
# The export and import glue are compiled into each module directly, not through a static
# library: their functions are reached only through export names, so a linker pulling objects out
# of an archive would leave them behind.
find_program(NODE node REQUIRED)
# Every component is checked by wasm-tools' validator before it takes its name (tools/install-deps.sh
# installs the pinned CLI).
set(KV_WASM_TOOLS ${CMAKE_SOURCE_DIR}/.tools/bin/wasm-tools)
set(KV_COMPONENTIZE ${CMAKE_SOURCE_DIR}/tools/componentize.mjs)
file(GLOB_RECURSE KV_WIT_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/wit/*.wit)
set(KV_COMPONENT_DIR ${CMAKE_BINARY_DIR}/components)

# What the core modules say built them (their `producers` section, tools/componentize.mjs): our
# C++20, clang, our bindings and engine, and the wasi-libc linked in (C, built by Debian).
execute_process(COMMAND dpkg-query -W -f=\${Version} wasi-libc
                OUTPUT_VARIABLE KV_WASI_LIBC_VERSION ERROR_QUIET)
set(KV_PRODUCERS
    --producer language=C_plus_plus_20@ --producer language=C11@
    --producer processed-by=clang@${CMAKE_CXX_COMPILER_VERSION}
    --producer sdk=wasi-keyvalue-cpp@${PROJECT_VERSION})
if(KV_WASI_LIBC_VERSION)
  list(APPEND KV_PRODUCERS --producer sdk=wasi-libc@${KV_WASI_LIBC_VERSION})
endif()

# kv_component(NAME WORLD ADAPTER SOURCES...): builds NAME.core.wasm, then NAME.wasm, a component
# of WORLD (from wit/) with the preview1 ADAPTER (reactor, command, or none). Commands use the
# reactor adapter and export wasi:cli/run themselves (src/bindings/cli_run.cc says why).
function(kv_component name world adapter)
  add_executable(${name}-core ${ARGN} ${CMAKE_SOURCE_DIR}/src/abi/heap_growth.cc)
  set_target_properties(${name}-core PROPERTIES OUTPUT_NAME ${name}.core SUFFIX .wasm)
  target_link_libraries(${name}-core PRIVATE kv_engine)
  # libc++ from Debian carries DWARF; components ship without it (the name section stays).
  target_link_options(${name}-core PRIVATE -Wl,--strip-debug)
  if(adapter STREQUAL "command")
    set(adapter_args --adapter command)
  else()
    target_link_options(${name}-core PRIVATE -mexec-model=reactor)
    if(adapter STREQUAL "reactor")
      set(adapter_args --adapter reactor)
    else()
      set(adapter_args)
    endif()
  endif()
  set(out ${KV_COMPONENT_DIR}/${name}.wasm)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${KV_COMPONENT_DIR}
    COMMAND ${NODE} ${KV_COMPONENTIZE} --wit ${CMAKE_SOURCE_DIR}/wit --world ${world}
            ${adapter_args} ${KV_PRODUCERS} $<TARGET_FILE:${name}-core> -o ${out}.unchecked
    COMMAND ${KV_WASM_TOOLS} validate ${out}.unchecked
    COMMAND ${CMAKE_COMMAND} -E rename ${out}.unchecked ${out}
    DEPENDS ${name}-core ${KV_COMPONENTIZE} ${KV_WIT_FILES}
    COMMENT "Componentizing ${name}.wasm (world ${world}), validated by wasm-tools"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
endfunction()

kv_component(kv-memory provider none
  components/kv-memory/provider.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_exports.cc
  src/abi/guest.cc
  src/abi/no_stdio.cc)
target_link_libraries(kv-memory-core PRIVATE kv_memory)

kv_component(kv-file provider reactor
  components/kv-file/provider.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_exports.cc
  src/abi/guest.cc)
target_link_libraries(kv-file-core PRIVATE kv_file)

# The middleware: the export glue over the import glue (components/kv-prefix).
kv_component(kv-prefix middleware none
  components/kv-prefix/provider.cc
  components/kv-prefix/imported_store.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_exports.cc
  src/bindings/keyvalue_imports.cc
  src/bindings/keyvalue_imports_draft.cc
  src/bindings/keyvalue_imports_draft2.cc
  src/bindings/wasi_environment.cc
  src/abi/guest.cc
  src/abi/no_stdio.cc)

kv_component(kv_demo consumer reactor
  components/kv_demo/main.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_imports.cc
  src/bindings/keyvalue_imports_draft.cc
  src/bindings/cli_run.cc
  src/abi/guest.cc)

kv_component(kv_demo_draft2 consumer-draft2 reactor
  components/kv_demo/main.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_imports.cc
  src/bindings/keyvalue_imports_draft2.cc
  src/bindings/cli_run.cc
  src/abi/guest.cc)
target_compile_definitions(kv_demo_draft2-core PRIVATE KV_DEMO_DRAFT2)

kv_component(kv_conformance conformance reactor
  components/kv_conformance/main.cc
  components/kv_conformance/cases.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_imports.cc
  src/bindings/keyvalue_imports_draft.cc
  src/bindings/keyvalue_imports_draft2.cc
  src/bindings/cli_run.cc
  src/abi/guest.cc)
target_include_directories(kv_conformance-core PRIVATE ${CMAKE_SOURCE_DIR}/components)

kv_component(kv_bench consumer reactor
  components/kv_bench/main.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_imports.cc
  src/bindings/keyvalue_imports_draft.cc
  src/bindings/cli_run.cc
  src/abi/guest.cc)

# kv-redis imports its WASI interfaces itself: no adapter.
kv_component(kv-redis redis-provider none
  components/kv-redis/provider.cc
  src/bindings/keyvalue_errors.cc
  src/bindings/keyvalue_exports.cc
  src/bindings/wasi_environment.cc
  src/redis/wasi_transport.cc
  src/abi/guest.cc
  src/abi/no_stdio.cc)
target_link_libraries(kv-redis-core PRIVATE kv_redis)

# `make install`: the providers, the middleware and the WIT they export, for another project's
# compositions (CMakeLists.txt installs the rest).
foreach(provider kv-memory kv-file kv-redis kv-prefix)
  install(FILES ${KV_COMPONENT_DIR}/${provider}.wasm DESTINATION ${KV_SHARE_DIR}/components)
endforeach()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/wit/ DESTINATION ${KV_SHARE_DIR}/wit)
