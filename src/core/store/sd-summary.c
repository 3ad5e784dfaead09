/* sd-summary.c — summary tables: the shop's figures kept up to date as it changes
 *
 * The triggers of the migration keep the counts and note what changed; this file folds the
 * changed days into the figures. A day is recomputed whole from the base tables rather
 * than patched line by line: an order's figures depend on all of its lines, its status
 * and its products' kinds, and recomputing a day is cheap next to the write that dirtied
 * it. Days go in batches, so a first build of a large shop neither holds a day's worth of
 * everything in memory nor goes without a cancel check for long. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-figures.h"
#include "sd-summary.h"

/* Days recomputed per batch: a few weeks of a large shop's orders. */
#define DAYS_PER_BATCH 16

SdSummaryState
sd_summary_state (SdStore *store)
{
  sqlite3 *db = sd_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  SdSummaryState state = SD_SUMMARY_ABSENT;

  /* Not the statement cache: a shop older than the summaries has no such table, and
   * that is an answer, not an error. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT built, EXISTS (SELECT 1 FROM summary_dirty_orders)"
                          "              OR EXISTS (SELECT 1 FROM summary_dirty_days)"
                          "              OR EXISTS (SELECT 1 FROM orders WHERE id > orders_upto)"
                          " FROM summary_state", -1, &stmt, NULL) != SQLITE_OK)
    return SD_SUMMARY_ABSENT;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = sqlite3_column_int (stmt, 0) == 0 ? SD_SUMMARY_UNBUILT
            : sqlite3_column_int (stmt, 1) ? SD_SUMMARY_PENDING
            : SD_SUMMARY_READY;
  sqlite3_finalize (stmt);
  return state;
}

gboolean
sd_summary_usable (SdStore *store)
{
  return sd_summary_state (store) == SD_SUMMARY_READY;
}

static gboolean
exec_step (SdStore     *store,
           const char  *sql,
           GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not update the shop's summaries"), error);
  return TRUE;
}

/* The days of temp.summary_batch: their old figures out of the totals and the tables,
 * their figures computed again from the base tables, and those into the totals. */
static const char *const batch_steps[] = {
  "UPDATE summary_products AS t SET revenue_cents = t.revenue_cents - s.r, units = t.units - s.u"
  " FROM (SELECT currency, product_id, sum(revenue_cents) AS r, sum(units) AS u FROM summary_product_days"
  "       WHERE day IN (SELECT day FROM temp.summary_batch) GROUP BY currency, product_id) AS s"
  " WHERE t.currency = s.currency AND t.product_id = s.product_id",
  "UPDATE summary_active AS t SET days = t.days - s.n"
  " FROM (SELECT currency, customer_id, count(*) AS n FROM summary_customer_days"
  "       WHERE day IN (SELECT day FROM temp.summary_batch) GROUP BY currency, customer_id) AS s"
  " WHERE t.currency = s.currency AND t.customer_id = s.customer_id",
  "DELETE FROM summary_days WHERE day IN (SELECT day FROM temp.summary_batch)",
  "DELETE FROM summary_product_days WHERE day IN (SELECT day FROM temp.summary_batch)",
  "DELETE FROM summary_customer_days WHERE day IN (SELECT day FROM temp.summary_batch)",
  "DELETE FROM temp.summary_orders",

  /* Each order of those days with lines, summed as sd-shop-summary.c's load_figures
   * does: what it earned, its units, and whether it is counted. CROSS JOIN keeps the
   * batch's days outside: left to itself, the planner walks every order for GROUP BY. */
#define COUNTS SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
#define CURRENCY "upper(coalesce(nullif(trim(o.currency), ''), ''))"
  "INSERT INTO temp.summary_orders"
  " SELECT b.day, " CURRENCY ", o.customer_id, o.placed_at,"
  "        sum(CASE WHEN " COUNTS " THEN " SD_SQL_LINE_REVENUE ("l") " ELSE 0 END),"
  "        sum(CASE WHEN " COUNTS " THEN l.quantity ELSE 0 END),"
  "        (" SD_SQL_ORDER_IS_SALE ("o") ") AND max(l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")"
  " FROM temp.summary_batch b CROSS JOIN orders o ON o.placed_at >= b.day AND o.placed_at < b.day + 86400"
  " JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id"
  " GROUP BY o.id",
  "INSERT INTO summary_days"
  " SELECT day, currency, count(*), sum(counted), sum(revenue_cents), sum(units),"
  "        min(CASE WHEN counted THEN placed_at END), max(CASE WHEN counted THEN placed_at END)"
  " FROM temp.summary_orders GROUP BY day, currency",
  "INSERT INTO summary_customer_days"
  " SELECT DISTINCT day, currency, customer_id FROM temp.summary_orders"
  " WHERE counted AND customer_id IS NOT NULL",
  /* The top lists' sums: lines of products that exist (sd-shop-summary.c joins them). */
  "INSERT INTO summary_product_days"
  " SELECT b.day, " CURRENCY ", l.product_id, sum(" SD_SQL_LINE_REVENUE ("l") "), sum(l.quantity)"
  " FROM temp.summary_batch b CROSS JOIN orders o ON o.placed_at >= b.day AND o.placed_at < b.day + 86400"
  " JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id"
  " WHERE " COUNTS
  " GROUP BY b.day, 2, l.product_id",
#undef CURRENCY
#undef COUNTS

  "INSERT INTO summary_products (currency, product_id, revenue_cents, units)"
  " SELECT currency, product_id, sum(revenue_cents), sum(units) FROM summary_product_days"
  " WHERE day IN (SELECT day FROM temp.summary_batch) GROUP BY currency, product_id"
  " ON CONFLICT DO UPDATE SET revenue_cents = revenue_cents + excluded.revenue_cents,"
  "                           units = units + excluded.units",
  "DELETE FROM summary_products WHERE revenue_cents = 0 AND units = 0",
  "INSERT INTO summary_active (currency, customer_id, days)"
  " SELECT currency, customer_id, count(*) FROM summary_customer_days"
  " WHERE day IN (SELECT day FROM temp.summary_batch) GROUP BY currency, customer_id"
  " ON CONFLICT DO UPDATE SET days = days + excluded.days",
  "DELETE FROM summary_active WHERE days <= 0",
  "DELETE FROM summary_dirty_days WHERE day IN (SELECT day FROM temp.summary_batch)",
};

static gboolean
refresh (SdStore              *store,
         SdStoreProgressFunc   progress,
         gpointer              user_data,
         GCancellable         *cancellable,
         GError              **error)
{
  gint64 n_days = 0, done = 0, n_batch;

  if (!sd_store_exec (store,
                      "CREATE TEMP TABLE IF NOT EXISTS summary_batch (day INTEGER PRIMARY KEY);"
                      "CREATE TEMP TABLE IF NOT EXISTS summary_orders ("
                      "  day INTEGER, currency TEXT, customer_id INTEGER, placed_at INTEGER,"
                      "  revenue_cents INTEGER, units INTEGER, counted INTEGER)", error))
    return FALSE;
  /* The days of the orders that changed (an order that moved left its old day too), and
   * of the orders added since the last time. */
  if (!exec_step (store,
                  "INSERT OR IGNORE INTO summary_dirty_days"
                  " SELECT DISTINCT " SD_SQL_DAY ("placed_at") " FROM orders"
                  " WHERE id > (SELECT orders_upto FROM summary_state)", error) ||
      !exec_step (store, "UPDATE summary_state SET orders_upto = (SELECT coalesce(max(id), 0) FROM orders)", error) ||
      !exec_step (store,
                  "INSERT OR IGNORE INTO summary_dirty_days"
                  " SELECT DISTINCT " SD_SQL_DAY ("o.placed_at")
                  " FROM summary_dirty_orders d JOIN orders o ON o.id = d.order_id", error) ||
      !exec_step (store, "DELETE FROM summary_dirty_orders", error))
    return FALSE;
  if (progress && !sd_store_count (store, "SELECT count(*) FROM summary_dirty_days", &n_days, error))
    return FALSE;

  for (;;)
    {
      if (!exec_step (store, "DELETE FROM temp.summary_batch", error) ||
          !exec_step (store,
                      "INSERT INTO temp.summary_batch SELECT day FROM summary_dirty_days ORDER BY day LIMIT "
                      G_STRINGIFY (DAYS_PER_BATCH), error))
        return FALSE;
      if ((n_batch = sqlite3_changes (sd_store_get_db (store))) == 0)
        break;
      for (guint i = 0; i < G_N_ELEMENTS (batch_steps); i++)
        if (!exec_step (store, batch_steps[i], error))
          return FALSE;
      done += n_batch;
      if (progress)
        {
          g_autofree char *text = NULL;

          done = MIN (done, n_days);
          text = g_strdup_printf (_("Adding up the shop's figures: %d of %d days"), (int) done, (int) n_days);
          progress (n_days > 0 ? (double) done / n_days : 1.0, text, user_data);
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
sd_summary_refresh (SdStore  *store,
                    GError  **error)
{
  SdSummaryState state = sd_summary_state (store);

  if (state != SD_SUMMARY_PENDING)
    return TRUE;
  return refresh (store, NULL, NULL, NULL, error);
}

gboolean
sd_summary_ensure (SdStore       *store,
                   GCancellable  *cancellable,
                   GError       **error)
{
  SdSummaryState state = sd_summary_state (store);

  if (state == SD_SUMMARY_ABSENT || state == SD_SUMMARY_READY || sd_store_is_read_only (store))
    return TRUE;
  if (!sd_store_begin (store, error))
    return FALSE;
  if (!sd_summary_build (store, NULL, NULL, cancellable, error) ||
      !sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_summary_build (SdStore              *store,
                  SdStoreProgressFunc   progress,
                  gpointer              user_data,
                  GCancellable         *cancellable,
                  GError              **error)
{
  SdSummaryState state = sd_summary_state (store);

  if (state == SD_SUMMARY_ABSENT || state == SD_SUMMARY_READY)
    return TRUE;
  return refresh (store, progress, user_data, cancellable, error) &&
         exec_step (store, "UPDATE summary_state SET built = 1", error);
}

static gboolean
stats_from_summaries (SdStore       *store,
                      SdStoreStats  *stats,
                      GError       **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT what, n FROM summary_counts", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 what = sqlite3_column_int64 (stmt, 0), n = sqlite3_column_int64 (stmt, 1);

      switch (what)
        {
        case 0: stats->customers = n; break;
        case 1: stats->products = n; break;
        case 2: stats->orders = n; break;
        case 3: stats->order_lines = n; break;
        default:
          if (what >= 10 && what < 10 + SD_N_EVENT_KINDS)
            stats->events[what - 10] = n;
          break;
        }
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read the shop's summaries"), error);
  sd_stmt_release (g_steal_pointer (&stmt));
  if (!(stmt = sd_store_prepare (store,
                                 "SELECT coalesce(sum(revenue_cents), 0), coalesce(sum(orders_counted), 0)"
                                 " FROM summary_days", error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not read the shop's summaries"), error);
  stats->revenue_cents = sqlite3_column_int64 (stmt, 0);
  stats->orders_counted = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
stats_from_base (SdStore       *store,
                 SdStoreStats  *stats,
                 GError       **error)
{
  g_autoptr(SdStmt) kinds = NULL;
  int rc;

  if (!sd_store_count (store, "SELECT count(*) FROM customers", &stats->customers, error) ||
      !sd_store_count (store, "SELECT count(*) FROM products", &stats->products, error) ||
      !sd_store_count (store, "SELECT count(*) FROM orders", &stats->orders, error) ||
      !sd_store_count (store, "SELECT count(*) FROM order_lines", &stats->order_lines, error) ||
      !sd_store_count (store,
                   "SELECT coalesce(sum(" SD_SQL_LINE_REVENUE ("l") "), 0)"
                   " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                   " LEFT JOIN products p ON p.id = l.product_id"
                   " WHERE " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p"),
                   &stats->revenue_cents, error) ||
      !sd_store_count (store,
                   "SELECT count(*) FROM orders o WHERE " SD_SQL_ORDER_IS_SALE ("o")
                   " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
                   "             WHERE l.order_id = o.id AND l.quantity > 0"
                   "               AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")",
                   &stats->orders_counted, error))
    return FALSE;

  /* One pass with a sum per kind: GROUP BY would sort every event in a temporary
   * b-tree, a gigabyte of memory on a shop of twenty million events. */
  if (!(kinds = sd_store_prepare (store,
                                  "SELECT coalesce(sum(kind = 0), 0), coalesce(sum(kind = 1), 0),"
                                  " coalesce(sum(kind = 2), 0), coalesce(sum(kind = 3), 0) FROM events",
                                  error)))
    return FALSE;
  if ((rc = sqlite3_step (kinds)) == SQLITE_ROW)
    {
      for (int kind = 0; kind < SD_N_EVENT_KINDS; kind++)
        stats->events[kind] = sqlite3_column_int64 (kinds, kind);
      rc = sqlite3_step (kinds);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count events"), error);
  return TRUE;
}

gboolean
sd_summary_get_stats (SdStore       *store,
                      gboolean       from_base,
                      SdStoreStats  *stats,
                      GError       **error)
{
  memset (stats, 0, sizeof *stats);
  return from_base ? stats_from_base (store, stats, error) : stats_from_summaries (store, stats, error);
}

gboolean
sd_summary_count_countries (SdStore  *store,
                            gint64   *countries,
                            GError  **error)
{
  return sd_store_count (store,
                     "SELECT count(DISTINCT country) FROM summary_customer_groups WHERE has_country AND n > 0",
                     countries, error);
}
