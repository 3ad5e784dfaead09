/* sd-dp-report.c — shop figures and segment profiles with differential privacy */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sd-dp-report.h"
#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-figures.h"
#include "sd-json-writer.h"
#include "sd-shop-summary.h"

void
sd_dp_options_init (SdDpOptions *o)
{
  *o = (SdDpOptions) {
    .mechanism = SD_DP_LAPLACE,
    .epsilon = 1.0,
    .delta = 1e-6,
    .threshold = 20,
    .orders_bound = 10,
    .revenue_bound_cents = 100000,
  };
}

static void
cell_free (gpointer data)
{
  SdDpCell *cell = data;

  g_free (cell->name);
  g_free (cell);
}

void
sd_dp_report_free (SdDpReport *report)
{
  if (report == NULL)
    return;
  g_free (report->currency);
  g_clear_pointer (&report->cells, g_ptr_array_unref);
  g_free (report);
}

typedef struct {
  gint64 customer_id;
  double orders, revenue_cents;   /* clamped */
} Contribution;

/* Every customer's clamped contribution (the forgotten left out), by customers.id. */
static GHashTable *
contributions (SdStore            *store,
               const SdDpOptions  *options,
               const char         *currency,
               GHashTable        **countries,
               GError            **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT c.id, c.country,"
    " (SELECT count (DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id"
    "   LEFT JOIN products p ON p.id = l.product_id"
    "   WHERE o.customer_id = c.id AND " SD_SQL_ORDER_IS_SALE ("o") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
    "   AND coalesce (o.currency, ?1) IS ?1),"
    " (SELECT coalesce (sum (" SD_SQL_LINE_REVENUE ("l") "), 0) FROM orders o JOIN order_lines l ON l.order_id = o.id"
    "   LEFT JOIN products p ON p.id = l.product_id"
    "   WHERE o.customer_id = c.id AND " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
    "   AND coalesce (o.currency, ?1) IS ?1)"
    " FROM customers c WHERE c.external_id NOT LIKE '" SD_FORGOTTEN_PREFIX "%'", error);
  g_autoptr(GHashTable) by_id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  if (countries)
    *countries = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  if (currency)
    sqlite3_bind_text (stmt, 1, currency, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Contribution *c = g_new (Contribution, 1);
      const char *country = (const char *) sqlite3_column_text (stmt, 1);

      c->customer_id = sqlite3_column_int64 (stmt, 0);
      c->orders = sd_dp_clamp (sqlite3_column_double (stmt, 2), options->orders_bound);
      c->revenue_cents = sd_dp_clamp (sqlite3_column_double (stmt, 3), options->revenue_bound_cents);
      g_hash_table_insert (by_id, &c->customer_id, c);
      if (countries)
        g_hash_table_insert (*countries, &c->customer_id, g_strdup (country && *country ? country : "?"));
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the customers' figures"), error);
      if (countries)
        g_clear_pointer (countries, g_hash_table_unref);
      return NULL;
    }
  return g_steal_pointer (&by_id);
}

static int
by_customers (gconstpointer a,
              gconstpointer b)
{
  const SdDpCell *x = *(SdDpCell **) a, *y = *(SdDpCell **) b;

  return (x->customers < y->customers) - (x->customers > y->customers);
}

static double
released (double noisy)
{
  /* Post-processing: what cannot be negative is not shown negative. */
  return noisy > 0 ? round (noisy) : 0;
}

/* The three noisy histograms over @n groups of true @count, @orders, @revenue. */
static SdDpReport *
release (const SdDpOptions  *options,
         SdDpGrouping        grouping,
         char               *currency,
         char              **names,
         const double       *count,
         const double       *orders,
         const double       *revenue,
         guint               n,
         GError            **error)
{
  g_autoptr(SdDpRelease) r = sd_dp_release_new (options->mechanism, options->epsilon, options->delta, 3,
                                                options->threshold, error);
  g_autofree double *noisy_count = g_new (double, MAX (n, 1));
  g_autofree double *noisy_orders = g_new (double, MAX (n, 1));
  g_autofree double *noisy_revenue = g_new (double, MAX (n, 1));
  SdDpReport *report;

  if (r == NULL)
    {
      g_free (currency);
      return NULL;
    }
  if (!(options->orders_bound > 0) || !(options->revenue_bound_cents > 0))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("The most a customer may add to orders and to revenue must be above 0"));
      g_free (currency);
      return NULL;
    }
  if (!sd_dp_release_cells (r, count, n, 1.0, noisy_count, error) ||
      !sd_dp_release_cells (r, orders, n, options->orders_bound, noisy_orders, error) ||
      !sd_dp_release_cells (r, revenue, n, options->revenue_bound_cents, noisy_revenue, error))
    {
      g_free (currency);
      return NULL;
    }

  report = g_new0 (SdDpReport, 1);
  report->options = *options;
  report->grouping = grouping;
  report->currency = currency;
  report->n_queries = sd_dp_release_n_queries (r);
  report->epsilon_spent = sd_dp_release_spent (r);
  report->epsilon_per_query = sd_dp_release_query_epsilon (r);
  report->count_scale = sd_dp_release_scale (r, 1.0);
  report->orders_scale = sd_dp_release_scale (r, options->orders_bound);
  report->revenue_scale = sd_dp_release_scale (r, options->revenue_bound_cents);
  report->cells = g_ptr_array_new_with_free_func (cell_free);
  for (guint i = 0; i < n; i++)
    {
      SdDpCell *cell;

      report->total.customers += noisy_count[i];
      report->total.orders += noisy_orders[i];
      report->total.revenue_cents += noisy_revenue[i];
      if (sd_dp_release_suppress (r, noisy_count[i]) || count[i] < options->threshold)
        {
          report->n_suppressed++;
          continue;
        }
      cell = g_new0 (SdDpCell, 1);
      cell->name = g_strdup (names[i]);
      cell->customers = released (noisy_count[i]);
      cell->orders = released (noisy_orders[i]);
      cell->revenue_cents = released (noisy_revenue[i]);
      cell->average_order_cents = cell->orders >= 1 ? round (cell->revenue_cents / cell->orders) : 0;
      g_ptr_array_add (report->cells, cell);
    }
  report->total.customers = released (report->total.customers);
  report->total.orders = released (report->total.orders);
  report->total.revenue_cents = released (report->total.revenue_cents);
  report->total.average_order_cents = report->total.orders >= 1
                                      ? round (report->total.revenue_cents / report->total.orders) : 0;
  g_ptr_array_sort (report->cells, by_customers);
  return report;
}

SdDpReport *
sd_dp_report_shop (SdStore            *store,
                   const SdDpOptions  *options,
                   GError            **error)
{
  char *currency = sd_shop_currency (store);
  g_autoptr(GHashTable) countries = NULL;
  g_autoptr(GHashTable) by_id = contributions (store, options, currency, &countries, error);
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GArray) count = NULL, orders = NULL, revenue = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (by_id == NULL)
    {
      g_free (currency);
      return NULL;
    }
  index = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_ptr_array_new ();
  count = g_array_new (FALSE, TRUE, sizeof (double));
  orders = g_array_new (FALSE, TRUE, sizeof (double));
  revenue = g_array_new (FALSE, TRUE, sizeof (double));
  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Contribution *c = value;
      const char *country = g_hash_table_lookup (countries, key);
      gpointer slot;
      guint i;

      if (!g_hash_table_lookup_extended (index, country, NULL, &slot))
        {
          slot = GUINT_TO_POINTER (names->len);
          g_hash_table_insert (index, (gpointer) country, slot);
          g_ptr_array_add (names, (gpointer) country);
          g_array_set_size (count, names->len);
          g_array_set_size (orders, names->len);
          g_array_set_size (revenue, names->len);
        }
      i = GPOINTER_TO_UINT (slot);
      g_array_index (count, double, i) += 1;
      g_array_index (orders, double, i) += c->orders;
      g_array_index (revenue, double, i) += c->revenue_cents;
    }
  return release (options, SD_DP_BY_COUNTRY, currency, (char **) names->pdata,
                  (double *) count->data, (double *) orders->data, (double *) revenue->data, names->len, error);
}

SdDpReport *
sd_dp_report_groups (SdStore            *store,
                     const SdDpOptions  *options,
                     const char *const  *names,
                     GArray            **members,
                     guint               n_groups,
                     GError            **error)
{
  char *currency = sd_shop_currency (store);
  g_autoptr(GHashTable) by_id = contributions (store, options, currency, NULL, error);
  g_autofree double *count = g_new0 (double, MAX (n_groups, 1));
  g_autofree double *orders = g_new0 (double, MAX (n_groups, 1));
  g_autofree double *revenue = g_new0 (double, MAX (n_groups, 1));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  if (by_id == NULL)
    {
      g_free (currency);
      return NULL;
    }
  for (guint g = 0; g < n_groups; g++)
    for (guint m = 0; m < members[g]->len; m++)
      {
        gint64 id = g_array_index (members[g], gint64, m);
        Contribution *c = g_hash_table_lookup (by_id, &id);

        /* Each customer in one group only: the groups are disjoint, so a histogram query
         * costs one share of ε. */
        if (c == NULL || g_hash_table_contains (seen, &c->customer_id))
          continue;
        g_hash_table_add (seen, &c->customer_id);
        count[g] += 1;
        orders[g] += c->orders;
        revenue[g] += c->revenue_cents;
      }
  return release (options, SD_DP_BY_SEGMENT, currency, (char **) names, count, orders, revenue, n_groups, error);
}

static void
write_cell (SdJsonWriter   *w,
            const SdDpCell *cell)
{
  sd_json_writer_member_int (w, "customers", (gint64) cell->customers);
  sd_json_writer_member_int (w, "orders", (gint64) cell->orders);
  sd_json_writer_member_int (w, "revenue_cents", (gint64) cell->revenue_cents);
  sd_json_writer_member_int (w, "average_order_cents", (gint64) cell->average_order_cents);
}

char *
sd_dp_report_to_json (const SdDpReport *report)
{
  SdJsonWriter *w = sd_json_writer_new ();
  const SdDpOptions *o = &report->options;

  sd_json_writer_begin_object (w);
  sd_json_writer_key (w, "differential_privacy");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "mechanism", sd_dp_mechanism_to_string (o->mechanism));
  sd_json_writer_member_double (w, "epsilon", o->epsilon);
  if (o->mechanism == SD_DP_GAUSSIAN)
    sd_json_writer_member_double (w, "delta", o->delta);
  sd_json_writer_member_double (w, "epsilon_spent", report->epsilon_spent);
  sd_json_writer_member_int (w, "queries", report->n_queries);
  sd_json_writer_member_double (w, "epsilon_per_query", report->epsilon_per_query);
  sd_json_writer_member_double (w, "threshold_customers", o->threshold);
  sd_json_writer_member_double (w, "orders_per_customer_at_most", o->orders_bound);
  sd_json_writer_member_double (w, "revenue_cents_per_customer_at_most", o->revenue_bound_cents);
  sd_json_writer_key (w, "noise_scale");
  sd_json_writer_begin_object (w);
  sd_json_writer_member_double (w, "customers", report->count_scale);
  sd_json_writer_member_double (w, "orders", report->orders_scale);
  sd_json_writer_member_double (w, "revenue_cents", report->revenue_scale);
  sd_json_writer_end_object (w);
  sd_json_writer_member_int (w, "groups_suppressed", report->n_suppressed);
  sd_json_writer_end_object (w);
  sd_json_writer_member_string (w, "currency", report->currency);
  write_cell (w, &report->total);
  sd_json_writer_key (w, report->grouping == SD_DP_BY_COUNTRY ? "countries" : "segments");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < report->cells->len; i++)
    {
      const SdDpCell *cell = g_ptr_array_index (report->cells, i);

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "name", cell->name);
      write_cell (w, cell);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (w);
}
