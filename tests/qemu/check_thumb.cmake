# cmake -DREADELF=<arm-none-eabi-readelf> -DELF=<file> -P check_thumb.cmake
# Fails unless every object linked into ELF was built for the Cortex-M3 (ARMv7-M, Thumb-2
# only). The trap it guards (deps-notes.md): a CMAKE_C_FLAGS given on the command line
# replaces the toolchain's CPU flags, objects silently build as ARM code for the default
# CPU, and the image HardFaults on the M3. The linker merges the build attributes of all
# objects, so one such object shows up as Tag_ARM_ISA_use or an older Tag_CPU_arch here.
execute_process(COMMAND ${READELF} -A ${ELF} OUTPUT_VARIABLE attrs RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -A ${ELF} failed (${rc})")
endif()
foreach(want "Tag_CPU_arch: v7" "Tag_CPU_arch_profile: Microcontroller"
             "Tag_THUMB_ISA_use: Thumb-2")
    string(FIND "${attrs}" "${want}" at)
    if(at LESS 0)
        message(FATAL_ERROR "${ELF}: missing '${want}' (not all objects are ARMv7-M):\n${attrs}")
    endif()
endforeach()
string(FIND "${attrs}" "Tag_ARM_ISA_use: Yes" at)
if(NOT at LESS 0)
    message(FATAL_ERROR "${ELF}: contains ARM-mode code, which the Cortex-M3 cannot run:\n${attrs}")
endif()
message(STATUS "${ELF}: ARMv7-M, Thumb-2 only")
