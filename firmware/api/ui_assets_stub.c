/*
 * STUB: the empty UI, linked only while firmware/ui/ (the admin pages, built by the UI
 * work) is not in the tree. It serves nothing; the JSON API and the SSO endpoints work
 * without it. See ui_assets.h for the build contract that replaces this file.
 */
#include "api/ui_assets.h"

const struct fw_asset *fw_ui_find(const char *path, size_t len)
{
    (void)path;
    (void)len;
    return NULL;
}
