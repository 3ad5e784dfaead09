/* sd-cli-demo.c — `shopdesk-cli demo`: make the demo shop */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli.h"
#include "sd-demo.h"

static void
progress_cb (double      fraction,
             const char *text,
             gpointer    user_data)
{
  sd_cli_progress (fraction, text);
}

int
sd_cli_demo (SdCliGlobal  *global,
             int           argc,
             char        **argv)
{
  g_autofree char *size = NULL;
  g_autofree char *seed_text = NULL;
  gboolean force = FALSE, json = FALSE;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &size,
      N_("small (2,000 customers, the default), large (1M customers, 100k products, ~20M events) "
      "or a number of customers"), "SIZE" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the generator: the same seed and size make the same shop (default 20261101)"), "S" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace the customers, products, orders and events of a shop that has some"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print what was made as one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SdDemoOptions options;
  SdStoreStats stats;
  gint64 started;
  GCancellable *cancellable;

  if (!sd_cli_parse ("demo", _("make a demo shop with customers in hidden taste groups"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("shopdesk-cli demo: unexpected argument “%s”\n"
                         "Run “shopdesk-cli demo --help” for its options.\n"), argv[1]);
      return SD_EXIT_USAGE;
    }

  sd_demo_options_init (&options);
  options.force = force;
  if (!sd_demo_options_for_size (&options, size, &error))
    {
      sd_cli_print_error ("demo", error);
      return SD_EXIT_USAGE;
    }
  if (seed_text)
    {
      char *end = NULL;
      options.seed = g_ascii_strtoull (seed_text, &end, 10);
      if (end == seed_text || *end != '\0' || seed_text[0] == '-')
        {
          fprintf (stderr, _("shopdesk-cli demo: the seed must be a whole number, not “%s”\n"),
                   seed_text);
          return SD_EXIT_USAGE;
        }
    }

  cancellable = sd_cli_cancel_on_signals ();
  if (!(store = sd_cli_open_store_for_writing (global, SD_STORE_OPEN_CREATE)))
    return SD_EXIT_FAILED;

  started = g_get_monotonic_time ();
  if (!sd_demo_generate (store, &options, progress_cb, NULL, cancellable, &error))
    {
      sd_cli_progress_done ();
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fprintf (stderr, _("shopdesk-cli demo: cancelled, nothing changed.\n"));
          return sd_cli_cancelled_status ();
        }
      sd_cli_print_error ("demo", error);
      return SD_EXIT_FAILED;
    }
  sd_cli_progress_done ();

  /* Counting events by kind sorts them all: on a large shop that needs temporary files,
   * not a gigabyte of memory (the store's usual temp_store). */
  sd_store_use_temp_files (store);
  if (!sd_store_get_stats (store, &stats, &error))
    {
      sd_cli_print_error ("demo", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "shop", sd_store_get_path (store));
      sd_json_writer_member_int (w, "seed", (gint64) options.seed);
      sd_json_writer_member_int (w, "customers", stats.customers);
      sd_json_writer_member_int (w, "products", stats.products);
      sd_json_writer_member_int (w, "orders", stats.orders);
      sd_json_writer_member_int (w, "order_lines", stats.order_lines);
      sd_json_writer_key (w, "events");
      sd_json_writer_begin_object (w);
      for (int k = 0; k < SD_N_EVENT_KINDS; k++)
        sd_json_writer_member_int (w, sd_event_kind_to_string (k), stats.events[k]);
      sd_json_writer_end_object (w);
      sd_json_writer_member_fixed (w, "elapsed_seconds", (g_get_monotonic_time () - started) / 1e6, 3);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
      return SD_EXIT_OK;
    }
  fprintf (stderr,
           _("Made the demo shop in %s in %.2f s: %lld customers, %lld products, %lld orders, "
             "%lld events (%lld views, %lld carts, %lld purchases, %lld reviews).\n"),
           sd_store_get_path (store), (g_get_monotonic_time () - started) / 1e6,
           (long long) stats.customers, (long long) stats.products, (long long) stats.orders,
           (long long) (stats.events[0] + stats.events[1] + stats.events[2] + stats.events[3]),
           (long long) stats.events[SD_EVENT_VIEW], (long long) stats.events[SD_EVENT_CART],
           (long long) stats.events[SD_EVENT_PURCHASE], (long long) stats.events[SD_EVENT_REVIEW]);
  return SD_EXIT_OK;
}
