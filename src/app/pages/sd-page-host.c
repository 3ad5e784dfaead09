/* sd-page-host.c — what a page may ask of the window it lives in */
#include "config.h"

#include "sd-page-host.h"

G_DEFINE_INTERFACE (SdPageHost, sd_page_host, G_TYPE_OBJECT)

static void
sd_page_host_default_init (SdPageHostInterface *iface)
{
}

static SdPageHost *
find_host (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return SD_IS_PAGE_HOST (root) ? SD_PAGE_HOST (root) : NULL;
}

void
sd_page_host_toast (GtkWidget  *widget,
                    const char *message)
{
  SdPageHost *host;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  host = find_host (widget);
  if (host && SD_PAGE_HOST_GET_IFACE (host)->toast)
    SD_PAGE_HOST_GET_IFACE (host)->toast (host, message);
}

void
sd_page_host_run_job (GtkWidget          *widget,
                      SdJob              *job,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  SdPageHost *host;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (SD_IS_JOB (job));
  host = find_host (widget);
  if (host && SD_PAGE_HOST_GET_IFACE (host)->run_job)
    SD_PAGE_HOST_GET_IFACE (host)->run_job (host, job, callback, user_data);
  else
    sd_job_run_async (job, callback, user_data);
}
