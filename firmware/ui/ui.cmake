# The admin web UI, embedded gzip-compressed (included by firmware/CMakeLists.txt: the
# contract of firmware/api/ui_assets.h). gen_assets.py writes ui_assets.c into the build
# tree whenever a file of the UI changes; this file appends it and ui.c (fw_ui_find, the
# handler) to LK_UI_SOURCES for the firmware, and builds the same two as lk_ui for the
# unit test (tests/unit/fw/test_fw_ui.c). The build log and ui_assets.json give the sizes.
set(lk_ui_dir ${CMAKE_CURRENT_LIST_DIR})
file(GLOB_RECURSE lk_ui_files CONFIGURE_DEPENDS ${lk_ui_dir}/www/*)
set(lk_ui_c ${CMAKE_CURRENT_BINARY_DIR}/ui/ui_assets.c)
add_custom_command(
    OUTPUT ${lk_ui_c} ${CMAKE_CURRENT_BINARY_DIR}/ui/ui_assets.json
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/ui
    COMMAND ${LK_PYTHON3} ${lk_ui_dir}/gen_assets.py --manifest ${lk_ui_dir}/assets.txt
            --www ${lk_ui_dir}/www --out ${lk_ui_c}
            --report ${CMAKE_CURRENT_BINARY_DIR}/ui/ui_assets.json
    DEPENDS ${lk_ui_dir}/gen_assets.py ${lk_ui_dir}/assets.txt ${lk_ui_files}
    COMMENT "Embedding the admin UI (gzip)"
    VERBATIM)
# One generated file, two consumers in this directory (Ninja builds it once).
list(APPEND LK_UI_SOURCES ${lk_ui_dir}/ui.c ${lk_ui_c})
add_library(lk_ui STATIC ${lk_ui_dir}/ui.c ${lk_ui_c})
target_include_directories(lk_ui PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(lk_ui PRIVATE hal lk_warnings)
