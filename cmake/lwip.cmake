# lwIP 2.2.1 for a board: NO_SYS=1 core, IPv4, TCP, UDP, DHCP, DNS, altcp + altcp_tcp, and
# the SNTP app. TLS goes through our own altcp adapter (firmware/net/), never lwIP's
# mbedTLS glue (it targets mbedTLS 2.x).
#
#   lk_lwip_library(<target> BOARD_INCLUDE <dir>)
#
# <dir> holds the board's lwipopts.h (which includes firmware/lwipopts_common.h) and
# arch/cc.h. The target is a static library; linking it gives lwIP's headers, the board
# include dir to the consumer (the board's lwipopts.h includes
# ../../firmware/lwipopts_common.h by relative path). lwIP's own sources
# build without our warning flags (third-party code); its headers are SYSTEM includes so
# that -Wundef and friends in first-party code do not trip over them.
#
# The source lists come from lwIP's src/Filelists.cmake. That file also runs
# configure_file() into the lwIP tree (init.h, the Doxyfile), looks for Doxygen and adds
# targets of its own; the dependency cache is shared and read-only, so only the part that
# sets the *_SRCS lists is taken: it is copied up to the "Generate lwip/init.h" marker into
# the build tree and included from there. lwIP ships a ready init.h for 2.2.1.

if(NOT LWIP_DIR)
    message(FATAL_ERROR "lwip.cmake: LWIP_DIR is not set (include cmake/third_party.cmake first)")
endif()

set(lk_lwip_filelists "${LWIP_DIR}/src/Filelists.cmake")
file(READ "${lk_lwip_filelists}" lk_lwip_fl)
string(FIND "${lk_lwip_fl}" "# Generate lwip/init.h" lk_lwip_cut)
if(lk_lwip_cut LESS 0)
    message(FATAL_ERROR "lwip.cmake: unexpected layout of ${lk_lwip_filelists}")
endif()
string(SUBSTRING "${lk_lwip_fl}" 0 ${lk_lwip_cut} lk_lwip_fl)
set(LWIP_EXCLUDE_SLIPIF ON)
file(WRITE "${CMAKE_BINARY_DIR}/lk_lwip_filelists.cmake" "${lk_lwip_fl}")
include("${CMAKE_BINARY_DIR}/lk_lwip_filelists.cmake")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${lk_lwip_filelists}")
if(NOT EXISTS "${LWIP_DIR}/src/include/lwip/init.h")
    message(FATAL_ERROR "lwip.cmake: ${LWIP_DIR}/src/include/lwip/init.h missing")
endif()

function(lk_lwip_library target)
    cmake_parse_arguments(L "" "BOARD_INCLUDE" "" ${ARGN})
    if(NOT L_BOARD_INCLUDE)
        message(FATAL_ERROR "lk_lwip_library: BOARD_INCLUDE is required")
    endif()
    foreach(h lwipopts.h arch/cc.h)
        if(NOT EXISTS "${L_BOARD_INCLUDE}/${h}")
            message(FATAL_ERROR "lk_lwip_library: ${L_BOARD_INCLUDE}/${h} missing")
        endif()
    endforeach()
    add_library(${target} STATIC
        ${lwipcore_SRCS}                     # core, dns, tcp, udp, altcp, altcp_tcp, timeouts
        ${lwipcore4_SRCS}                    # ipv4, dhcp, etharp, icmp (acd/autoip/igmp: off)
        ${LWIP_DIR}/src/netif/ethernet.c     # ethernet_input / ethernet_output
        ${lwipsntp_SRCS})                    # apps/sntp
    target_include_directories(${target} SYSTEM PUBLIC "${LWIP_DIR}/src/include")
    target_include_directories(${target} PUBLIC "${L_BOARD_INCLUDE}")
    target_compile_options(${target} PRIVATE -w)
endfunction()
