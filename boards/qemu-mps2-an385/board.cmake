# QEMU mps2-an385 (Cortex-M3): see boards/qemu-mps2-an385/README.md.
#
#   lk_qemu_rt        startup, vector table, fault report, heap, UART, SysTick, semihosting:
#                     the runtime every program for this board links (firmware and tests).
#   lk_board          the HAL for the firmware (hal/include/hal/*.h).
#   lk_board_test_target(t)   makes test executable t a semihosting program that ctest runs
#                     under qemu-system-arm (CMAKE_CROSSCOMPILING_EMULATOR).
set(LK_QEMU_BOARD_DIR ${CMAKE_CURRENT_LIST_DIR})
set(LK_QEMU_LDSCRIPT ${LK_QEMU_BOARD_DIR}/mps2_an385.ld)
set(LK_BOARD_RUNS_TESTS ON)
set(LK_BOARD_TEST_TIMEOUT 120 CACHE STRING "seconds before ctest kills a QEMU test")
# ctest runs each test as: qemu-test.sh <elf> <args>. The wrapper turns the arguments into
# the semihosting command line (QEMU would take them as its own options otherwise).
set(CMAKE_CROSSCOMPILING_EMULATOR ${LK_QEMU_BOARD_DIR}/qemu-test.sh)

find_program(LK_QEMU_SYSTEM_ARM qemu-system-arm)

add_library(lk_qemu_rt OBJECT
    ${LK_QEMU_BOARD_DIR}/src/startup.c
    ${LK_QEMU_BOARD_DIR}/src/semihost.c
    ${LK_QEMU_BOARD_DIR}/src/uart.c
    ${LK_QEMU_BOARD_DIR}/src/clock.c)
target_include_directories(lk_qemu_rt PUBLIC ${LK_QEMU_BOARD_DIR}/src)
target_link_libraries(lk_qemu_rt PUBLIC hal PRIVATE lk_warnings)
target_link_options(lk_qemu_rt INTERFACE -nostartfiles -T${LK_QEMU_LDSCRIPT})

add_library(lk_qemu_test_stdio OBJECT ${LK_QEMU_BOARD_DIR}/src/stdio_semihosted.c)
target_link_libraries(lk_qemu_test_stdio PRIVATE lk_warnings)

function(lk_board_test_target target)
    target_link_libraries(${target} PRIVATE lk_qemu_rt lk_qemu_test_stdio)
    # newlib's rdimon: stdio and files through semihosting. -nostartfiles (lk_qemu_rt) drops
    # its crt0, whose stack and heap would come from QEMU's HEAPINFO instead of the map.
    target_link_options(${target} PRIVATE --specs=rdimon.specs
                        -Wl,-Map=$<TARGET_FILE:${target}>.map)
    set_target_properties(${target} PROPERTIES SUFFIX .elf LINK_DEPENDS ${LK_QEMU_LDSCRIPT})
endfunction()
