/* sd-page-host.h — what a page may ask of the window it lives in */
#pragma once

#include <gtk/gtk.h>

#include "sd-job.h"

G_BEGIN_DECLS

/* The window implements this, so that pages can show a toast or run a job in the
 * header bar's task list without knowing the window's type: pages are built before the
 * window and never include it. */
#define SD_TYPE_PAGE_HOST (sd_page_host_get_type ())
G_DECLARE_INTERFACE (SdPageHost, sd_page_host, SD, PAGE_HOST, GObject)

struct _SdPageHostInterface
{
  GTypeInterface parent_iface;

  void (*toast)   (SdPageHost         *self,
                   const char         *message);
  void (*run_job) (SdPageHost         *self,
                   SdJob              *job,
                   GAsyncReadyCallback callback,
                   gpointer            user_data);
};

/* Both look for the host at @widget's root. Without one (a page shown on its own, as in
 * some tests) the toast is dropped and the job runs without being listed. */
void sd_page_host_toast   (GtkWidget          *widget,
                           const char         *message);
void sd_page_host_run_job (GtkWidget          *widget,
                           SdJob              *job,
                           GAsyncReadyCallback callback,
                           gpointer            user_data);

G_END_DECLS
