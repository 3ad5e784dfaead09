/* sd-sync-report.c — a sync's report: its tables' names, counts by table, rejected rows, as
 * text and as JSON */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-import-private.h"
#include "sd-sync-private.h"
#include "sd-sync-source-private.h"

static const char *const table_names[SD_SYNC_N_TABLES] = {
  "customers", "products", "orders", "order_lines", "events", "coupon_uses",
};

const char *
sd_sync_table_name (SdSyncTable table)
{
  g_return_val_if_fail (table < SD_SYNC_N_TABLES, NULL);
  return table_names[table];
}

const char *
sd_sync_table_label (SdSyncTable table)
{
  static const char *const labels[SD_SYNC_N_TABLES] = {
    N_("Customers"), N_("Products"), N_("Orders"), N_("Order lines"), N_("Events"), N_("Coupon uses"),
  };

  g_return_val_if_fail (table < SD_SYNC_N_TABLES, NULL);
  return _(labels[table]);
}

/* The table a stream's rows are counted in (orders: their lines; the orders themselves
 * are counted as their first line is seen). */
const SdSyncTable sd_sync_stream_tables[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = SD_SYNC_PRODUCTS,
  [SD_SYNC_STREAM_CUSTOMERS] = SD_SYNC_CUSTOMERS,
  [SD_SYNC_STREAM_ORDERS] = SD_SYNC_ORDER_LINES,
  [SD_SYNC_STREAM_EVENTS] = SD_SYNC_EVENTS,
  [SD_SYNC_STREAM_COUPONS] = SD_SYNC_COUPON_USES,
};

static void
reject_free (gpointer data)
{
  SdSyncReject *r = data;

  g_free (r->key);
  g_free (r->reason);
  g_free (r);
}

void
sd_sync_report_free (SdSyncReport *report)
{
  if (report == NULL)
    return;
  g_free (report->source);
  g_free (report->label);
  g_clear_pointer (&report->rejects, g_ptr_array_unref);
  g_free (report);
}

SdSyncReport *
sd_sync_report_new (SdSyncSource *source)
{
  SdSyncReport *report = g_new0 (SdSyncReport, 1);

  report->source = g_strdup (source->id);
  report->label = g_strdup (source->label);
  report->rejects = g_ptr_array_new_with_free_func (reject_free);
  return report;
}

char *
sd_sync_count_text (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
  return g_steal_pointer (&digits);
}

char *
sd_sync_report_to_text (SdSyncReport *report)
{
  GString *text = g_string_new (NULL);
  g_autofree char *seconds = g_strdup_printf ("%.1f", report->elapsed_us / 1e6);

  g_string_append_printf (text, report->full ? _("Loaded everything from %s in %s s.\n")
                                             : _("Synced what changed in %s in %s s.\n"),
                          report->label, seconds);
  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      const SdSyncCounts *c = &report->tables[t];
      g_autofree char *ins = sd_sync_count_text (c->inserted), *upd = sd_sync_count_text (c->updated);
      g_autofree char *del = sd_sync_count_text (c->deleted), *rej = sd_sync_count_text (c->rejected);
      g_autofree char *same = sd_sync_count_text (c->unchanged);

      /* TRANSLATORS: a table's name, then its counts */
      g_string_append_printf (text, _("  %-12s %s inserted, %s updated, %s deleted, %s rejected, %s unchanged\n"),
                              table_names[t], ins, upd, del, rej, same);
    }
  for (guint i = 0; i < report->rejects->len; i++)
    {
      const SdSyncReject *r = report->rejects->pdata[i];
      g_string_append_printf (text, _("  rejected: %s %s: %s\n"), table_names[r->table], r->key, r->reason);
    }
  return g_string_free (text, FALSE);
}

void
sd_sync_report_to_json (SdSyncReport *report,
                        SdJsonWriter *w)
{
  sd_json_writer_begin_object (w);
  sd_json_writer_key (w, "tables");
  sd_json_writer_begin_object (w);
  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      const SdSyncCounts *c = &report->tables[t];

      sd_json_writer_key (w, table_names[t]);
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "inserted", c->inserted);
      sd_json_writer_member_int (w, "updated", c->updated);
      sd_json_writer_member_int (w, "deleted", c->deleted);
      sd_json_writer_member_int (w, "rejected", c->rejected);
      sd_json_writer_member_int (w, "unchanged", c->unchanged);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_object (w);
  sd_json_writer_member_int (w, "elapsed_ms", report->elapsed_us / 1000);
  sd_json_writer_end_object (w);
}
