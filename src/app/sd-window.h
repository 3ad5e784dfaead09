/* sd-window.h — the main window: a sidebar of pages over one open shop
 *
 * Pages. Each page is a widget type of its own with a "store" property (SdStore *, the
 * window's main-thread connection), which the window sets on every page whenever a shop
 * is opened; a page reloads when its store is set or emits SdStore::changed. A page is
 * registered in the `pages` table at the top of sd-window.c by naming its get_type
 * function: until then the window shows a placeholder saying what the page will hold.
 * sd_window_set_page() swaps a page in at run time as well.
 */
#pragma once

#include <adwaita.h>

#include "sd-application.h"
#include "sd-frame-stats.h"
#include "sd-job.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_WINDOW (sd_window_get_type ())
G_DECLARE_FINAL_TYPE (SdWindow, sd_window, SD, WINDOW, AdwApplicationWindow)

SdWindow   *sd_window_new          (SdApplication *app);
/* Opens the shop at @path and shows it on every page. A file that is not a Shopdesk
 * shop is refused with a dialog saying why, and the current shop stays open. A shop that
 * must first be brought up to date (sd_store_needs_update) is, in a job with a progress
 * dialog that can cancel it: TRUE then means it is opening (sd_window_get_opening_job). */
gboolean    sd_window_open_shop    (SdWindow      *self,
                                    const char    *path);
/* Opens the shop opened last (GSettings last-shop) if it still exists, else the demo
 * shop. For the application's activate. */
gboolean    sd_window_open_last_shop (SdWindow    *self);
/* The job bringing an older shop up to date before it opens (sd_window_open_shop() returned
 * TRUE and the shop opens when it ends), or NULL. */
SdJob      *sd_window_get_opening_job (SdWindow   *self);
/* The main-thread connection to the open shop: for queries that take well under a frame. */
SdStore    *sd_window_get_store    (SdWindow      *self);
/* Puts @page (a widget with a "store" property, or any widget) in place of the page
 * called @name; it gets the current store at once. */
void        sd_window_set_page     (SdWindow      *self,
                                    const char    *name,
                                    GtkWidget     *page);
GtkWidget  *sd_window_get_page     (SdWindow      *self,
                                    const char    *name);
void        sd_window_show_page    (SdWindow      *self,
                                    const char    *name);
const char *sd_window_get_visible_page (SdWindow *self);
void        sd_window_toast        (SdWindow      *self,
                                    const char    *message);
/* Runs @job in the background, listed in the header bar's task popover. @callback
 * (may be NULL) gets the job as source object and calls sd_job_run_finish(); without
 * one, the window says in a toast how the job ended. */
void        sd_window_run_job      (SdWindow           *self,
                                    SdJob              *job,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
/* Frame gaps measured while jobs run: started with every job when SHOPDESK_FRAME_STATS=1,
 * or by hand; stopped by the window when the last running job ends. */
SdFrameStats *sd_window_get_frame_stats (SdWindow *self);
/* The jobs of the header bar's task list, newest first (SdJob). */
GListModel *sd_window_get_jobs     (SdWindow      *self);

G_END_DECLS
