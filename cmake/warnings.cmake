# Warning flags for first-party code (sso/, hal/, boards/, firmware/, tests/).
# Third-party sources build without them.
add_library(lk_warnings INTERFACE)
target_compile_options(lk_warnings INTERFACE
    -Wall -Wextra -Werror -Wshadow -Wundef -Wvla -Wcast-align -Wwrite-strings
    -Wstrict-prototypes -Wswitch -Wmissing-prototypes -Wformat=2)
if(CMAKE_CROSSCOMPILING)
    # Per-function stack budget on the target (the M3 has one small stack).
    target_compile_options(lk_warnings INTERFACE -Wstack-usage=${LK_STACK_BUDGET})
endif()
