/* sd-cli-stats.c — `shopdesk-cli stats`: what the shop holds */
#include "config.h"

#include "sd-cli.h"
#include "sd-shop-summary.h"

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
  g_autoptr(SdShopSummary) summary = NULL;
  const SdStoreStats *stats;

  if (!sd_cli_parse ("stats", "count customers, products, orders and events", entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, "shopdesk-cli stats: unexpected argument “%s”\n", argv[1]);
      return SD_EXIT_USAGE;
    }

  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  /* The Overview's figures and its top ten by revenue, without the import history. */
  if (!(summary = sd_shop_summary_load (store, 10, 0, NULL, &error)))
    {
      sd_cli_print_error ("stats", error);
      return SD_EXIT_FAILED;
    }
  stats = &summary->counts;

  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "customers", stats->customers);
      sd_json_writer_member_int (w, "products", stats->products);
      sd_json_writer_member_int (w, "orders", stats->orders);
      sd_json_writer_member_int (w, "order_lines", stats->order_lines);
      sd_json_writer_member_int (w, "revenue_cents", stats->revenue_cents);
      sd_json_writer_member_int (w, "orders_counted", stats->orders_counted);
      sd_json_writer_member_int (w, "average_order_cents", summary->average_order_cents);
      sd_json_writer_key (w, "events");
      sd_json_writer_begin_object (w);
      for (int k = 0; k < SD_N_EVENT_KINDS; k++)
        sd_json_writer_member_int (w, sd_event_kind_to_string (k), stats->events[k]);
      sd_json_writer_end_object (w);
      sd_json_writer_key (w, "top_products");
      sd_json_writer_begin_array (w);
      for (guint i = 0; i < summary->top_by_revenue->len; i++)
        {
          const SdTopProduct *top = g_ptr_array_index (summary->top_by_revenue, i);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_string (w, "external_id", top->external_id);
          sd_json_writer_member_string (w, "title", top->title);
          sd_json_writer_member_int (w, "revenue_cents", top->revenue_cents);
          sd_json_writer_member_int (w, "units", top->units);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      printf ("Customers    %12" G_GINT64_FORMAT "\n", stats->customers);
      printf ("Products     %12" G_GINT64_FORMAT "\n", stats->products);
      printf ("Orders       %12" G_GINT64_FORMAT "\n", stats->orders);
      printf ("Order lines  %12" G_GINT64_FORMAT "\n", stats->order_lines);
      printf ("Revenue      %12.2f\n", stats->revenue_cents / 100.0);
      printf ("Orders counted %10" G_GINT64_FORMAT "\n", stats->orders_counted);
      printf ("Average order %11.2f\n", summary->average_order_cents / 100.0);
      for (int k = 0; k < SD_N_EVENT_KINDS; k++)
        printf ("Events: %-8s %8" G_GINT64_FORMAT "\n", sd_event_kind_to_string (k), stats->events[k]);
    }
  return SD_EXIT_OK;
}
