# Third-party libraries, built from the Debian source packages that cmake/deps.sh
# fetched and verified. None of their sources are in git.
#
#   lk_mbedtls  every mbedTLS library file; the board's mbedtls_config.h decides what
#               is compiled in (MBEDTLS_CONFIG_FILE).
#   lk_mxml     Mini-XML 3.3.1 with cmake/mxml/config.h (no pthreads, our allocator).
#   lwIP        file lists from lwIP's own Filelists.cmake; targets are made per board.

set(LK_DEPS_DIR "${PROJECT_SOURCE_DIR}/.deps" CACHE PATH "dependency cache")
if(NOT EXISTS "${LK_DEPS_DIR}/src/.stamp")
    message(STATUS "fetching dependencies into ${LK_DEPS_DIR}")
endif()
execute_process(COMMAND sh "${PROJECT_SOURCE_DIR}/cmake/deps.sh" "${LK_DEPS_DIR}"
                RESULT_VARIABLE lk_deps_rc)
if(NOT lk_deps_rc EQUAL 0)
    message(FATAL_ERROR "cmake/deps.sh failed (${lk_deps_rc})")
endif()
set(LK_MBEDTLS_DIR "${LK_DEPS_DIR}/src/mbedtls")
set(LK_MXML_DIR "${LK_DEPS_DIR}/src/mxml")
set(LWIP_DIR "${LK_DEPS_DIR}/src/lwip")

# ---- mbedTLS ---------------------------------------------------------------
file(GLOB lk_mbedtls_srcs "${LK_MBEDTLS_DIR}/library/*.c")
add_library(lk_mbedtls STATIC ${lk_mbedtls_srcs})
target_include_directories(lk_mbedtls SYSTEM PUBLIC
    "${LK_MBEDTLS_DIR}/include" "${PROJECT_SOURCE_DIR}/cmake/mbedtls")
target_include_directories(lk_mbedtls PRIVATE "${LK_MBEDTLS_DIR}/library")
# Absolute path: a bare "mbedtls_config.h" would find mbedTLS's own default first.
target_compile_definitions(lk_mbedtls PUBLIC MBEDTLS_CONFIG_FILE="${LK_BOARD_DIR}/mbedtls_config.h")
# TLS 1.3 (LK_TLS13) switches on mbedTLS options in cmake/mbedtls/lk_mbedtls_common.h.
target_compile_definitions(lk_mbedtls PUBLIC LK_TLS13=$<BOOL:${LK_TLS13}>)
target_compile_options(lk_mbedtls PRIVATE -w)

# ---- Mini-XML --------------------------------------------------------------
add_library(lk_mxml STATIC
    ${LK_MXML_DIR}/mxml-attr.c ${LK_MXML_DIR}/mxml-entity.c ${LK_MXML_DIR}/mxml-file.c
    ${LK_MXML_DIR}/mxml-get.c ${LK_MXML_DIR}/mxml-index.c ${LK_MXML_DIR}/mxml-node.c
    ${LK_MXML_DIR}/mxml-private.c ${LK_MXML_DIR}/mxml-search.c ${LK_MXML_DIR}/mxml-set.c
    ${LK_MXML_DIR}/mxml-string.c)
target_include_directories(lk_mxml BEFORE PRIVATE "${PROJECT_SOURCE_DIR}/cmake/mxml")
target_include_directories(lk_mxml SYSTEM PUBLIC "${LK_MXML_DIR}")
# newlib declares strdup/strlcat only with BSD/POSIX visibility: gnu99.
target_compile_options(lk_mxml PRIVATE -std=gnu99 -w)
