/* sd-import-rows.c — the rows an import writes: customers, products, orders and their lines,
 * events, purchases */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-erasure.h"
#include "sd-import-private.h"
#include "sd-summary.h"

/* The statements of the row loop, kept at hand: finding one in the store's cache
 * hashes its whole SQL text, which costs about as much as a small insert. */
static SdStmt *
hot_prepare (SdImportContext  *ctx,
             guint             slot,
             const char       *sql,
             GError          **error)
{
  if (ctx->hot[slot] == NULL)
    ctx->hot[slot] = sd_store_prepare (ctx->store, sql, error);
  return ctx->hot[slot];
}

static gboolean
step_done (SdImportContext  *ctx,
           SdStmt           *stmt,
           const char       *what,
           GError          **error)
{
  if (sqlite3_step (stmt) == SQLITE_DONE)
    return TRUE;
  sd_store_fail (ctx->store, what, error);
  return FALSE;
}

static gint64
step_id (SdImportContext  *ctx,
         SdStmt           *stmt,
         const char       *what,
         GError          **error)
{
  gint64 id;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sd_store_fail (ctx->store, what, error);
      return -1;
    }
  id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING statements change the database on the first step; finish them. */
  while (sqlite3_step (stmt) == SQLITE_ROW)
    ;
  return id;
}

void
sd_import_bind_text_or_null (SdStmt     *stmt,
                             int         index,
                             const char *value)
{
  if (value && *value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_int_or_null (SdStmt *stmt,
                  int     index,
                  gint64  value,
                  gint64  null_below)
{
  if (value < null_below)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static void
remember_id (GHashTable *map,
             const char *external_id,
             gint64      id)
{
  g_hash_table_insert (map, g_strdup (external_id), g_memdup2 (&id, sizeof id));
}

/* ?1 to ?6: the customer's columns, @name and @email as stored. */
static void
bind_customer (SdStmt                 *stmt,
               const SdImportCustomer *c,
               const char             *name,
               const char             *email)
{
  sqlite3_bind_text (stmt, 1, c->external_id, -1, SQLITE_STATIC);
  sd_import_bind_text_or_null (stmt, 2, name);
  sd_import_bind_text_or_null (stmt, 3, email);
  sd_import_bind_text_or_null (stmt, 4, c->country);
  sd_import_bind_text_or_null (stmt, 5, c->segment);
  bind_int_or_null (stmt, 6, c->created_at, 1);
}

gint64
sd_import_customer_full (SdImportContext         *ctx,
                         const SdImportCustomer  *c,
                         GError                 **error)
{
  /* A new customer is inserted without RETURNING, which costs SQLite a temporary table
   * per row (a tenth of an import of a few thousand customers); one already in the shop
   * then takes what the row has, keeping what it leaves out. */
  g_autoptr(SdStmt) insert =
    sd_store_prepare (ctx->store,
                      "INSERT INTO customers (external_id, name, email, country, segment, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (external_id) DO NOTHING", error);
  g_autoptr(SdStmt) update = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  gint64 id;

  if (insert == NULL)
    return -1;
  if (ctx->has_erasures < 0)
    ctx->has_erasures = sd_erasure_count (ctx->store) > 0;
  if (ctx->has_erasures && sd_erasure_is_forgotten (ctx->store, c->external_id))
    {
      if (!g_hash_table_contains (ctx->customers, c->external_id))
        {
          sd_import_count (ctx, "forgotten-customers-skipped");
          remember_id (ctx->customers, c->external_id, 0);
        }
      return 0;
    }
  name = sd_import_identity (ctx, c->name);
  email = sd_import_identity (ctx, c->email);
  bind_customer (insert, c, name, email);
  if (!step_done (ctx, insert, _("Could not save a customer"), error))
    return -1;
  if (sqlite3_changes (sd_store_get_db (ctx->store)) == 1)
    id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
  else
    {
      update = sd_store_prepare (ctx->store,
                                 "UPDATE customers SET"
                                 "  name = coalesce (?2, name),"
                                 "  email = coalesce (?3, email),"
                                 "  country = coalesce (?4, country),"
                                 "  segment = coalesce (?5, segment),"
                                 "  created_at = coalesce (?6, created_at)"
                                 " WHERE external_id = ?1 RETURNING id", error);
      if (update == NULL)
        return -1;
      bind_customer (update, c, name, email);
      id = step_id (ctx, update, _("Could not save a customer"), error);
    }
  if (id > 0 && !g_hash_table_contains (ctx->customers, c->external_id))
    remember_id (ctx->customers, c->external_id, id);
  return id;
}

gint64
sd_import_customer (SdImportContext  *ctx,
                    const char       *external_id,
                    const char       *name,
                    const char       *email,
                    const char       *country,
                    GError          **error)
{
  SdImportCustomer c = { external_id, name, email, country, NULL, 0 };
  gpointer key, known;

  if (ctx->last_customer_key && strcmp (ctx->last_customer_key, external_id) == 0)
    return *ctx->last_customer;
  if (g_hash_table_lookup_extended (ctx->customers, external_id, &key, &known))
    {
      ctx->last_customer_key = key;
      ctx->last_customer = known;
      return *ctx->last_customer;
    }
  return sd_import_customer_full (ctx, &c, error);
}

gint64
sd_import_product (SdImportContext        *ctx,
                   const SdImportProduct  *p,
                   GError                **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO products (external_id, title, description, category, tags,"
                      "                      price_cents, stock, created_at, status)"
                      " VALUES (?1, coalesce (?2, ?1), ?3, ?4, ?5, coalesce (?6, 0), coalesce (?7, 0), ?8,"
                      "         coalesce (?9, 'active'))"
                      " ON CONFLICT (external_id) DO UPDATE SET"
                      "  title = coalesce (?2, title),"
                      "  description = coalesce (?3, description),"
                      "  category = coalesce (?4, category),"
                      "  tags = coalesce (?5, tags),"
                      "  price_cents = coalesce (?6, price_cents),"
                      "  stock = coalesce (?7, stock),"
                      "  created_at = coalesce (?8, created_at),"
                      "  status = coalesce (?9, status)"
                      " RETURNING id", error);
  gint64 id;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, p->external_id, -1, SQLITE_STATIC);
  sd_import_bind_text_or_null (stmt, 2, p->title);
  sd_import_bind_text_or_null (stmt, 3, p->description);
  sd_import_bind_text_or_null (stmt, 4, p->category);
  sd_import_bind_text_or_null (stmt, 5, p->tags);
  bind_int_or_null (stmt, 6, p->price_cents, 0);
  bind_int_or_null (stmt, 7, p->stock, 0);
  bind_int_or_null (stmt, 8, p->created_at, 1);
  sd_import_bind_text_or_null (stmt, 9, p->status);
  id = step_id (ctx, stmt, _("Could not save a product"), error);
  if (id > 0 && !g_hash_table_contains (ctx->products, p->external_id))
    remember_id (ctx->products, p->external_id, id);
  return id;
}

gint64
sd_import_product_find (SdImportContext  *ctx,
                        const char       *external_id,
                        GError          **error)
{
  gint64 *known = g_hash_table_lookup (ctx->products, external_id);
  g_autoptr(SdStmt) find = NULL;
  gint64 id;

  if (known)
    return *known;
  if (!(find = sd_store_prepare (ctx->store, "SELECT id FROM products WHERE external_id = ?1", error)))
    return -1;
  sqlite3_bind_text (find, 1, external_id, -1, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    return 0;
  id = sqlite3_column_int64 (find, 0);
  remember_id (ctx->products, external_id, id);
  return id;
}

gint64
sd_import_product_ref (SdImportContext  *ctx,
                       const char       *external_id,
                       const char       *title,
                       GError          **error)
{
  gint64 *known = g_hash_table_lookup (ctx->products, external_id);
  gint64 id;

  if (known)
    return *known;
  if ((id = sd_import_product_find (ctx, external_id, error)) != 0)
    return id;
  else
    {
      g_autoptr(SdStmt) insert =
        sd_store_prepare (ctx->store,
                          "INSERT INTO products (external_id, title) VALUES (?1, coalesce (?2, ?1))", error);
      if (insert == NULL)
        return -1;
      sqlite3_bind_text (insert, 1, external_id, -1, SQLITE_STATIC);
      sd_import_bind_text_or_null (insert, 2, title);
      if (!step_done (ctx, insert, _("Could not save a product"), error))
        return -1;
      id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
    }
  remember_id (ctx->products, external_id, id);
  return id;
}

gboolean
sd_import_product_sku (SdImportContext  *ctx,
                       const char       *sku,
                       gint64            product_id,
                       GError          **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO product_skus (sku, product_id) VALUES (?1, ?2)"
                      " ON CONFLICT (sku) DO UPDATE SET product_id = excluded.product_id", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, product_id);
  return step_done (ctx, stmt, _("Could not save a SKU"), error);
}

gint64
sd_import_product_by_sku (SdImportContext  *ctx,
                          const char       *sku,
                          GError          **error)
{
  g_autoptr(SdStmt) find = sd_store_prepare (ctx->store, "SELECT product_id FROM product_skus WHERE sku = ?1", error);

  if (find == NULL)
    return -1;
  sqlite3_bind_text (find, 1, sku, -1, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (find, 0);
}

void
sd_import_order_set_charges (SdImportOrder *order,
                             gint64         charged_cents,
                             gint64         discount_cents,
                             gint64         shipping_cents,
                             gint64         tax_cents)
{
  order->has_charged = TRUE;
  order->charged_cents = charged_cents;
  order->discount_cents = discount_cents;
  order->shipping_cents = shipping_cents;
  order->tax_cents = tax_cents;
}

SdImportOrder *
sd_import_order_lookup (SdImportContext *ctx,
                        const char      *external_id)
{
  return g_hash_table_lookup (ctx->orders, external_id);
}

/* An order's columns, as both of sd_import_order's inserts take them. */
static void
bind_order (SdStmt     *stmt,
            const char *external_id,
            gint64      customer_id,
            gint64      placed_at,
            const char *status,
            const char *currency,
            const char *country)
{
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  bind_int_or_null (stmt, 2, customer_id, 1);
  sqlite3_bind_int64 (stmt, 3, placed_at);
  sqlite3_bind_text (stmt, 4, status && *status ? status : "paid", -1, SQLITE_STATIC);
  sd_import_bind_text_or_null (stmt, 5, currency);
  sd_import_bind_text_or_null (stmt, 6, country);
}

SdImportOrder *
sd_import_order (SdImportContext  *ctx,
                 const char       *external_id,
                 gint64            customer_id,
                 gint64            placed_at,
                 const char       *status,
                 const char       *currency,
                 const char       *country,
                 GError          **error)
{
  SdImportOrder *order;
  g_autoptr(SdStmt) stmt = NULL;
  gpointer key;

  if (ctx->last_order_key && strcmp (ctx->last_order_key, external_id) == 0)
    return ctx->last_order;
  if (g_hash_table_lookup_extended (ctx->orders, external_id, &key, (gpointer *) &order))
    {
      ctx->last_order_key = key;
      return ctx->last_order = order;
    }

  /* Into a shop without orders, each external id is new (the next sight finds it above):
   * a plain insert has no conflict to prepare for, nor a RETURNING to buffer. */
  if (ctx->last_order_before == 0)
    {
      stmt = hot_prepare (ctx, 0,
                          "INSERT INTO orders (external_id, customer_id, placed_at, status, currency, country)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
      if (stmt == NULL)
        return NULL;
      bind_order (stmt, external_id, customer_id, placed_at, status, currency, country);
      if (!step_done (ctx, stmt, _("Could not save an order"), error))
        return NULL;
      order = g_new0 (SdImportOrder, 1);
      order->id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
      g_hash_table_insert (ctx->orders, g_strdup (external_id), order);
      return order;
    }

  stmt = hot_prepare (ctx, 3,
                           "INSERT INTO orders (external_id, customer_id, placed_at, status, currency, country)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                           " ON CONFLICT (external_id) DO UPDATE SET"
                           "  customer_id = excluded.customer_id,"
                           "  placed_at = excluded.placed_at,"
                           "  status = excluded.status,"
                           "  currency = coalesce (excluded.currency, currency),"
                           "  country = coalesce (excluded.country, country)"
                           " RETURNING id", error);
  if (stmt == NULL)
    return NULL;
  bind_order (stmt, external_id, customer_id, placed_at, status, currency, country);

  order = g_new0 (SdImportOrder, 1);
  order->id = step_id (ctx, stmt, _("Could not save an order"), error);
  if (order->id < 0)
    {
      g_free (order);
      return NULL;
    }
  g_hash_table_insert (ctx->orders, g_strdup (external_id), order);
  return order;
}

#define LINES_HEAD "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)"

/* Writes the lines of new orders waiting in ctx->pending_lines. */
gboolean
sd_import_flush_lines (SdImportContext  *ctx,
                       GError          **error)
{
  guint n = ctx->n_pending_lines, done = 0;

  ctx->n_pending_lines = 0;
  while (done < n)
    {
      gboolean full = n - done >= SD_IMPORT_ROWS_PER_INSERT;
      g_autofree char *sql = full ? NULL : sd_store_values_sql (LINES_HEAD, 5, 1, "");
      g_autoptr(SdStmt) stmt = NULL;
      guint rows = full ? SD_IMPORT_ROWS_PER_INSERT : 1;

      if (full && ctx->hot[5] == NULL)
        {
          g_autofree char *many = sd_store_values_sql (LINES_HEAD, 5, SD_IMPORT_ROWS_PER_INSERT, "");
          ctx->hot[5] = sd_store_prepare (ctx->store, many, error);
        }
      stmt = full ? ctx->hot[5] : sd_store_prepare (ctx->store, sql, error);
      if (stmt == NULL)
        return FALSE;
      for (guint r = 0; r < rows; r++)
        {
          const SdImportPendingLine *l = &ctx->pending_lines[done + r];

          sqlite3_bind_int64 (stmt, 5 * r + 1, l->order_id);
          sqlite3_bind_int64 (stmt, 5 * r + 2, l->line_no);
          bind_int_or_null (stmt, 5 * r + 3, l->product_id, 1);
          sqlite3_bind_int64 (stmt, 5 * r + 4, l->quantity);
          sqlite3_bind_int64 (stmt, 5 * r + 5, l->unit_price_cents);
        }
      if (!step_done (ctx, stmt, _("Could not save an order line"), error))
        return FALSE;
      done += rows;
    }
  return TRUE;
}

gboolean
sd_import_order_line (SdImportContext  *ctx,
                      SdImportOrder    *order,
                      gint64            product_id,
                      gint64            quantity,
                      gint64            unit_price_cents,
                      GError          **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  order->total_cents += quantity * unit_price_cents;
  if (ctx->lines && ctx->lines->len < KNOWN_LINES_MAX)
    {
      SdSummaryLine line = { order->id, MAX (product_id, 0), quantity, unit_price_cents };
      g_array_append_val (ctx->lines, line);
    }
  else
    g_clear_pointer (&ctx->lines, g_array_unref);

  /* An order made by this import has only the lines it writes: nothing to update, and
   * they are written a batch at a time. */
  if (order->id > ctx->last_order_before)
    {
      ctx->pending_lines[ctx->n_pending_lines++] = (SdImportPendingLine) {
        order->id, ++order->n_lines, product_id, quantity, unit_price_cents
      };
      return ctx->n_pending_lines < SD_IMPORT_ROWS_PER_INSERT || sd_import_flush_lines (ctx, error);
    }

  stmt = hot_prepare (ctx, 2,
                      LINES_HEAD " VALUES (?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT (order_id, line_no) DO UPDATE SET"
                      "  product_id = excluded.product_id,"
                      "  quantity = excluded.quantity,"
                      "  unit_price_cents = excluded.unit_price_cents", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order->id);
  sqlite3_bind_int64 (stmt, 2, ++order->n_lines);
  bind_int_or_null (stmt, 3, product_id, 1);
  sqlite3_bind_int64 (stmt, 4, quantity);
  sqlite3_bind_int64 (stmt, 5, unit_price_cents);
  return step_done (ctx, stmt, _("Could not save an order line"), error);
}

gboolean
sd_import_status_is_known (const char *status)
{
  static const char *const known[] = { "paid", "shipped", "delivered", "cancelled", "refunded", "pending" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_strcmp0 (status, known[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
sd_import_coupon_use (SdImportContext  *ctx,
                      SdImportOrder    *order,
                      const char       *code,
                      gint64            discount_cents,
                      GError          **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store,
    "INSERT INTO coupon_uses (order_id, code, discount_cents, source) VALUES (?1, lower (?2), ?3, 'import')"
    " ON CONFLICT (order_id, code) DO UPDATE SET discount_cents = excluded.discount_cents", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order->id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, discount_cents);
  sd_import_count (ctx, "coupon-uses");
  return step_done (ctx, stmt, _("Could not save a coupon use"), error);
}

/* A line of a purchase this import makes: its key in events' UNIQUE (customer_id,
 * product_id, kind, at), its quantity, rating and review. write_purchases sums the lines
 * of a key into its first, whose rating and review the event keeps. */
typedef struct _SdImportPurchase {
  gint64      customer_id;
  gint64      product_id;
  gint64      at;
  gint64      quantity;
  const char *review_text;   /* in ctx->purchase_texts, or NULL */
  int         rating;        /* 0: none */
} Purchase;

gboolean
sd_import_event (SdImportContext  *ctx,
                 gint64            customer_id,
                 gint64            product_id,
                 SdEventKind       kind,
                 gint64            at,
                 gint64            quantity,
                 int               rating,
                 const char       *review_text,
                 GError          **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  if (customer_id == 0)
    {
      sd_import_count (ctx, "events-of-forgotten-customers-skipped");
      return TRUE;
    }
  /* Purchases are written once, at the end (write_purchases): the lines of one basket
   * that buy the same product at the same second add up to one event. Kept as they come,
   * a flat array: summing them there, after a sort the writing needs anyway, costs less
   * than looking each one up in a table here. */
  if (kind == SD_EVENT_PURCHASE)
    {
      Purchase *p;

      if (ctx->n_purchases == ctx->purchases_size)
        {
          ctx->purchases_size = MAX (ctx->purchases_size * 2, 512);
          ctx->purchases = g_renew (Purchase, ctx->purchases, ctx->purchases_size);
        }
      p = &ctx->purchases[ctx->n_purchases++];
      *p = (Purchase) { customer_id, product_id, at, quantity, NULL, rating };
      if (review_text && *review_text)
        {
          if (ctx->purchase_texts == NULL)
            ctx->purchase_texts = g_string_chunk_new (4096);
          p->review_text = g_string_chunk_insert (ctx->purchase_texts, review_text);
        }
      ctx->max_purchase_customer = MAX (ctx->max_purchase_customer, customer_id);
      return TRUE;
    }

  ctx->other_events = TRUE;
  stmt = hot_prepare (ctx, 1,
                           "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                           " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET"
                           "  quantity = excluded.quantity,"
                           "  rating = coalesce (excluded.rating, rating),"
                           "  review_text = coalesce (excluded.review_text, review_text)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, product_id);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_int64 (stmt, 5, quantity);
  bind_int_or_null (stmt, 6, rating, 1);
  sd_import_bind_text_or_null (stmt, 7, review_text);
  return step_done (ctx, stmt, _("Could not save an event"), error);
}

/* By key, then as they came (their place in ctx->purchases): the first line of a key
 * comes first. */
static int
purchase_compare (gconstpointer a,
                  gconstpointer b)
{
  const Purchase *x = *(const Purchase *const *) a, *y = *(const Purchase *const *) b;

  if (x->customer_id != y->customer_id)
    return x->customer_id < y->customer_id ? -1 : 1;
  if (x->product_id != y->product_id)
    return x->product_id < y->product_id ? -1 : 1;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* The purchases' addresses in purchase_compare's order. Customers' ids are rowids, few
 * and dense: the purchases are put in customer order by counting (in one pass, keeping
 * their order), and only each customer's few are sorted by comparing. */
static Purchase **
sort_purchases (SdImportContext *ctx)
{
  gsize n = ctx->n_purchases;
  Purchase **order = g_new (Purchase *, n);
  gint64 max = ctx->max_purchase_customer;
  g_autofree gsize *start = NULL;

  if (max < 0 || (guint64) max > 4 * (guint64) n + (1 << 20))
    {
      for (gsize i = 0; i < n; i++)
        order[i] = &ctx->purchases[i];
      qsort (order, n, sizeof *order, purchase_compare);
      return order;
    }
  start = g_new0 (gsize, max + 2);
  for (gsize i = 0; i < n; i++)
    start[ctx->purchases[i].customer_id + 1]++;
  for (gint64 c = 0; c <= max; c++)
    start[c + 1] += start[c];
  for (gsize i = 0; i < n; i++)
    order[start[ctx->purchases[i].customer_id]++] = &ctx->purchases[i];
  /* start[c] is now where customer c + 1's purchases begin. */
  for (gsize c = 0, begin = 0; c <= (gsize) max; c++)
    {
      if (start[c] - begin > 1)
        qsort (order + begin, start[c] - begin, sizeof *order, purchase_compare);
      begin = start[c];
    }
  return order;
}

/* The import's purchases, each written once with the quantity of all its lines: the import
 * sets the quantity of a purchase already in the shop rather than adding to it, so
 * importing a file again gives the same numbers. In the order of events' UNIQUE index, so
 * its new entries go in one after another instead of all over its pages. */
gboolean
sd_import_write_purchases (SdImportContext  *ctx,
                           GCancellable     *cancellable,
                           GError          **error)
{
  static const char head[] =
    "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)";
  static const char tail[] =
    " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET"
    "  quantity = excluded.quantity,"
    "  rating = coalesce (excluded.rating, rating),"
    "  review_text = coalesce (excluded.review_text, review_text)";
  g_autofree char *many_sql = NULL;
  g_autofree char *one_sql = NULL;
  g_autoptr(SdStmt) many = NULL;
  g_autoptr(SdStmt) one = NULL;
  g_autofree Purchase **order = NULL;
  gsize done = 0, n = 0;

  if (ctx->n_purchases == 0)
    return TRUE;
  /* Their addresses sorted, not the purchases themselves; then each key's lines summed
   * into its first. */
  order = sort_purchases (ctx);
  for (gsize i = 0; i < ctx->n_purchases; i++)
    {
      Purchase *p = order[i], *last = n > 0 ? order[n - 1] : NULL;

      if (last && last->customer_id == p->customer_id && last->product_id == p->product_id &&
          last->at == p->at)
        last->quantity += p->quantity;
      else
        order[n++] = p;
    }
  many_sql = sd_store_values_sql (head, 7, SD_IMPORT_ROWS_PER_INSERT, tail);
  one_sql = sd_store_values_sql (head, 7, 1, tail);
  /* Borrowed once for all the batches: the store's cache would hash the whole text of
   * 64 rows' statement for each. */
  if (!(many = sd_store_prepare (ctx->store, many_sql, error)) ||
      !(one = sd_store_prepare (ctx->store, one_sql, error)))
    return FALSE;
  while (done < n)
    {
      gsize rows = n - done >= SD_IMPORT_ROWS_PER_INSERT ? SD_IMPORT_ROWS_PER_INSERT : 1;
      SdStmt *stmt = rows > 1 ? many : one;

      if (done % (PROGRESS_EVERY * 4) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (gsize r = 0; r < rows; r++)
        {
          const Purchase *p = order[done + r];
          int at = 7 * r;

          sqlite3_bind_int64 (stmt, at + 1, p->customer_id);
          sqlite3_bind_int64 (stmt, at + 2, p->product_id);
          sqlite3_bind_int (stmt, at + 3, SD_EVENT_PURCHASE);
          sqlite3_bind_int64 (stmt, at + 4, p->at);
          sqlite3_bind_int64 (stmt, at + 5, p->quantity);
          bind_int_or_null (stmt, at + 6, p->rating, 1);
          sd_import_bind_text_or_null (stmt, at + 7, p->review_text);
        }
      if (!step_done (ctx, stmt, _("Could not save an event"), error))
        return FALSE;
      sqlite3_reset (stmt);
      done += rows;
    }
  return TRUE;
}

/* Orders are finished once their last line is known. An order that was in the shop
 * before loses the lines an earlier import of a longer version left beyond the end;
 * after that its lines are exactly those written now, so the total is known. */
gboolean
sd_import_finish_orders (SdImportContext  *ctx,
                         GCancellable     *cancellable,
                         GError          **error)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, ctx->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SdImportOrder *order = value;
      g_autoptr(SdStmt) total = NULL;

      /* Each order's statements are too short for the store's interrupt to stop. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (order->id <= ctx->last_order_before)
        {
          g_autoptr(SdStmt) trim =
            sd_store_prepare (ctx->store, "DELETE FROM order_lines WHERE order_id = ?1 AND line_no > ?2", error);
          if (trim == NULL)
            return FALSE;
          sqlite3_bind_int64 (trim, 1, order->id);
          sqlite3_bind_int64 (trim, 2, order->n_lines);
          if (!step_done (ctx, trim, _("Could not tidy an order"), error))
            return FALSE;
        }

      total = sd_store_prepare (ctx->store,
                                "UPDATE orders SET total_cents = ?2, discount_cents = ?3, shipping_cents = ?4,"
                                " tax_cents = ?5 WHERE id = ?1", error);
      if (total == NULL)
        return FALSE;
      sqlite3_bind_int64 (total, 1, order->id);
      sqlite3_bind_int64 (total, 2, order->has_charged ? order->charged_cents : order->total_cents);
      sqlite3_bind_int64 (total, 3, order->discount_cents);
      sqlite3_bind_int64 (total, 4, order->shipping_cents);
      sqlite3_bind_int64 (total, 5, order->tax_cents);
      if (!step_done (ctx, total, _("Could not total an order"), error))
        return FALSE;
    }
  return TRUE;
}

static char *
report_json (SdImportReport *report)
{
  GString *out = g_string_new ("{\"counts\": {");
  g_autoptr(GPtrArray) names = sd_import_sorted_count_names (report);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s\"%s\": %" G_GUINT64_FORMAT, i ? ", " : "",
                            (char *) names->pdata[i],
                            sd_import_report_get_count (report, names->pdata[i]));
  g_string_append_printf (out, "}, \"elapsed_us\": %" G_GINT64_FORMAT "}", report->elapsed_us);
  return g_string_free (out, FALSE);
}

gboolean
sd_import_record_import (SdImportContext  *ctx,
                         gint64            started_at,
                         GError          **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO imports (file, format, started_at, finished_at,"
                      "                     rows_read, rows_imported, rows_rejected, report)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  g_autofree char *json = report_json (ctx->report);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ctx->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ctx->info->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, started_at);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 5, ctx->report->rows_read);
  sqlite3_bind_int64 (stmt, 6, ctx->report->rows_imported);
  sqlite3_bind_int64 (stmt, 7, ctx->report->rows_rejected);
  sqlite3_bind_text (stmt, 8, json, -1, SQLITE_STATIC);
  return step_done (ctx, stmt, _("Could not record the import"), error);
}
