# Host simulation board: the firmware as a Linux process (see boards/host/README.md).
#
# What a board.cmake provides (the firmware build relies on it):
#   lk_board                 static library implementing hal/ (links hal, lk_lwip)
#   lk_board_firmware(<tgt>) finishes the firmware executable: output name, link options
# The board's folder holds lwipopts.h and arch/cc.h (cmake/lwip.cmake builds lk_lwip
# from them in firmware/CMakeLists.txt).

find_package(PkgConfig REQUIRED)
pkg_check_modules(LK_SLIRP REQUIRED IMPORTED_TARGET slirp)

add_library(lk_board STATIC
    ${LK_BOARD_DIR}/board.c
    ${LK_BOARD_DIR}/clock.c
    ${LK_BOARD_DIR}/console.c
    ${LK_BOARD_DIR}/entropy.c
    ${LK_BOARD_DIR}/flash.c
    ${LK_BOARD_DIR}/netif_slirp.c)
target_link_libraries(lk_board PUBLIC hal PRIVATE lk_lwip lk_warnings PkgConfig::LK_SLIRP)

function(lk_board_firmware target)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME latchkey-host)
endfunction()
