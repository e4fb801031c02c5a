/*
 * Latchkey firmware: boot sequence and the superloop (lwIP NO_SYS=1). The same file on
 * every board; the board is below hal/.
 *
 * Boot: board init -> lwIP init -> network (DHCP or static) -> superloop.
 */
#include "hal/hal_board.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "net/net.h"
#include "util/log.h"

int main(int argc, char **argv)
{
    static const struct fw_net_cfg net_cfg = {.hostname = "latchkey", .use_dhcp = true};

    hal_board_init(argc, argv);
    fw_log_printf("latchkey %s on board %s", LK_VERSION, hal_board_name());
    lwip_init();
    fw_net_start(&net_cfg);
    for (;;) {
        fw_net_poll();
        sys_check_timeouts();
    }
}
