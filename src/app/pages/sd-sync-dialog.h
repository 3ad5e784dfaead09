/* sd-sync-dialog.h — “Sync from a Database…”: connection settings, Test Connection, Sync Now */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_SYNC_DIALOG (sd_sync_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SdSyncDialog, sd_sync_dialog, SD, SYNC_DIALOG, AdwWindow)

/* A dialog over @parent (an SdPageHost: the jobs show in its task list) for @store, the
 * window's main-thread shop; the form starts from the shop's last source. */
GtkWindow *sd_sync_dialog_new (GtkWindow *parent,
                               SdStore   *store);

/* When the shop asks for it (the dialog's “Sync When the Shop Opens”), syncs @store from
 * its source in the background, listed in @host's task list; the pages reload after. */
void       sd_sync_dialog_sync_on_open (GtkWindow *host,
                                        SdStore   *store);

G_END_DECLS
