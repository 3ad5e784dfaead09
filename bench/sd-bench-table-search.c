/* sd-bench-table-search.c — the Data page's search: what is stored only, against what is
 * stored and what is shown (sd_table_query_order_shown), on one shop
 *
 *   sd-bench-table-search --db SHOP.sqlite TABLE SEARCH…
 *
 * TABLE is customers, products, orders, order_lines or events. Prints one tab-separated
 * line per search: table, search, rows and seconds stored only, rows and seconds shown too.
 * The stand-in for the page's formatter writes a time as the English pages do and every
 * code as it is stored, so a code search costs what the page's does (a scan for the
 * column's distinct values) without linking GTK. bench/data-search.sh runs it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sd-store.h"
#include "sd-table-query.h"

static char *
show (SdColumnKind        kind,
      const SdTableValue *value,
      gpointer            user_data)
{
  if (kind == SD_COLUMN_TIME)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (value->number);
      return dt ? g_date_time_format (dt, "%-d %b %Y %H:%M") : NULL;
    }
  if (kind == SD_COLUMN_EVENT_KIND)
    return g_strdup (sd_event_kind_to_string ((SdEventKind) value->number));
  return g_strdup (value->text);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The shop", "SHOP.sqlite" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("TABLE SEARCH…");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  int table = -1;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db == NULL || argc < 3)
    {
      fprintf (stderr, "usage: sd-bench-table-search --db SHOP.sqlite TABLE SEARCH…\n");
      return 2;
    }
  for (int t = 0; t < SD_N_TABLES; t++)
    if (strcmp (argv[1], sd_table_get_name (t)) == 0)
      table = t;
  if (table < 0)
    {
      fprintf (stderr, "sd-bench-table-search: no table “%s”\n", argv[1]);
      return 2;
    }
  if (!(store = sd_store_open_full (db, SD_STORE_OPEN_EXISTING, &error)))
    {
      fprintf (stderr, "sd-bench-table-search: %s\n", error->message);
      return 1;
    }
  for (int i = 2; i < argc; i++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2;
      g_autoptr(SdTableOrder) stored = sd_table_query_order (store, table, -1, FALSE, argv[i], NULL, &error);
      g_autoptr(SdTableOrder) shown = NULL;

      t1 = g_get_monotonic_time ();
      if (stored)
        shown = sd_table_query_order_shown (store, table, -1, FALSE, argv[i], show, NULL, NULL, &error);
      t2 = g_get_monotonic_time ();
      if (shown == NULL)
        {
          fprintf (stderr, "sd-bench-table-search: %s\n", error->message);
          return 1;
        }
      printf ("%s\t%s\t%u\t%.2f\t%u\t%.2f\n", argv[1], argv[i], stored->n, (t1 - t0) / 1e6,
              shown->n, (t2 - t1) / 1e6);
    }
  return 0;
}
