/* sd-shop-summary.c — the shop at a glance: counts, revenue, top products, imports
 *
 * The figures sum over whole tables, which on a large shop takes longer than a frame:
 * the Overview loads them in a job, on the job's own connection. */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sd-error.h"
#include "sd-figures.h"
#include "sd-product-text.h"
#include "sd-shop-summary.h"
#include "sd-summary.h"

static void
top_product_free (SdTopProduct *product)
{
  g_free (product->external_id);
  g_free (product->title);
  g_free (product->category);
  g_free (product);
}

static void
import_record_free (SdImportRecord *record)
{
  g_free (record->file);
  g_free (record->format);
  g_free (record);
}

static void
currency_figures_free (SdCurrencyFigures *figures)
{
  g_free (figures->currency);
  g_free (figures);
}

const char *
sd_range_kind_to_string (SdRangeKind kind)
{
  static const char *const names[] = { "all", "last-30-days", "last-90-days", "last-12-months", "custom" };

  g_return_val_if_fail (kind <= SD_RANGE_CUSTOM, NULL);
  return names[kind];
}

char *
sd_range_to_string (const SdRange *range)
{
  g_autofree char *first = NULL, *last = NULL;

  g_return_val_if_fail (range != NULL && range->kind <= SD_RANGE_CUSTOM, NULL);

  if (range->kind != SD_RANGE_CUSTOM)
    return g_strdup (sd_range_kind_to_string (range->kind));
  first = sd_time_format_iso_date (range->from);
  last = sd_time_format_iso_date (range->to - 1);
  return g_strdup_printf ("%s..%s", first, last);
}

gboolean
sd_range_from_string (const char *text,
                      SdRange    *range)
{
  g_auto(GStrv) days = NULL;
  gint64 first, last;

  g_return_val_if_fail (range != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (SdRangeKind kind = SD_RANGE_ALL; kind < SD_RANGE_CUSTOM; kind++)
    if (g_str_equal (text, sd_range_kind_to_string (kind)))
      {
        *range = (SdRange) { kind, 0, 0 };
        return TRUE;
      }
  days = g_strsplit (text, "..", 3);
  if (g_strv_length (days) != 2 ||
      !sd_time_parse_iso_date (days[0], &first) || !sd_time_parse_iso_date (days[1], &last) || last < first)
    return FALSE;
  *range = (SdRange) { SD_RANGE_CUSTOM, first, last + SD_SECONDS_PER_DAY };
  return TRUE;
}

void
sd_shop_summary_free (SdShopSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->currency);
  g_clear_pointer (&summary->currencies, g_ptr_array_unref);
  g_clear_pointer (&summary->series, g_array_unref);
  g_clear_pointer (&summary->top_by_revenue, g_ptr_array_unref);
  g_clear_pointer (&summary->top_by_units, g_ptr_array_unref);
  g_clear_pointer (&summary->recent_imports, g_ptr_array_unref);
  g_free (summary);
}

gboolean
sd_shop_summary_is_empty (const SdShopSummary *summary)
{
  gint64 events = 0;

  g_return_val_if_fail (summary != NULL, TRUE);

  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    events += summary->counts.events[k];
  return summary->counts.customers + summary->counts.products + summary->counts.orders + events == 0;
}

/* The currency an order's amounts are in, as the figures group them: its own code in upper
 * case, or the shop's (bound as @shop, upper case, "" for none) when it names none. */
#define ORDER_CURRENCY(o, shop) "upper(coalesce(nullif(trim(" o ".currency), ''), " shop "))"

/* ?1, ?2: the period [from, to); ?3: the shop's currency in upper case, "" for none. */
static void
bind_period (SdStmt     *stmt,
             gint64      from,
             gint64      to,
             const char *currency)
{
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_text (stmt, 3, currency ? currency : "", -1, SQLITE_TRANSIENT);
}

/* ---- Top products ---------------------------------------------------------------- */

typedef struct {
  gint64 product_id;
  gint64 revenue;
  gint64 units;
} ProductSums;

static int
cmp_desc (gint64 x,
          gint64 y)
{
  return (y > x) - (y < x);
}

static int
by_revenue_desc (gconstpointer a,
                 gconstpointer b)
{
  const ProductSums *x = a, *y = b;
  int c = cmp_desc (x->revenue, y->revenue);

  return c ? c : -cmp_desc (x->product_id, y->product_id);
}

static int
by_units_desc (gconstpointer a,
               gconstpointer b)
{
  const ProductSums *x = a, *y = b;
  int c = cmp_desc (x->units, y->units);

  return c ? c : -cmp_desc (x->product_id, y->product_id);
}

/* The first @top_n of @sums in the order of @compare, with their titles and categories
 * (both in the chosen language, where the shop names them in it). */
static GPtrArray *
top_products (SdStore       *store,
              GArray        *sums,
              GCompareFunc   compare,
              gboolean       by_revenue,
              guint          top_n,
              GError       **error)
{
  g_autoptr(GPtrArray) top = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);
  g_autoptr(GHashTable) category_names = sd_product_text_categories (store);

  g_array_sort (sums, compare);
  for (guint i = 0; i < sums->len && top->len < top_n; i++)
    {
      ProductSums *p = &g_array_index (sums, ProductSums, i);
      g_autoptr(SdStmt) stmt = NULL;
      SdTopProduct *product;
      int rc;

      if ((by_revenue ? p->revenue : p->units) <= 0)
        break;
      if (!(stmt = sd_store_prepare (store, "SELECT " SD_PRODUCT_TITLE ("p") ", p.category, p.external_id"
                                            " FROM products p WHERE p.id = ?1", error)))
        return NULL;
      sqlite3_bind_int64 (stmt, 1, p->product_id);
      sd_product_text_bind (stmt);
      if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
        continue;   /* deleted since its lines were summed */
      if (rc != SQLITE_ROW)
        {
          sd_store_fail (store, _("Could not rank the products"), error);
          return NULL;
        }
      product = g_new0 (SdTopProduct, 1);
      product->product_id = p->product_id;
      product->title = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      product->category = g_strdup (sd_product_text_category (category_names,
                                                              (const char *) sqlite3_column_text (stmt, 1)));
      product->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      product->revenue_cents = p->revenue;
      product->units = p->units;
      g_ptr_array_add (top, product);
    }
  return g_steal_pointer (&top);
}

/* Both rankings from one pass over the order lines. NOT INDEXED: walking the lines in
 * table order and grouping in a temporary b-tree is four times faster on a real export
 * than following the product index, which jumps all over the table. */
static gboolean
load_top_products (SdStore        *store,
                   gboolean        from_summaries,
                   SdShopSummary  *summary,
                   guint           top_n,
                   GCancellable   *cancellable,
                   GError        **error)
{
#define TOP_PRODUCTS(currency_test) \
  "SELECT l.product_id, sum(" SD_SQL_LINE_REVENUE ("l") "), sum(l.quantity)" \
  " FROM order_lines l NOT INDEXED JOIN orders o ON o.id = l.order_id" \
  " JOIN products p ON p.id = l.product_id" \
  " WHERE " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") \
  "   AND o.placed_at >= ?1 AND o.placed_at < ?2" currency_test \
  " GROUP BY l.product_id"
  /* Testing every line's currency costs half as much again as the rest: only a shop that
   * sells in several needs it. */
  /* The summaries hold the same sums per day (summary_product_days) and over all days
   * (summary_products), by the currency orders name ("" for none: the shop's). */
#define SUMMARY_TOP(table, where) \
  "SELECT product_id, sum(revenue_cents), sum(units) FROM " table " WHERE " where " GROUP BY product_id"
#define IN_CURRENCY "currency IN (?3, '')"
#define IN_DAYS "day >= ?1 AND day < ?2"
  gboolean several = summary->currencies->len > 1;
  gboolean all_days = summary->from == G_MININT64 && summary->to == G_MAXINT64;
  const char *sql =
    !from_summaries ? (several ? TOP_PRODUCTS (" AND " ORDER_CURRENCY ("o", "?3") " = ?3") : TOP_PRODUCTS (""))
    : all_days ? (several ? SUMMARY_TOP ("summary_products", IN_CURRENCY) : SUMMARY_TOP ("summary_products", "1"))
    : several ? SUMMARY_TOP ("summary_product_days", IN_DAYS " AND " IN_CURRENCY)
    : SUMMARY_TOP ("summary_product_days", IN_DAYS);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);
#undef IN_DAYS
#undef IN_CURRENCY
#undef SUMMARY_TOP
#undef TOP_PRODUCTS
  g_autoptr(GArray) sums = g_array_new (FALSE, FALSE, sizeof (ProductSums));
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, summary->from);
  sqlite3_bind_int64 (stmt, 2, summary->to);
  if (several)
    sqlite3_bind_text (stmt, 3, summary->currency ? summary->currency : "", -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ProductSums p = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        sqlite3_column_int64 (stmt, 2) };
      g_array_append_val (sums, p);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not rank the products"), error);
  sd_stmt_release (g_steal_pointer (&stmt));
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_clear_pointer (&summary->top_by_revenue, g_ptr_array_unref);
  g_clear_pointer (&summary->top_by_units, g_ptr_array_unref);
  summary->top_by_revenue = top_products (store, sums, by_revenue_desc, TRUE, top_n, error);
  if (summary->top_by_revenue == NULL)
    return FALSE;
  summary->top_by_units = top_products (store, sums, by_units_desc, FALSE, top_n, error);
  return summary->top_by_units != NULL;
}

/* ---- The rest -------------------------------------------------------------------- */


char *
sd_shop_currency (SdStore *store)
{
  char *code = sd_store_get_setting (store, "shop.currency");

  if (code && *code == '\0')
    g_clear_pointer (&code, g_free);
  return code;
}

static gboolean
load_currency (SdStore        *store,
               gboolean        from_summaries,
               SdShopSummary  *summary,
               GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      from_summaries
                      ? "SELECT currency FROM summary_order_currencies WHERE trim(currency) <> '' AND n > 0"
                        " ORDER BY n DESC, currency LIMIT 1"
                      : "SELECT currency FROM orders WHERE trim(currency) <> ''"
                        " GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1",
                      error);
  g_autofree char *code = NULL;
  int rc;

  /* The shop's own setting first (imports record it): one currency on every page. */
  if (!(code = sd_shop_currency (store)))
    {
      if (stmt == NULL)
        return FALSE;
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        return sd_store_fail (store, _("Could not count"), error);
    }
  /* Orders are grouped by their code in upper case; the shop's is named the same way. */
  if (code && *g_strstrip (code))
    summary->currency = g_ascii_strup (code, -1);
  return TRUE;
}

static gboolean
load_recent_imports (SdStore        *store,
                     SdShopSummary  *summary,
                     guint           n_imports,
                     GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
                                             "SELECT file, format, finished_at, rows_imported, rows_rejected"
                                             " FROM imports ORDER BY finished_at DESC, id DESC LIMIT ?1",
                                             error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, n_imports);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdImportRecord *record = g_new0 (SdImportRecord, 1);

      record->file = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      record->format = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      record->finished_at = sqlite3_column_int64 (stmt, 2);
      record->rows_imported = sqlite3_column_int64 (stmt, 3);
      record->rows_rejected = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (summary->recent_imports, record);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read the import history"), error);
  return TRUE;
}

/* ---- The range and its figures ------------------------------------------------------ */

static gboolean
load_order_span (SdStore        *store,
                 gboolean        from_summaries,
                 SdShopSummary  *summary,
                 GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      from_summaries
                      ? "SELECT min(first_at), max(last_at) FROM summary_days WHERE orders_counted > 0"
                      : "SELECT min(o.placed_at), max(o.placed_at) FROM orders o WHERE " SD_SQL_ORDER_IS_SALE ("o")
                        " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
                        "             WHERE l.order_id = o.id AND l.quantity > 0"
                        "               AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count"), error);
  summary->first_order_at = sqlite3_column_int64 (stmt, 0);
  summary->newest_order_at = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* The relative ranges end with the day of the newest counted order; the previous period
 * is the one of the same length just before. */
static gboolean
resolve_range (SdShopSummary  *summary,
               const SdRange  *range,
               GError        **error)
{
  gboolean has_orders = summary->newest_order_at != 0 || summary->first_order_at != 0;
  gint64 end = sd_time_bucket_next (SD_TIME_BUCKET_DAY, summary->newest_order_at);

  summary->range_kind = range->kind;
  summary->from = G_MININT64;
  summary->to = G_MAXINT64;
  switch (range->kind)
    {
    case SD_RANGE_ALL:
      break;
    case SD_RANGE_LAST_30_DAYS:
    case SD_RANGE_LAST_90_DAYS:
      if (has_orders)
        {
          summary->to = end;
          summary->from = end - (range->kind == SD_RANGE_LAST_30_DAYS ? 30 : 90) * SD_SECONDS_PER_DAY;
        }
      break;
    case SD_RANGE_LAST_12_MONTHS:
      if (has_orders)
        {
          summary->to = end;
          summary->from = sd_time_add_months (end, -12);
        }
      break;
    case SD_RANGE_CUSTOM:
    default:
      if (range->from >= range->to)
        {
          g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                               _("The range ends before it starts: choose a last day on or after the first"));
          return FALSE;
        }
      summary->from = range->from;
      summary->to = range->to;
      break;
    }
  summary->has_previous = summary->from != G_MININT64 && summary->to != G_MAXINT64;
  if (summary->has_previous)
    {
      summary->previous_to = summary->from;
      summary->previous_from = summary->from - (summary->to - summary->from);
    }

  /* What the page and the chart show: the range, an open end at the first or newest order. */
  summary->shown_from = summary->from != G_MININT64 ? summary->from
                        : sd_time_bucket_floor (SD_TIME_BUCKET_DAY, summary->first_order_at);
  summary->shown_to = summary->to != G_MAXINT64 ? summary->to : end;
  if (summary->shown_to < summary->shown_from || (!has_orders && summary->from == G_MININT64))
    summary->shown_to = summary->shown_from;
  summary->bucket = sd_time_bucket_for_span (summary->shown_to - summary->shown_from);
  return TRUE;
}

static SdCurrencyFigures *
currency_figures (SdShopSummary *summary,
                  const char    *currency)
{
  SdCurrencyFigures *figures;

  for (guint i = 0; i < summary->currencies->len; i++)
    {
      figures = g_ptr_array_index (summary->currencies, i);
      if (g_strcmp0 (figures->currency, currency) == 0)
        return figures;
    }
  figures = g_new0 (SdCurrencyFigures, 1);
  figures->currency = g_strdup (currency);
  g_ptr_array_add (summary->currencies, figures);
  return figures;
}

static void
finish_figures (SdFigures *f)
{
  /* Revenue and the orders it came from are counted the same way (sd-figures.h). */
  f->average_order_cents = f->orders_counted > 0
                           ? (gint64) llround ((double) f->revenue_cents / f->orders_counted)
                           : 0;
}

static int
by_revenue_then_code (gconstpointer a,
                      gconstpointer b)
{
  const SdCurrencyFigures *x = *(SdCurrencyFigures **) a, *y = *(SdCurrencyFigures **) b;

  if (x->now.revenue_cents != y->now.revenue_cents)
    return x->now.revenue_cents > y->now.revenue_cents ? -1 : 1;
  return g_strcmp0 (x->currency, y->currency);
}

/* The bucket of the series @t falls in, or NULL beyond the buckets shown (a cancellation
 * after the newest order of an open range). The buckets are sorted: bisection. */
static SdShopBucket *
bucket_of (SdShopSummary *summary,
           gint64         t)
{
  SdShopBucket *first = (SdShopBucket *) (void *) summary->series->data;
  gint64 start = sd_time_bucket_floor (summary->bucket, t);
  guint lo = 0, hi = summary->series->len;

  if (hi == 0)
    return NULL;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (first[mid].start <= start)
        lo = mid;
      else
        hi = mid;
    }
  return first[lo].start == start ? &first[lo] : NULL;
}

/* Every bucket of the series, empty, and the shop's currency's figures, which are always
 * there even when nothing sold in it: returned, NULL without one. */
static SdCurrencyFigures *
start_figures (SdShopSummary *summary)
{
  for (gint64 t = sd_time_bucket_floor (summary->bucket, summary->shown_from); t < summary->shown_to;
       t = sd_time_bucket_next (summary->bucket, t))
    {
      SdShopBucket bucket = { t, 0, 0 };
      g_array_append_val (summary->series, bucket);
    }
  return summary->currency ? currency_figures (summary, summary->currency) : NULL;
}

/* Each currency's figures in the range and the period before, and the range's series in
 * the shop's currency, from one pass over their orders: SQLite sums each order's lines as
 * SD_SQL_LINE_COUNTS says and tells whether it is counted (a sale with a positive
 * merchandise line); its customer is then active. */
static gboolean
load_figures_base (SdStore        *store,
                   SdShopSummary  *summary,
                   GCancellable   *cancellable,
                   GError        **error)
{
#define COUNTS SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT " ORDER_CURRENCY ("o", "?3") ", o.customer_id, o.placed_at,"
                      "       sum(CASE WHEN " COUNTS " THEN " SD_SQL_LINE_REVENUE ("l") " ELSE 0 END),"
                      "       sum(CASE WHEN " COUNTS " THEN l.quantity ELSE 0 END),"
                      "       (" SD_SQL_ORDER_IS_SALE ("o") ")"
                      "        AND max(l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ")"
                      " FROM orders o JOIN order_lines l ON l.order_id = o.id"
                      " LEFT JOIN products p ON p.id = l.product_id"
                      " WHERE o.placed_at >= ?1 AND o.placed_at < ?2"
                      " GROUP BY o.id", error);
#undef COUNTS
  /* SdCurrencyFigures → the customer ids active in it, now and before */
  g_autoptr(GHashTable) active_now = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) active_before = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  SdCurrencyFigures *main = NULL;
  guint rows = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_period (stmt, summary->has_previous ? summary->previous_from : summary->from, summary->to,
               summary->currency);

  main = start_figures (summary);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      SdCurrencyFigures *figures = currency_figures (summary, code && *code ? code : NULL);
      gint64 placed_at = sqlite3_column_int64 (stmt, 2);
      gboolean before = placed_at < summary->from;
      SdFigures *f = before ? &figures->before : &figures->now;
      gint64 revenue = sqlite3_column_int64 (stmt, 3);
      gboolean counted = sqlite3_column_int (stmt, 5) != 0;

      f->revenue_cents += revenue;
      f->units += sqlite3_column_int64 (stmt, 4);
      if (counted)
        {
          GHashTable *sets = before ? active_before : active_now;
          GHashTable *customers = g_hash_table_lookup (sets, figures);

          f->orders_counted++;
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            {
              gint64 id = sqlite3_column_int64 (stmt, 1);

              if (customers == NULL)
                g_hash_table_insert (sets, figures,
                                     (customers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL)));
              if (!g_hash_table_contains (customers, &id))
                g_hash_table_add (customers, g_memdup2 (&id, sizeof id));
            }
        }
      if (!before && figures == main)
        {
          SdShopBucket *bucket = bucket_of (summary, placed_at);

          if (bucket)
            {
              bucket->revenue_cents += revenue;
              bucket->orders_counted += counted;
            }
        }
      if (++rows % 4096 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count"), error);

  for (guint i = 0; i < summary->currencies->len; i++)
    {
      SdCurrencyFigures *figures = g_ptr_array_index (summary->currencies, i);
      GHashTable *now = g_hash_table_lookup (active_now, figures);
      GHashTable *before = g_hash_table_lookup (active_before, figures);

      figures->now.customers_active = now ? g_hash_table_size (now) : 0;
      figures->before.customers_active = before ? g_hash_table_size (before) : 0;
    }
  return TRUE;
}

/* The customers with an order counted in [from, to) in @figures' currency, from the
 * summaries: the shop's currency also takes the orders that name none (""). */
static gboolean
count_active (SdStore                  *store,
              const SdShopSummary      *summary,
              const SdCurrencyFigures  *figures,
              gint64                    from,
              gint64                    to,
              gint64                   *active,
              GError                  **error)
{
  gboolean all_days = from == G_MININT64 && to == G_MAXINT64;
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      all_days
                      ? "SELECT count(DISTINCT customer_id) FROM summary_active WHERE currency IN (?1, ?2)"
                      : "SELECT count(DISTINCT customer_id) FROM summary_customer_days"
                        " WHERE day >= ?3 AND day < ?4 AND currency IN (?1, ?2)", error);
  gboolean takes_none = g_strcmp0 (figures->currency, summary->currency) == 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, figures->currency ? figures->currency : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, takes_none ? "" : (figures->currency ? figures->currency : ""), -1,
                     SQLITE_TRANSIENT);
  if (!all_days)
    {
      sqlite3_bind_int64 (stmt, 3, from);
      sqlite3_bind_int64 (stmt, 4, to);
    }
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count"), error);
  *active = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* load_figures_base's sums from summary_days, a row per day and currency: the same
 * figures, added up over a few hundred rows instead of every order. */
static gboolean
load_figures_summaries (SdStore        *store,
                        SdShopSummary  *summary,
                        GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT currency, day, revenue_cents, units, orders_counted FROM summary_days"
                      " WHERE day >= ?1 AND day < ?2", error);
  SdCurrencyFigures *main = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, summary->has_previous ? summary->previous_from : summary->from);
  sqlite3_bind_int64 (stmt, 2, summary->to);

  main = start_figures (summary);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      SdCurrencyFigures *figures = currency_figures (summary, code && *code ? code : summary->currency);
      gint64 day = sqlite3_column_int64 (stmt, 1);
      gboolean before = day < summary->from;
      SdFigures *f = before ? &figures->before : &figures->now;
      gint64 revenue = sqlite3_column_int64 (stmt, 2);
      gint64 counted = sqlite3_column_int64 (stmt, 4);

      f->revenue_cents += revenue;
      f->units += sqlite3_column_int64 (stmt, 3);
      f->orders_counted += counted;
      if (!before && figures == main)
        {
          SdShopBucket *bucket = bucket_of (summary, day);

          if (bucket)
            {
              bucket->revenue_cents += revenue;
              bucket->orders_counted += counted;
            }
        }
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count"), error);

  for (guint i = 0; i < summary->currencies->len; i++)
    {
      SdCurrencyFigures *figures = g_ptr_array_index (summary->currencies, i);

      if (!count_active (store, summary, figures, summary->from, summary->to,
                         &figures->now.customers_active, error) ||
          (summary->has_previous &&
           !count_active (store, summary, figures, summary->previous_from, summary->previous_to,
                          &figures->before.customers_active, error)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_figures (SdStore        *store,
              gboolean        from_summaries,
              SdShopSummary  *summary,
              GCancellable   *cancellable,
              GError        **error)
{
  SdCurrencyFigures *main;

  if (!(from_summaries ? load_figures_summaries (store, summary, error)
                       : load_figures_base (store, summary, cancellable, error)))
    return FALSE;

  for (guint i = 0; i < summary->currencies->len; i++)
    {
      SdCurrencyFigures *figures = g_ptr_array_index (summary->currencies, i);

      finish_figures (&figures->now);
      finish_figures (&figures->before);
    }
  /* The shop's currency first, the others by what they earned. */
  main = summary->currency && summary->currencies->len > 0 ? g_ptr_array_index (summary->currencies, 0) : NULL;
  if (main)
    g_ptr_array_steal_index (summary->currencies, 0);
  g_ptr_array_sort (summary->currencies, by_revenue_then_code);
  if (main)
    g_ptr_array_insert (summary->currencies, 0, main);
  return TRUE;
}

const SdCurrencyFigures *
sd_shop_summary_main (const SdShopSummary *summary)
{
  static const SdCurrencyFigures none = { 0 };

  g_return_val_if_fail (summary != NULL, &none);
  if (summary->currencies == NULL || summary->currencies->len == 0)
    return &none;
  return g_ptr_array_index (summary->currencies, 0);
}

SdShopSummary *
sd_shop_summary_load (SdStore       *store,
                      guint          top_n,
                      guint          n_imports,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return sd_shop_summary_load_range (store, NULL, top_n, n_imports, cancellable, error);
}

/* Whether the summaries, kept per UTC day, can answer for @range. */
static gboolean
range_on_days (const SdRange *range)
{
  return range == NULL || range->kind != SD_RANGE_CUSTOM ||
         ((range->from == G_MININT64 || range->from % SD_SECONDS_PER_DAY == 0) &&
          (range->to == G_MAXINT64 || range->to % SD_SECONDS_PER_DAY == 0));
}

SdShopSummary *
sd_shop_summary_load_range (SdStore        *store,
                            const SdRange  *range,
                            guint           top_n,
                            guint           n_imports,
                            GCancellable   *cancellable,
                            GError        **error)
{
  SdSummaryState state;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  /* A shop just migrated builds its summaries here, in the caller's job; one that cannot
   * (read-only, or another connection is writing) is counted from the base tables. */
  state = sd_summary_state (store);
  if (state == SD_SUMMARY_UNBUILT || state == SD_SUMMARY_PENDING)
    {
      g_autoptr(GError) local = NULL;

      if (!sd_summary_ensure (store, cancellable, &local))
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          g_debug ("Summaries not built, counting the base tables: %s", local->message);
        }
    }
  return sd_shop_summary_load_from (store, range, top_n, n_imports,
                                    sd_summary_usable (store) && range_on_days (range)
                                    ? SD_SUMMARY_SOURCE_SUMMARIES : SD_SUMMARY_SOURCE_BASE,
                                    cancellable, error);
}

SdShopSummary *
sd_shop_summary_load_from (SdStore          *store,
                           const SdRange    *range,
                           guint             top_n,
                           guint             n_imports,
                           SdSummarySource   source,
                           GCancellable     *cancellable,
                           GError          **error)
{
  static const SdRange all_time = { SD_RANGE_ALL, 0, 0 };
  g_autoptr(SdShopSummary) summary = g_new0 (SdShopSummary, 1);
  gboolean from_summaries = source == SD_SUMMARY_SOURCE_SUMMARIES;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (range == NULL || range->kind <= SD_RANGE_CUSTOM, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  summary->top_by_revenue = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);
  summary->top_by_units = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);
  summary->recent_imports = g_ptr_array_new_with_free_func ((GDestroyNotify) import_record_free);
  summary->currencies = g_ptr_array_new_with_free_func ((GDestroyNotify) currency_figures_free);
  summary->series = g_array_new (FALSE, FALSE, sizeof (SdShopBucket));

  if (!sd_summary_get_stats (store, !from_summaries, &summary->counts, error) ||
      !load_currency (store, from_summaries, summary, error) ||
      !load_order_span (store, from_summaries, summary, error) ||
      !resolve_range (summary, range ? range : &all_time, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!load_figures (store, from_summaries, summary, cancellable, error))
    return NULL;

  if (!(from_summaries ? sd_summary_count_countries (store, &summary->countries, error)
                       : sd_store_count (store, "SELECT count(DISTINCT country) FROM customers", &summary->countries, error)) ||
      !sd_store_count (store, "SELECT count(DISTINCT category) FROM products", &summary->categories, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (top_n > 0 && !load_top_products (store, from_summaries, summary, top_n, cancellable, error))
    return NULL;
  if (n_imports > 0 && !load_recent_imports (store, summary, n_imports, error))
    return NULL;
  return g_steal_pointer (&summary);
}

/* ---- Checking the summaries ----------------------------------------------------------- */

static void
differ (GPtrArray  *found,
        const char *range,
        const char *what,
        gint64      kept,
        gint64      counted)
{
  if (kept != counted)
    g_ptr_array_add (found, g_strdup_printf (_("range %s: %s is %lld in the summaries, %lld counted"),
                                             range, what, (long long) kept, (long long) counted));
}

static void
differ_figures (GPtrArray       *found,
                const char      *range,
                const char      *currency,
                const char      *period,
                const SdFigures *kept,
                const SdFigures *counted)
{
  static const struct { const char *name; gsize offset; } fields[] = {
    { "revenue_cents", G_STRUCT_OFFSET (SdFigures, revenue_cents) },
    { "orders_counted", G_STRUCT_OFFSET (SdFigures, orders_counted) },
    { "average_order_cents", G_STRUCT_OFFSET (SdFigures, average_order_cents) },
    { "units", G_STRUCT_OFFSET (SdFigures, units) },
    { "customers_active", G_STRUCT_OFFSET (SdFigures, customers_active) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s %s %s", currency ? currency : "-", period, fields[i].name);

      differ (found, range, what, G_STRUCT_MEMBER (gint64, kept, fields[i].offset),
              G_STRUCT_MEMBER (gint64, counted, fields[i].offset));
    }
}

static void
differ_top (GPtrArray       *found,
            const char      *range,
            const char      *list,
            const GPtrArray *kept,
            const GPtrArray *counted)
{
  differ (found, range, list, kept->len, counted->len);
  for (guint i = 0; i < MIN (kept->len, counted->len); i++)
    {
      const SdTopProduct *a = g_ptr_array_index (kept, i), *b = g_ptr_array_index (counted, i);
      g_autofree char *what = g_strdup_printf ("%s #%u", list, i + 1);
      g_autofree char *revenue = g_strdup_printf ("%s #%u revenue_cents", list, i + 1);
      g_autofree char *units = g_strdup_printf ("%s #%u units", list, i + 1);

      differ (found, range, what, a->product_id, b->product_id);
      differ (found, range, revenue, a->revenue_cents, b->revenue_cents);
      differ (found, range, units, a->units, b->units);
    }
}

static void
compare_summaries (GPtrArray           *found,
                   const char          *range,
                   const SdShopSummary *kept,
                   const SdShopSummary *counted)
{
  const SdStoreStats *a = &kept->counts, *b = &counted->counts;

  differ (found, range, "customers", a->customers, b->customers);
  differ (found, range, "products", a->products, b->products);
  differ (found, range, "orders", a->orders, b->orders);
  differ (found, range, "order_lines", a->order_lines, b->order_lines);
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_autofree char *what = g_strdup_printf ("events %s", sd_event_kind_to_string (k));
      differ (found, range, what, a->events[k], b->events[k]);
    }
  differ (found, range, "revenue_cents (all currencies)", a->revenue_cents, b->revenue_cents);
  differ (found, range, "orders_counted (all currencies)", a->orders_counted, b->orders_counted);
  differ (found, range, "countries", kept->countries, counted->countries);
  differ (found, range, "categories", kept->categories, counted->categories);
  if (g_strcmp0 (kept->currency, counted->currency) != 0)
    g_ptr_array_add (found, g_strdup_printf (_("range %s: the shop's currency is %s in the summaries, %s counted"),
                                             range, kept->currency ? kept->currency : "-",
                                             counted->currency ? counted->currency : "-"));
  differ (found, range, "first_order_at", kept->first_order_at, counted->first_order_at);
  differ (found, range, "newest_order_at", kept->newest_order_at, counted->newest_order_at);
  differ (found, range, "from", kept->from, counted->from);
  differ (found, range, "to", kept->to, counted->to);
  differ (found, range, "currencies", kept->currencies->len, counted->currencies->len);
  for (guint i = 0; i < MIN (kept->currencies->len, counted->currencies->len); i++)
    {
      const SdCurrencyFigures *x = g_ptr_array_index (kept->currencies, i);
      const SdCurrencyFigures *y = g_ptr_array_index (counted->currencies, i);

      if (g_strcmp0 (x->currency, y->currency) != 0)
        {
          g_ptr_array_add (found, g_strdup_printf (_("range %s: currency #%u is %s in the summaries, %s counted"),
                                                   range, i + 1, x->currency ? x->currency : "-",
                                                   y->currency ? y->currency : "-"));
          continue;
        }
      differ_figures (found, range, x->currency, "now", &x->now, &y->now);
      differ_figures (found, range, x->currency, "before", &x->before, &y->before);
    }
  differ (found, range, "buckets", kept->series->len, counted->series->len);
  for (guint i = 0; i < MIN (kept->series->len, counted->series->len); i++)
    {
      const SdShopBucket *x = &g_array_index (kept->series, SdShopBucket, i);
      const SdShopBucket *y = &g_array_index (counted->series, SdShopBucket, i);
      g_autofree char *day = sd_time_format_iso_date (y->start);
      g_autofree char *revenue = g_strdup_printf ("bucket %s revenue_cents", day);
      g_autofree char *orders = g_strdup_printf ("bucket %s orders_counted", day);

      differ (found, range, revenue, x->revenue_cents, y->revenue_cents);
      differ (found, range, orders, x->orders_counted, y->orders_counted);
    }
  differ_top (found, range, "top by revenue", kept->top_by_revenue, counted->top_by_revenue);
  differ_top (found, range, "top by units", kept->top_by_units, counted->top_by_units);
}

GPtrArray *
sd_shop_summary_verify (SdStore       *store,
                        guint          top_n,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  SdSummaryState state;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  state = sd_summary_state (store);
  if (state == SD_SUMMARY_ABSENT)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” has no summary tables: open it with a writable file to update it"),
                   sd_store_get_path (store));
      return NULL;
    }
  /* Changes left out of the summaries are a fault of their own: every writer is meant to
   * fold its changes in before it commits. Only a shop never built gets built here. */
  if (state == SD_SUMMARY_PENDING)
    g_ptr_array_add (found, g_strdup (_("changes were committed without updating the summaries")));
  if (state == SD_SUMMARY_UNBUILT && !sd_summary_ensure (store, cancellable, error))
    return NULL;
  if (!sd_summary_usable (store) && state != SD_SUMMARY_PENDING)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("The summaries of “%s” could not be built (is the file read-only?)"),
                   sd_store_get_path (store));
      return NULL;
    }

  for (SdRangeKind kind = SD_RANGE_ALL; kind < SD_RANGE_CUSTOM; kind++)
    {
      SdRange range = { kind, 0, 0 };
      g_autoptr(SdShopSummary) kept = NULL, counted = NULL;

      if (!(kept = sd_shop_summary_load_from (store, &range, top_n, 0, SD_SUMMARY_SOURCE_SUMMARIES,
                                              cancellable, error)) ||
          !(counted = sd_shop_summary_load_from (store, &range, top_n, 0, SD_SUMMARY_SOURCE_BASE,
                                                 cancellable, error)))
        return NULL;
      compare_summaries (found, sd_range_kind_to_string (kind), kept, counted);
    }
  /* Customers by segment are kept too, for the Customers page: checked as a whole. */
  {
    g_autoptr(SdStmt) stmt =
      sd_store_prepare (store,
                        "WITH counted AS MATERIALIZED (SELECT country, segment, count(*) AS n FROM customers GROUP BY 1, 2),"
                        "     kept AS MATERIALIZED (SELECT CASE WHEN has_country THEN country END,"
                        "                                  CASE WHEN has_segment THEN segment END, n"
                        "                           FROM summary_customer_groups WHERE n <> 0)"
                        "SELECT (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept))"
                        "     + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))", error);

    if (stmt == NULL)
      return NULL;
    if (sqlite3_step (stmt) != SQLITE_ROW)
      {
        sd_store_fail (store, _("Could not count"), error);
        return NULL;
      }
    if (sqlite3_column_int64 (stmt, 0) != 0)
      g_ptr_array_add (found, g_strdup_printf (_("customers by country and segment: %lld groups differ"
                                                 " from the customers table"),
                                               (long long) sqlite3_column_int64 (stmt, 0)));
  }
  return g_steal_pointer (&found);
}
