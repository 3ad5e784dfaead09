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
 * their figures computed again from the base tables (fold_batch_lines), and those into
 * the totals. */
static const char *const batch_clear_steps[] = {
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
};

/* The batch's orders, then every line of them with what sd-figures.h says of it;
 * fold_batch_lines sums the lines per order as sd-shop-summary.c's load_figures does
 * (what it earned, its units, whether it is counted; orders without lines have no
 * figures) and per day, currency and product for the top lists (lines of products that
 * exist, as sd-shop-summary.c joins them). CROSS JOIN keeps the batch's days outside:
 * left to itself, the planner walks every order. */
#define BATCH_ORDERS \
  " FROM temp.summary_batch b CROSS JOIN orders o ON o.placed_at >= b.day AND o.placed_at < b.day + 86400"
/* Whether a line of the order counts, for a line of each sign of quantity (positive, zero,
 * negative), for lines summed from memory (sd_summary_refresh_with_lines): sd-figures.h
 * decides a line by its order and the sign of its quantity. */
static const char batch_orders_sql[] =
  "SELECT o.id, b.day, upper(coalesce(nullif(trim(o.currency), ''), '')), o.customer_id, o.placed_at,"
  "       " SD_SQL_ORDER_IS_SALE ("o") ","
  "       " SD_SQL_LINE_COUNTS ("o", "pos") ", " SD_SQL_LINE_COUNTS ("o", "zero") ","
  "       " SD_SQL_LINE_COUNTS ("o", "neg")
  BATCH_ORDERS
  " CROSS JOIN (SELECT 1 AS quantity) pos CROSS JOIN (SELECT 0 AS quantity) zero"
  " CROSS JOIN (SELECT -1 AS quantity) neg";
static const char batch_lines_sql[] =
  "SELECT o.id, " SD_SQL_LINE_COUNTS ("o", "l") " AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ","
  "       l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ","
  "       p.id IS NOT NULL, l.product_id, l.quantity, " SD_SQL_LINE_REVENUE ("l")
  BATCH_ORDERS
  " JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id";
#undef BATCH_ORDERS
enum { L_ORDER, L_COUNTS, L_MERCH_UNITS, L_HAS_PRODUCT, L_PRODUCT, L_QUANTITY, L_REVENUE };

static const char *const batch_fold_steps[] = {
  "INSERT INTO summary_days"
  " SELECT day, currency, count(*), sum(counted), sum(revenue_cents), sum(units),"
  "        min(CASE WHEN counted THEN placed_at END), max(CASE WHEN counted THEN placed_at END)"
  " FROM temp.summary_orders GROUP BY day, currency",
  "INSERT INTO summary_customer_days"
  " SELECT DISTINCT day, currency, customer_id FROM temp.summary_orders"
  " WHERE counted AND customer_id IS NOT NULL",
  "INSERT INTO summary_active (currency, customer_id, days)"
  " SELECT currency, customer_id, count(*) FROM summary_customer_days"
  " WHERE day IN (SELECT day FROM temp.summary_batch) GROUP BY currency, customer_id"
  " ON CONFLICT DO UPDATE SET days = days + excluded.days",
  "DELETE FROM summary_active WHERE days <= 0",
  "DELETE FROM summary_dirty_days WHERE day IN (SELECT day FROM temp.summary_batch)",
};

typedef struct {
  gint64      day;
  const char *currency;     /* interned in the batch's string chunk */
  gint64      id;           /* order or product */
  gint64      customer_id;  /* orders: 0 for none */
  gint64      placed_at;
  gint64      revenue_cents, units;
  gboolean    sale, any_merchandise, has_lines;
  gboolean    counts[3];    /* orders: whether a line counts, by its quantity's sign */
} FoldRow;

static guint
fold_row_hash (gconstpointer data)
{
  const FoldRow *r = data;

  return g_int64_hash (&r->day) * 31u + g_direct_hash (r->currency) * 17u + g_int64_hash (&r->id);
}

static gboolean
fold_row_equal (gconstpointer a,
                gconstpointer b)
{
  const FoldRow *x = a, *y = b;

  return x->day == y->day && x->currency == y->currency && x->id == y->id;
}

static int
fold_row_compare (gconstpointer a,
                  gconstpointer b)
{
  const FoldRow *x = *(FoldRow *const *) a, *y = *(FoldRow *const *) b;
  int c;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  /* interned: the same currency is the same pointer */
  if (x->currency != y->currency && (c = strcmp (x->currency, y->currency)) != 0)
    return c;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* FoldRows by the thousand: a batch's product-days are tens of thousands, each made by
 * one line and freed together, so neither needs a malloc and a free of its own. */
#define FOLD_BLOCK_ROWS 1024

typedef struct {
  GPtrArray *blocks;
  guint      used;     /* of the last block */
} FoldArena;

static FoldRow *
fold_arena_add (FoldArena     *arena,
                const FoldRow *row)
{
  FoldRow *block;

  if (arena->blocks->len == 0 || arena->used == FOLD_BLOCK_ROWS)
    {
      g_ptr_array_add (arena->blocks, g_new (FoldRow, FOLD_BLOCK_ROWS));
      arena->used = 0;
    }
  block = g_ptr_array_index (arena->blocks, arena->blocks->len - 1);
  block[arena->used] = *row;
  return &block[arena->used++];
}

/* Rows written per statement */
#define ROWS_PER_INSERT 64

/* Binds @row's columns from parameter @first + 1 on. */
typedef void (*BindRow) (SdStmt *stmt, int first, const FoldRow *row);

static void
bind_order (SdStmt        *stmt,
            int            first,
            const FoldRow *o)
{
  sqlite3_bind_int64 (stmt, first + 1, o->day);
  sqlite3_bind_text (stmt, first + 2, o->currency, -1, SQLITE_STATIC);
  if (o->customer_id)
    sqlite3_bind_int64 (stmt, first + 3, o->customer_id);
  else
    sqlite3_bind_null (stmt, first + 3);
  sqlite3_bind_int64 (stmt, first + 4, o->placed_at);
  sqlite3_bind_int64 (stmt, first + 5, o->revenue_cents);
  sqlite3_bind_int64 (stmt, first + 6, o->units);
  sqlite3_bind_int (stmt, first + 7, o->sale && o->any_merchandise);
}

static void
bind_product_day (SdStmt        *stmt,
                  int            first,
                  const FoldRow *p)
{
  sqlite3_bind_int64 (stmt, first + 1, p->day);
  sqlite3_bind_text (stmt, first + 2, p->currency, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 3, p->id);
  sqlite3_bind_int64 (stmt, first + 4, p->revenue_cents);
  sqlite3_bind_int64 (stmt, first + 5, p->units);
}

/* @rows (FoldRow *) into the table of @head ("INSERT INTO t"), of @n_columns each,
 * ROWS_PER_INSERT to a statement. */
static gboolean
insert_rows (SdStore     *store,
             const char  *head,
             int          n_columns,
             GPtrArray   *rows,
             BindRow      bind,
             GError     **error)
{
  g_autofree char *many_sql = sd_store_values_sql (head, n_columns, ROWS_PER_INSERT, "");
  g_autofree char *one_sql = sd_store_values_sql (head, n_columns, 1, "");
  g_autoptr(SdStmt) many = NULL;
  g_autoptr(SdStmt) one = NULL;

  if (!(many = sd_store_prepare (store, many_sql, error)) ||
      !(one = sd_store_prepare (store, one_sql, error)))
    return FALSE;
  for (guint i = 0; i < rows->len; )
    {
      guint n = rows->len - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
      SdStmt *stmt = n > 1 ? many : one;

      for (guint r = 0; r < n; r++)
        bind (stmt, r * n_columns, rows->pdata[i + r]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not update the shop's summaries"), error);
      sqlite3_reset (stmt);
      i += n;
    }
  return TRUE;
}

/* One line of @order into its sums; TRUE when it also counts in its product's figures
 * of the day. */
static gboolean
fold_order_line (FoldRow  *order,
                 gboolean  counts,
                 gboolean  merchandise_units,
                 gboolean  has_product,
                 gint64    quantity,
                 gint64    revenue)
{
  order->has_lines = TRUE;
  order->any_merchandise |= merchandise_units;
  if (!counts)
    return FALSE;
  order->revenue_cents += revenue;
  order->units += quantity;
  return has_product;
}

/* One line of @order into its sums and its product's of the day. */
static void
fold_line (FoldRow    *order,
           GHashTable *products,
           FoldArena  *arena,
           gboolean    counts,
           gboolean    merchandise_units,
           gboolean    has_product,
           gint64      product_id,
           gint64      quantity,
           gint64      revenue)
{
  FoldRow key, *product;

  if (!fold_order_line (order, counts, merchandise_units, has_product, quantity, revenue))
    return;
  key = (FoldRow) { .day = order->day, .currency = order->currency, .id = product_id };
  if (!(product = g_hash_table_lookup (products, &key)))
    {
      product = fold_arena_add (arena, &key);
      g_hash_table_add (products, product);
    }
  product->revenue_cents += revenue;
  product->units += quantity;
}

static int
compare_ids (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* For lines summed from memory: which products are not merchandise (sd-figures.h), and a
 * product's place among the rows of the day being summed, both by product id. */
typedef struct {
  gint64  n;                /* product ids below this */
  guint8 *not_merchandise;
  gint32 *row_of;           /* -1: none yet */
} KnownProducts;

static void
known_products_free (KnownProducts *known)
{
  g_free (known->not_merchandise);
  g_free (known->row_of);
  g_free (known);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KnownProducts, known_products_free)

/* Products' ids are rowids, dense; a shop whose ids are not (or so many that the arrays
 * would not be small) has its lines summed by the shop instead: NULL, error unset. */
#define KNOWN_PRODUCTS_MAX (64 * 1024 * 1024)

static KnownProducts *
known_products_load (SdStore               *store,
                     const SdSummaryLines  *lines,
                     GError               **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(KnownProducts) known = g_new0 (KnownProducts, 1);
  gint64 max = 0;
  int rc;

  if (!sd_store_count (store, "SELECT coalesce(max(id), 0) FROM products", &max, error))
    return NULL;
  /* The lines' products too, were one gone */
  for (gsize i = 0; i < lines->n_lines; i++)
    max = MAX (max, lines->lines[i].product_id);
  if (max < 0 || max >= KNOWN_PRODUCTS_MAX)
    return NULL;
  known->n = max + 1;
  known->not_merchandise = g_new0 (guint8, known->n);
  known->row_of = g_new (gint32, known->n);
  memset (known->row_of, 0xff, known->n * sizeof (gint32));
  stmt = sd_store_prepare (store, "SELECT id FROM products p WHERE NOT " SD_SQL_PRODUCT_IS_MERCHANDISE ("p"), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      if (id >= 0 && id < known->n)
        known->not_merchandise[id] = 1;
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not update the shop's summaries"), error);
      return NULL;
    }
  return g_steal_pointer (&known);
}

static int
compare_row_ids (gconstpointer a,
                 gconstpointer b)
{
  const FoldRow *x = *(FoldRow *const *) a, *y = *(FoldRow *const *) b;

  return x->id < y->id ? -1 : x->id > y->id;
}

/* The lines of the batch's @orders from @known, when it holds every one of them, their
 * products' figures of the day added to @rows in the order of summary_product_days'
 * key; FALSE when the batch has another order, whose lines only the shop knows. A
 * day's (and currency's) orders at a time, its products' figures found by their id in
 * @products rather than by hashing, and only each day's few sorted. */
static gboolean
fold_known_lines (GHashTable           *orders,
                  GPtrArray            *rows,
                  FoldArena            *arena,
                  const SdSummaryLines *known,
                  KnownProducts        *products)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (g_hash_table_size (orders));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (!bsearch (&((FoldRow *) value)->id, known->orders, known->n_orders, sizeof (gint64), compare_ids))
        return FALSE;
      g_ptr_array_add (sorted, value);
    }
  g_ptr_array_sort (sorted, fold_row_compare);

  for (guint i = 0; i < sorted->len; )
    {
      FoldRow *first = sorted->pdata[i];
      guint day_start = rows->len;

      for (; i < sorted->len; i++)
        {
          FoldRow *order = sorted->pdata[i];
          gsize lo = 0, hi = known->n_lines;

          if (order->day != first->day || order->currency != first->currency)
            break;
          /* The order's first line */
          while (lo < hi)
            {
              gsize mid = lo + (hi - lo) / 2;
              if (known->lines[mid].order_id < order->id)
                lo = mid + 1;
              else
                hi = mid;
            }
          for (gsize k = lo; k < known->n_lines && known->lines[k].order_id == order->id; k++)
            {
              const SdSummaryLine *l = &known->lines[k];
              /* known_products_load() took every line's product into account */
              gboolean merchandise = !products->not_merchandise[l->product_id];
              FoldRow *product;

              /* The revenue of a line as SD_SQL_LINE_REVENUE has it; a line of a product
               * that is gone (0) counts in its order only. */
              if (!fold_order_line (order, order->counts[l->quantity > 0 ? 0 : l->quantity == 0 ? 1 : 2] && merchandise,
                                    l->quantity > 0 && merchandise, l->product_id != 0,
                                    l->quantity, l->quantity * l->unit_price_cents))
                continue;
              if (products->row_of[l->product_id] < 0)
                {
                  product = fold_arena_add (arena, &(FoldRow) { .day = order->day, .currency = order->currency,
                                                               .id = l->product_id });
                  products->row_of[l->product_id] = rows->len - day_start;
                  g_ptr_array_add (rows, product);
                }
              else
                product = rows->pdata[day_start + products->row_of[l->product_id]];
              product->revenue_cents += l->quantity * l->unit_price_cents;
              product->units += l->quantity;
            }
        }
      /* The day's products in id order, and their places free for the next day. */
      qsort (rows->pdata + day_start, rows->len - day_start, sizeof (gpointer), compare_row_ids);
      for (guint r = day_start; r < rows->len; r++)
        products->row_of[((FoldRow *) rows->pdata[r])->id] = -1;
    }
  return TRUE;
}

/* The sums per order and per product of the batch's days, in C rather than by two GROUP
 * BYs over the same join: SQLite would sort every line twice, which cost three quarters
 * of a first build. The lines come from @known when it has them all (a first import's
 * days), else from the shop. */
static gboolean
fold_batch_lines (SdStore               *store,
                  const SdSummaryLines  *known,
                  KnownProducts         *known_products,
                  GStringChunk          *strings,
                  GHashTable            *totals,
                  GError               **error)
{
  g_autoptr(SdStmt) lines = NULL;
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  FoldArena arena = { blocks, 0 };
  /* order id → its FoldRow in @arena */
  g_autoptr(GHashTable) orders = g_hash_table_new (g_int64_hash, g_int64_equal);
  /* (day, currency, product) → its FoldRow in @arena */
  g_autoptr(GHashTable) products = g_hash_table_new (fold_row_hash, fold_row_equal);
  g_autoptr(GPtrArray) rows = NULL;
  /* the products' figures of the days, in key order, when summed from @known */
  g_autoptr(GPtrArray) known_rows = NULL;
  FoldRow *order = NULL;
  GHashTableIter iter;
  gpointer row;
  int rc;

  if (!(lines = sd_store_prepare (store, batch_orders_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (lines)) == SQLITE_ROW)
    {
      order = fold_arena_add (&arena, &(FoldRow) { 0 });
      order->id = sqlite3_column_int64 (lines, 0);
      order->day = sqlite3_column_int64 (lines, 1);
      order->currency = g_string_chunk_insert_const (strings, (const char *) sqlite3_column_text (lines, 2));
      order->customer_id = sqlite3_column_int64 (lines, 3);
      order->placed_at = sqlite3_column_int64 (lines, 4);
      order->sale = sqlite3_column_int (lines, 5);
      for (int i = 0; i < 3; i++)
        order->counts[i] = sqlite3_column_int (lines, 6 + i);
      g_hash_table_insert (orders, &order->id, order);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not update the shop's summaries"), error);
  sd_stmt_release (g_steal_pointer (&lines));

  if (known && known_products)
    {
      known_rows = g_ptr_array_new ();
      if (!fold_known_lines (orders, known_rows, &arena, known, known_products))
        g_clear_pointer (&known_rows, g_ptr_array_unref);
    }
  if (known_rows == NULL)
    {
      if (!(lines = sd_store_prepare (store, batch_lines_sql, error)))
        return FALSE;
      order = NULL;
      while ((rc = sqlite3_step (lines)) == SQLITE_ROW)
        {
          gint64 order_id = sqlite3_column_int64 (lines, L_ORDER);

          /* An order's lines come together: one lookup per order, not per line. */
          if ((order == NULL || order->id != order_id) &&
              !(order = g_hash_table_lookup (orders, &order_id)))
            continue;   /* not possible inside the transaction; ignored rather than trusted */
          fold_line (order, products, &arena, sqlite3_column_int (lines, L_COUNTS),
                     sqlite3_column_int (lines, L_MERCH_UNITS), sqlite3_column_int (lines, L_HAS_PRODUCT),
                     sqlite3_column_int64 (lines, L_PRODUCT), sqlite3_column_int64 (lines, L_QUANTITY),
                     sqlite3_column_int64 (lines, L_REVENUE));
        }
      if (rc != SQLITE_DONE)
        return sd_store_fail (store, _("Could not update the shop's summaries"), error);
      sd_stmt_release (g_steal_pointer (&lines));
    }

  rows = g_ptr_array_sized_new (g_hash_table_size (orders));
  g_hash_table_iter_init (&iter, orders);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    if (((FoldRow *) row)->has_lines)
      g_ptr_array_add (rows, row);
  if (!insert_rows (store, "INSERT INTO temp.summary_orders", 7, rows, bind_order, error))
    return FALSE;
  g_clear_pointer (&rows, g_ptr_array_unref);

  if (known_rows)
    rows = g_steal_pointer (&known_rows);
  else
    {
      rows = g_ptr_array_sized_new (g_hash_table_size (products));
      g_hash_table_iter_init (&iter, products);
      while (g_hash_table_iter_next (&iter, &row, NULL))
        g_ptr_array_add (rows, row);
      /* In the table's key order: appended rather than inserted all over its pages. */
      g_ptr_array_sort (rows, fold_row_compare);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      FoldRow *p = rows->pdata[i];
      FoldRow key = { .currency = p->currency, .id = p->id }, *total;

      if (!(total = g_hash_table_lookup (totals, &key)))
        {
          total = g_memdup2 (&key, sizeof key);
          g_hash_table_add (totals, total);
        }
      total->revenue_cents += p->revenue_cents;
      total->units += p->units;
    }
  return insert_rows (store, "INSERT INTO summary_product_days", 5, rows, bind_product_day, error);
}

/* The products' figures over all days: what the days folded here added, once for all the
 * batches (each batch's clear step has taken out what its days had before). */
static gboolean
add_product_totals (SdStore     *store,
                    GHashTable  *totals,
                    GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_sized_new (g_hash_table_size (totals));
  g_autoptr(SdStmt) upsert = NULL;
  GHashTableIter iter;
  gpointer row;

  if (g_hash_table_size (totals) == 0)
    return TRUE;
  g_hash_table_iter_init (&iter, totals);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    g_ptr_array_add (rows, row);
  /* In the table's key order, as the days' rows */
  g_ptr_array_sort (rows, fold_row_compare);
  if (!(upsert = sd_store_prepare (store,
                                   "INSERT INTO summary_products (currency, product_id, revenue_cents, units)"
                                   " VALUES (?1, ?2, ?3, ?4)"
                                   " ON CONFLICT DO UPDATE SET revenue_cents = revenue_cents + excluded.revenue_cents,"
                                   "                           units = units + excluded.units", error)))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      FoldRow *p = rows->pdata[i];

      sqlite3_bind_text (upsert, 1, p->currency, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (upsert, 2, p->id);
      sqlite3_bind_int64 (upsert, 3, p->revenue_cents);
      sqlite3_bind_int64 (upsert, 4, p->units);
      if (sqlite3_step (upsert) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not update the shop's summaries"), error);
      sqlite3_reset (upsert);
    }
  sd_stmt_release (g_steal_pointer (&upsert));
  return exec_step (store, "DELETE FROM summary_products WHERE revenue_cents = 0 AND units = 0", error);
}

static gboolean
refresh (SdStore              *store,
         const SdSummaryLines *known,
         SdStoreProgressFunc   progress,
         gpointer              user_data,
         GCancellable         *cancellable,
         GError              **error)
{
  g_autoptr(KnownProducts) known_products = NULL;
  g_autoptr(GStringChunk) strings = g_string_chunk_new (64);
  /* (currency, product) → the sums of its rows of summary_product_days made here */
  g_autoptr(GHashTable) totals = g_hash_table_new_full (fold_row_hash, fold_row_equal, g_free, NULL);
  gint64 n_days = 0, done = 0, n_batch;
  guint n_batches = 0;

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
      for (guint i = 0; i < G_N_ELEMENTS (batch_clear_steps); i++)
        if (!exec_step (store, batch_clear_steps[i], error))
          return FALSE;
      if (known && known_products == NULL && n_batches == 0)
        {
          g_autoptr(GError) local = NULL;

          /* NULL without an error: the shop sums the lines (fold_batch_lines) */
          if (!(known_products = known_products_load (store, known, &local)) && local)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
        }
      n_batches++;
      if (!fold_batch_lines (store, known, known_products, strings, totals, error))
        return FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (batch_fold_steps); i++)
        if (!exec_step (store, batch_fold_steps[i], error))
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
  return add_product_totals (store, totals, error);
}

gboolean
sd_summary_refresh (SdStore  *store,
                    GError  **error)
{
  SdSummaryState state = sd_summary_state (store);

  if (state != SD_SUMMARY_PENDING)
    return TRUE;
  return refresh (store, NULL, NULL, NULL, NULL, error);
}

gboolean
sd_summary_refresh_with_lines (SdStore              *store,
                               const SdSummaryLines *known,
                               GError              **error)
{
  SdSummaryState state = sd_summary_state (store);

  if (state != SD_SUMMARY_PENDING)
    return TRUE;
  return refresh (store, known, NULL, NULL, NULL, error);
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
  return refresh (store, NULL, progress, user_data, cancellable, error) &&
         exec_step (store, "UPDATE summary_state SET built = 1", error);
}

/* What the three triggers would have done for every row appended since begin, in one
 * statement each: ?1, ?2 and ?3 are the rowids order_lines, events and orders had at begin. */
static const char *const bulk_steps[] = {
  "UPDATE summary_counts SET n = n + (SELECT count(*) FROM orders WHERE id > ?3) WHERE what = 2",
  "INSERT INTO summary_order_currencies"
  " SELECT currency, count(*) FROM orders WHERE id > ?3 AND currency IS NOT NULL GROUP BY currency"
  " ON CONFLICT DO UPDATE SET n = n + excluded.n",
  "INSERT OR IGNORE INTO summary_dirty_orders"
  " SELECT id FROM orders WHERE id > ?3 AND id <= (SELECT orders_upto FROM summary_state)",
  "INSERT OR IGNORE INTO summary_dirty_orders"
  " SELECT DISTINCT order_id FROM order_lines"
  " WHERE id > ?1 AND order_id <= (SELECT orders_upto FROM summary_state)",
};

gboolean
sd_summary_bulk_begin (SdStore        *store,
                       SdSummaryBulk  *bulk,
                       GError        **error)
{
  gint64 triggers = 0, lines_empty = 0, events_empty = 0;

  memset (bulk, 0, sizeof *bulk);
  g_return_val_if_fail (sd_store_in_transaction (store), FALSE);
  if (!sd_store_count (store,
                       "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                       " AND name IN ('summary_lines_insert', 'summary_events_insert', 'summary_orders_insert')",
                       &triggers, error))
    return FALSE;
  /* A shop without them has no counts to keep. */
  if (triggers != 3)
    return TRUE;
  if (!sd_store_count (store, "SELECT coalesce(max(id), 0) FROM order_lines", &bulk->lines_before, error) ||
      !sd_store_count (store, "SELECT NOT EXISTS (SELECT 1 FROM order_lines)", &lines_empty, error) ||
      !sd_store_count (store, "SELECT NOT EXISTS (SELECT 1 FROM events)", &events_empty, error) ||
      !sd_store_count (store, "SELECT coalesce(max(id), 0) FROM events", &bulk->events_before, error) ||
      !sd_store_count (store, "SELECT coalesce(max(id), 0) FROM orders", &bulk->orders_before, error) ||
      !sd_store_exec (store,
                      "DROP TRIGGER summary_lines_insert; DROP TRIGGER summary_events_insert;"
                      " DROP TRIGGER summary_orders_insert", error))
    return FALSE;
  bulk->lines_empty = lines_empty != 0;
  bulk->events_empty = events_empty != 0;
  bulk->events_kind = -1;
  bulk->active = TRUE;
  return TRUE;
}

gboolean
sd_summary_bulk_end (SdStore        *store,
                     SdSummaryBulk  *bulk,
                     GError        **error)
{
  /* Into a table empty at begin, every row is new: SQLite counts a whole table from its
   * pages' cell counts without reading a row, where counting those above a rowid reads
   * each, and counting by kind sorts them. */
  const char *const counts[] = {
    bulk->lines_empty
    ? "UPDATE summary_counts SET n = n + (SELECT count(*) FROM order_lines) WHERE what = 3"
    : "UPDATE summary_counts SET n = n + (SELECT count(*) FROM order_lines WHERE id > ?1) WHERE what = 3",
    bulk->events_empty && bulk->events_kind >= 0
    ? "UPDATE summary_counts SET n = n + (SELECT count(*) FROM events) WHERE what = 10 + ?4"
    : "WITH k AS (SELECT kind, count(*) AS n FROM events WHERE id > ?2 GROUP BY kind)"
      " UPDATE summary_counts SET n = summary_counts.n + k.n FROM k WHERE what = 10 + k.kind",
  };

  if (!bulk->active)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (bulk_steps) + G_N_ELEMENTS (counts); i++)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, i < G_N_ELEMENTS (bulk_steps) ? bulk_steps[i]
                                                 : counts[i - G_N_ELEMENTS (bulk_steps)], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, bulk->lines_before);
      sqlite3_bind_int64 (stmt, 2, bulk->events_before);
      sqlite3_bind_int64 (stmt, 3, bulk->orders_before);
      sqlite3_bind_int (stmt, 4, bulk->events_kind);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not update the shop's summaries"), error);
    }
  if (!sd_store_exec (store,
                      SD_SUMMARY_TRIGGER_LINES_INSERT SD_SUMMARY_TRIGGER_EVENTS_INSERT SD_SUMMARY_TRIGGER_ORDERS_INSERT,
                      error))
    return FALSE;
  bulk->active = FALSE;
  return TRUE;
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
