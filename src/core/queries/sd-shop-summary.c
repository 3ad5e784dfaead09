/* sd-shop-summary.c — the shop at a glance: counts, revenue, top products, imports
 *
 * The figures sum over whole tables, which on a large shop takes longer than a frame:
 * the Overview loads them in a job, on the job's own connection. */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sd-figures.h"
#include "sd-product-text.h"
#include "sd-shop-summary.h"

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

void
sd_shop_summary_free (SdShopSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->currency);
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

/* The first @top_n of @sums in the order of @compare, with their titles and categories. */
static GPtrArray *
top_products (SdStore       *store,
              GArray        *sums,
              GCompareFunc   compare,
              gboolean       by_revenue,
              guint          top_n,
              GError       **error)
{
  g_autoptr(GPtrArray) top = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);

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
      product->category = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
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
                   SdShopSummary  *summary,
                   guint           top_n,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT l.product_id, sum(" SD_SQL_LINE_REVENUE ("l") "), sum(l.quantity)"
                      " FROM order_lines l NOT INDEXED JOIN orders o ON o.id = l.order_id"
                      " JOIN products p ON p.id = l.product_id"
                      " WHERE " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
                      " GROUP BY l.product_id", error);
  g_autoptr(GArray) sums = g_array_new (FALSE, FALSE, sizeof (ProductSums));
  int rc;

  if (stmt == NULL)
    return FALSE;
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

static gboolean
count (SdStore     *store,
       const char  *sql,
       gint64      *out,
       GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count"), error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

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
               SdShopSummary  *summary,
               GError        **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
                                             "SELECT currency FROM orders WHERE currency IS NOT NULL"
                                             " GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1",
                                             error);
  int rc;

  /* The shop's own setting first (imports record it): one currency on every page. */
  if ((summary->currency = sd_shop_currency (store)))
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    summary->currency = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count"), error);
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

SdShopSummary *
sd_shop_summary_load (SdStore       *store,
                      guint          top_n,
                      guint          n_imports,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(SdShopSummary) summary = g_new0 (SdShopSummary, 1);

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  summary->top_by_revenue = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);
  summary->top_by_units = g_ptr_array_new_with_free_func ((GDestroyNotify) top_product_free);
  summary->recent_imports = g_ptr_array_new_with_free_func ((GDestroyNotify) import_record_free);

  if (!sd_store_get_stats (store, &summary->counts, error))
    return NULL;
  /* Revenue and the orders it came from are counted the same way (sd-figures.h): net
   * merchandise sales over the sales with a merchandise line, rounded to the cent. */
  summary->average_order_cents = summary->counts.orders_counted > 0
                                 ? (gint64) llround ((double) summary->counts.revenue_cents / summary->counts.orders_counted)
                                 : 0;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!count (store, "SELECT count(DISTINCT country) FROM customers", &summary->countries, error) ||
      !count (store, "SELECT count(DISTINCT category) FROM products", &summary->categories, error) ||
      !load_currency (store, summary, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (top_n > 0 && !load_top_products (store, summary, top_n, cancellable, error))
    return NULL;
  if (n_imports > 0 && !load_recent_imports (store, summary, n_imports, error))
    return NULL;
  return g_steal_pointer (&summary);
}
