/* sd-cli-stats.c — `shopdesk-cli stats`: what the shop holds, and its figures over a range */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sd-chart-time.h"
#include "sd-cli.h"
#include "sd-error.h"
#include "sd-number-format.h"
#include "sd-shop-summary.h"

/* The range from the options; FALSE (said on stderr) when they cannot be used. */
static gboolean
parse_range (const char *name,
             const char *from,
             const char *to,
             SdRange    *range)
{
  gint64 day;

  *range = (SdRange) { SD_RANGE_ALL, G_MININT64, G_MAXINT64 };
  if (name && (from || to))
    {
      fprintf (stderr, _("shopdesk-cli stats: --range and --from/--to cannot be given together\n"));
      return FALSE;
    }
  if (name)
    {
      if (sd_range_from_string (name, range))
        return TRUE;
      fprintf (stderr, _("shopdesk-cli stats: unknown range “%s” (all, last-30-days, last-90-days, last-12-months"
                       " or FIRST..LAST as 2011-11-01..2011-11-30)\n"), name);
      return FALSE;
    }
  if (from == NULL && to == NULL)
    return TRUE;
  range->kind = SD_RANGE_CUSTOM;
  if (from && !sd_time_parse_iso_date (from, &range->from))
    {
      fprintf (stderr, _("shopdesk-cli stats: --from “%s” is not a date like 2011-12-09\n"), from);
      return FALSE;
    }
  if (to)
    {
      if (!sd_time_parse_iso_date (to, &day))
        {
          fprintf (stderr, _("shopdesk-cli stats: --to “%s” is not a date like 2011-12-09\n"), to);
          return FALSE;
        }
      /* --to names the last day counted: the range ends when it does. */
      range->to = day + SD_SECONDS_PER_DAY;
    }
  if (range->from >= range->to)
    {
      fprintf (stderr, _("shopdesk-cli stats: --to %s is before --from %s\n"), to, from);
      return FALSE;
    }
  return TRUE;
}

/* A date of the range for JSON: the first day, or the last day counted (@end); null for an
 * end left open. */
static void
member_day (SdJsonWriter *w,
            const char   *key,
            gint64        t,
            gboolean      end)
{
  g_autofree char *date = NULL;

  if (t != G_MININT64 && t != G_MAXINT64)
    date = sd_time_format_iso_date (end ? t - 1 : t);
  sd_json_writer_member_string (w, key, date);
}

static void
write_figures (SdJsonWriter    *w,
               const SdFigures *f)
{
  sd_json_writer_member_int (w, "revenue_cents", f->revenue_cents);
  sd_json_writer_member_int (w, "orders_counted", f->orders_counted);
  sd_json_writer_member_int (w, "average_order_cents", f->average_order_cents);
  sd_json_writer_member_int (w, "units", f->units);
  sd_json_writer_member_int (w, "customers_active", f->customers_active);
}

static void
print_json (const SdShopSummary *summary)
{
  const SdStoreStats *stats = &summary->counts;
  const SdCurrencyFigures *main = sd_shop_summary_main (summary);
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "customers", stats->customers);
  sd_json_writer_member_int (w, "products", stats->products);
  sd_json_writer_member_int (w, "orders", stats->orders);
  sd_json_writer_member_int (w, "order_lines", stats->order_lines);
  sd_json_writer_member_string (w, "currency", summary->currency);

  sd_json_writer_key (w, "range");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "kind", sd_range_kind_to_string (summary->range_kind));
  /* The days counted: for All time, the first and the last with orders. */
  member_day (w, "from", summary->shown_to > summary->shown_from ? summary->shown_from : G_MININT64, FALSE);
  member_day (w, "to", summary->shown_to > summary->shown_from ? summary->shown_to : G_MAXINT64, TRUE);
  member_day (w, "newest_order", summary->newest_order_at ? summary->newest_order_at : G_MININT64, FALSE);
  member_day (w, "previous_from", summary->has_previous ? summary->previous_from : G_MININT64, FALSE);
  member_day (w, "previous_to", summary->has_previous ? summary->previous_to : G_MAXINT64, TRUE);
  sd_json_writer_member_string (w, "bucket", sd_time_bucket_to_string (summary->bucket));
  sd_json_writer_end_object (w);

  /* The top-level figures are the shop's currency's: amounts in others are never added in. */
  write_figures (w, &main->now);
  if (summary->has_previous)
    {
      sd_json_writer_key (w, "previous");
      sd_json_writer_begin_object (w);
      write_figures (w, &main->before);
      sd_json_writer_end_object (w);
    }

  sd_json_writer_key (w, "currencies");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < summary->currencies->len; i++)
    {
      const SdCurrencyFigures *c = g_ptr_array_index (summary->currencies, i);

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "currency", c->currency);
      write_figures (w, &c->now);
      if (summary->has_previous)
        {
          sd_json_writer_key (w, "previous");
          sd_json_writer_begin_object (w);
          write_figures (w, &c->before);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);

  sd_json_writer_key (w, "events");
  sd_json_writer_begin_object (w);
  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    sd_json_writer_member_int (w, sd_event_kind_to_string (k), stats->events[k]);
  sd_json_writer_end_object (w);

  sd_json_writer_key (w, "series");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < summary->series->len; i++)
    {
      const SdShopBucket *b = &g_array_index (summary->series, SdShopBucket, i);
      g_autofree char *start = sd_time_format_iso_date (b->start);
      guint days, whole = 0;

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "start", start);
      sd_json_writer_member_int (w, "revenue_cents", b->revenue_cents);
      sd_json_writer_member_int (w, "orders_counted", b->orders_counted);
      /* A week or month the range covers in part (the Overview draws it lighter). */
      days = sd_time_bucket_days_within (summary->bucket, b->start, summary->shown_from, summary->shown_to, &whole);
      sd_json_writer_member_int (w, "days", days);
      sd_json_writer_member_int (w, "bucket_days", whole);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);

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

/* One line of the table: @label, then @value ending in column 28 (room for "£99,999,999.99" after "Average order") (as wide as the terminal
 * shows it: a Chinese character takes two columns). */
static void
print_row (const char *label,
           const char *value)
{
  int pad = 28 - (int) sd_cli_text_width (label) - (int) sd_cli_text_width (value);

  printf ("%s%*s%s\n", label, MAX (pad, 1), "", value);
}

/* Grouped in the user's locale ("541,909"; "541.909" in German), as the Overview writes it. */
static void
print_count (const char *label,
             gint64      n)
{
  g_autofree char *value = sd_format_count (n);

  print_row (label, value);
}

/* In @currency's symbol and the user's marks ("£8,300,155.95"; "8.300.155,95 £"). */
static void
print_amount (const char *label,
              gint64      cents,
              const char *currency)
{
  g_autofree char *value = sd_format_money (cents, currency);

  print_row (label, value);
}

/* By SdEventKind; the English names are the kinds' own (view, cart, …), as in --json. */
static const char *const event_labels[SD_N_EVENT_KINDS] = {
  N_("Events: view"), N_("Events: cart"), N_("Events: purchase"), N_("Events: review"),
};

static void
print_text (const SdShopSummary *summary)
{
  const SdStoreStats *stats = &summary->counts;

  print_count (_("Customers"), stats->customers);
  print_count (_("Products"), stats->products);
  print_count (_("Orders"), stats->orders);
  print_count (_("Order lines"), stats->order_lines);
  if (summary->shown_to > summary->shown_from)
    {
      g_autofree char *from = sd_time_format_iso_date (summary->shown_from);
      g_autofree char *to = sd_time_format_iso_date (summary->shown_to - 1);
      /* TRANSLATORS: `shopdesk-cli stats`: the days counted, "Range        2010-12-01 to 2011-12-09" */
      printf (_("Range        %s to %s\n"), from, to);
    }
  for (guint i = 0; i < summary->currencies->len; i++)
    {
      const SdCurrencyFigures *c = g_ptr_array_index (summary->currencies, i);
      g_autofree char *code = sd_cli_printable (c->currency ? c->currency : "");
      /* TRANSLATORS: `shopdesk-cli stats`: revenue in a currency, "Revenue GBP" */
      g_autofree char *revenue = g_strdup_printf (_("Revenue %-4s"), code);

      print_amount (revenue, c->now.revenue_cents, c->currency);
      print_count (_("Orders counted"), c->now.orders_counted);
      print_amount (_("Average order"), c->now.average_order_cents, c->currency);
    }
  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    print_count (_(event_labels[k]), stats->events[k]);
}

/* `stats --verify`: the summaries against a recount, every difference on its own line. */
static int
verify_summaries (SdStore  *store,
                  gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = sd_shop_summary_verify (store, 20, NULL, &error);

  if (found == NULL)
    {
      sd_cli_print_error ("stats", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_bool (w, "ok", found->len == 0);
      sd_json_writer_key (w, "differences");
      sd_json_writer_begin_array (w);
      for (guint i = 0; i < found->len; i++)
        sd_json_writer_string (w, g_ptr_array_index (found, i));
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (found->len == 0)
    printf (_("The summaries agree with the shop's orders, lines, customers and events.\n"));
  if (found->len > 0)
    {
      fprintf (stderr, _("shopdesk-cli stats: the summary tables differ from the shop's data in %u places:\n"),
               found->len);
      for (guint i = 0; i < found->len; i++)
        fprintf (stderr, "  %s\n", (const char *) g_ptr_array_index (found, i));
      return SD_EXIT_FAILED;
    }
  return SD_EXIT_OK;
}

int
sd_cli_stats (SdCliGlobal  *global,
              int           argc,
              char        **argv)
{
  gboolean json = FALSE, verify = FALSE;
  g_autofree char *range_name = NULL, *from = NULL, *to = NULL;
  g_auto(SdCliDp) dp = { NULL };
  GOptionEntry entries[] = {
    SD_CLI_DP_ENTRIES (&dp),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "range", 0, 0, G_OPTION_ARG_STRING, &range_name,
      N_("all|last-30-days|last-90-days|last-12-months up to the newest order, or FIRST..LAST days (default: all)"), "RANGE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Count orders from this day on (YYYY-MM-DD, UTC)"), "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Count orders up to and including this day"), "DATE" },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify,
      N_("Recount the figures from the orders, lines, customers and events and compare them with the summary tables"
      " (exit 1 on a difference)"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) summary = NULL;
  SdRange range;

  if (!sd_cli_parse ("stats", _("count customers, products, orders and events; the figures over a range"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc > 1)
    {
      fprintf (stderr, _("shopdesk-cli stats: unexpected argument “%s”\n"), argv[1]);
      return SD_EXIT_USAGE;
    }
  if (!parse_range (range_name, from, to, &range))
    return SD_EXIT_USAGE;
  if (dp.epsilon)
    {
      SdDpOptions options;
      g_autoptr(SdDpReport) report = NULL;

      if (range_name || from || to)
        {
          fprintf (stderr, _("shopdesk-cli stats: --dp releases all time; --range, --from and --to cannot be given with it\n"));
          return SD_EXIT_USAGE;
        }
      if (!sd_cli_dp_options ("stats", &dp, &options))
        return SD_EXIT_USAGE;
      if (!(store = sd_cli_open_store (global)))
        return SD_EXIT_FAILED;
      if (!(report = sd_dp_report_shop (store, &options, &error)))
        {
          sd_cli_print_error ("stats", error);
          return g_error_matches (error, SD_ERROR, SD_ERROR_INVALID_INPUT) ? SD_EXIT_USAGE : SD_EXIT_FAILED;
        }
      if (json)
        {
          g_autofree char *text = sd_dp_report_to_json (report);
          printf ("%s\n", text);
        }
      else
        sd_cli_dp_print (report);
      return SD_EXIT_OK;
    }

  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  if (verify)
    return verify_summaries (store, json);
  /* The Overview's figures and its top ten by revenue, without the import history. */
  if (!(summary = sd_shop_summary_load_range (store, &range, 10, 0, NULL, &error)))
    {
      sd_cli_print_error ("stats", error);
      return SD_EXIT_FAILED;
    }
  if (json)
    print_json (summary);
  else
    print_text (summary);
  return SD_EXIT_OK;
}
