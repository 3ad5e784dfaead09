/* sd-dp-export.h — "Export with Differential Privacy…" for the pages whose figures may be
 * shown to people outside the shop (the Overview's figures, segment profiles)
 *
 * Asks for ε (the whole release's budget) and the customers a group needs, shows what one
 * figure's noise will be and the ε the release spends, then a file chooser; the release is
 * computed in a worker on its own connection by @compute and saved as JSON
 * (sd_dp_report_to_json), and a toast says where and what ε was spent.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-dp-report.h"

G_BEGIN_DECLS

/* Runs in a worker thread on @store, the worker's own connection. */
typedef SdDpReport *(*SdDpExportCompute) (SdStore            *store,
                                          const SdDpOptions  *options,
                                          gpointer            data,
                                          GError            **error);

/* A caption saying in plain words what ε is, for any dialog that asks for it: "privacy
 * budget" and a Greek letter tell a shop manager nothing. */
GtkWidget *sd_dp_export_epsilon_help (void);

void sd_dp_export_start (GtkWidget         *page,
                         const char        *db_path,
                         const char        *suggested_name,
                         SdDpExportCompute  compute,
                         gpointer           data,
                         GDestroyNotify     data_destroy);

G_END_DECLS
