/* sd-cli-stats.c — `shopdesk-cli stats`: what the shop holds */
#include "config.h"

#include "sd-cli.h"

int
sd_cli_stats (SdCliGlobal  *global,
              int           argc,
              char        **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreStats stats;

  if (!sd_cli_parse ("stats", "count customers, products, orders and events", entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "shopdesk-cli stats: unexpected argument “%s”\n", argv[1]);
      return SD_EXIT_USAGE;
    }

  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  if (!sd_store_get_stats (store, &stats, &error))
    {
      sd_cli_print_error ("stats", error);
      return SD_EXIT_FAILED;
    }

  if (json)
    {
      printf ("{\"customers\": %" G_GINT64_FORMAT ", \"products\": %" G_GINT64_FORMAT
              ", \"orders\": %" G_GINT64_FORMAT ", \"order_lines\": %" G_GINT64_FORMAT
              ", \"revenue_cents\": %" G_GINT64_FORMAT ", \"events\": {",
              stats.customers, stats.products, stats.orders, stats.order_lines,
              stats.revenue_cents);
      for (int k = 0; k < SD_N_EVENT_KINDS; k++)
        printf ("%s\"%s\": %" G_GINT64_FORMAT, k ? ", " : "",
                sd_event_kind_to_string (k), stats.events[k]);
      printf ("}}\n");
    }
  else
    {
      printf ("Customers    %12" G_GINT64_FORMAT "\n", stats.customers);
      printf ("Products     %12" G_GINT64_FORMAT "\n", stats.products);
      printf ("Orders       %12" G_GINT64_FORMAT "\n", stats.orders);
      printf ("Order lines  %12" G_GINT64_FORMAT "\n", stats.order_lines);
      printf ("Revenue      %12.2f\n", stats.revenue_cents / 100.0);
      for (int k = 0; k < SD_N_EVENT_KINDS; k++)
        printf ("Events: %-8s %8" G_GINT64_FORMAT "\n", sd_event_kind_to_string (k), stats.events[k]);
    }
  return SD_EXIT_OK;
}
