/* sd-sync-write.c — the rows a sync writes: each remote row's values checked and written to its
 * local row, deletions, orders finished */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-import-private.h"
#include "sd-sync-private.h"
#include "sd-sync-source-private.h"

static void
bind_text (SdStmt     *stmt,
           int         index,
           const char *value)
{
  if (value && *value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

const char *
sd_sync_field (SdSyncRow        *row,
               const char *name)
{
  int i = -1;

  for (guint c = 0; c < row->info->n_columns; c++)
    if (g_str_equal (row->info->columns[c].name, name))
      i = c;
  g_return_val_if_fail (i >= 0, NULL);
  return row->values[i] && *row->values[i] ? row->values[i] : NULL;
}

static gboolean
required (SdSyncRow        *row,
          const char *name,
          const char **out)
{
  if ((*out = sd_sync_field (row, name)) != NULL)
    return TRUE;
  sd_sync_reject (row->sync, row->table, row->key, _("no value in column %s"), name);
  return FALSE;
}

static gboolean
parse_cents (const char *text,
             gint64     *out)
{
  gboolean rounded;

  return sd_import_parse_cents (text, out, &rounded);
}

/* Column @name parsed by @parse into *out; a missing value is fine unless @needed; a value
 * that does not parse rejects the row with @bad (a format of the value and the column). */
gboolean
sd_sync_get_value (SdSyncRow        *row,
                   const char *name,
                   gboolean    needed,
                   gboolean  (*parse) (const char *text, gint64 *out),
                   const char *bad,
                   gint64     *out)
{
  const char *v = sd_sync_field (row, name);

  if (v == NULL)
    {
      if (needed)
        sd_sync_reject (row->sync, row->table, row->key, _("no value in column %s"), name);
      return !needed;
    }
  if (parse (v, out))
    return TRUE;
  sd_sync_reject (row->sync, row->table, row->key, bad, v, name);
  return FALSE;
}

#define get_int(row, name, needed, out) \
  sd_sync_get_value ((row), (name), (needed), sd_import_parse_int, _("bad whole number “%.40s” in column %s"), (out))
#define get_cents(row, name, needed, out) \
  sd_sync_get_value ((row), (name), (needed), parse_cents, _("bad amount “%.40s” in column %s"), (out))

/* References from orders and events */

static gint64
local_id_of (SdSyncPass        *sync,
             GHashTable  *cache,
             const char  *sql,
             const char  *external_id,
             gboolean     table_was_empty,
             GError     **error)
{
  gint64 *known = g_hash_table_lookup (cache, external_id);
  g_autoptr(SdStmt) stmt = NULL;
  gint64 id = 0;
  int rc;

  if (known)
    return *known;
  if (table_was_empty)
    return 0;
  if (!(stmt = sd_store_prepare (sync->store, sql, error)))
    return -1;
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return sd_store_fail (sync->store, sql, error) ? -1 : -1;
  if (id > 0)
    g_hash_table_insert (cache, g_strdup (external_id), g_memdup2 (&id, sizeof id));
  return id;
}

static void
cache_id (GHashTable *cache,
          const char *external_id,
          gint64      id)
{
  g_hash_table_insert (cache, g_strdup (external_id), g_memdup2 (&id, sizeof id));
}

/* A customer an order or event names: made (with only its id) when the shop has none;
 * 0 for a customer forgotten in Shopdesk. */
static gint64
customer_ref (SdSyncPass        *sync,
              const char  *external_id,
              GError     **error)
{
  gint64 id = local_id_of (sync, sync->customers, "SELECT id FROM customers WHERE external_id = ?1", external_id,
                           sync->no_customers, error);
  g_autoptr(SdStmt) stmt = NULL;

  if (id != 0)
    return id;
  if (sd_sync_customer_is_forgotten (sync->store, external_id))
    {
      cache_id (sync->customers, external_id, 0);
      return 0;
    }
  if (!(stmt = sd_store_prepare (sync->store, "INSERT INTO customers (external_id) VALUES (?1)", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (sync->store, "customers", error) ? -1 : -1;
  id = sqlite3_last_insert_rowid (sd_store_get_db (sync->store));
  cache_id (sync->customers, external_id, id);
  return id;
}

static gint64
product_ref (SdSyncPass        *sync,
             const char  *external_id,
             GError     **error)
{
  gint64 id = local_id_of (sync, sync->products, "SELECT id FROM products WHERE external_id = ?1", external_id,
                           sync->no_products, error);
  g_autoptr(SdStmt) stmt = NULL;

  if (id != 0)
    return id;
  if (!(stmt = sd_store_prepare (sync->store, "INSERT INTO products (external_id, title) VALUES (?1, ?1)", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (sync->store, "products", error) ? -1 : -1;
  id = sqlite3_last_insert_rowid (sd_store_get_db (sync->store));
  cache_id (sync->products, external_id, id);
  return id;
}

/* Upserts by external id: the rowid, and whether the row was there before. */
static gint64
upsert (SdSyncPass        *sync,
        SdStmt      *stmt,
        GHashTable  *cache,
        const char  *exists_sql,
        gboolean     table_was_empty,
        const char  *external_id,
        gboolean    *existed,
        GError     **error)
{
  gint64 before = local_id_of (sync, cache, exists_sql, external_id, table_was_empty, error);
  gint64 id;

  if (before < 0)
    return -1;
  *existed = before > 0;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (sync->store, exists_sql, error) ? -1 : -1;
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  cache_id (cache, external_id, id);
  return id;
}

static void
count_write (SdSyncPass        *sync,
             SdSyncTable  table,
             gboolean     existed)
{
  if (existed)
    sync->report->tables[table].updated++;
  else
    sync->report->tables[table].inserted++;
}

static gint64
write_product (SdSyncRow     *row,
               GError **error)
{
  SdSyncPass *sync = row->sync;
  const char *title, *status = sd_sync_field (row, "status");
  gint64 price = 0, stock = 0, created = 0;
  g_autofree char *description = NULL, *tags = NULL, *status_lower = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;
  gint64 id;

  if (!required (row, "title", &title) ||
      !get_cents (row, "price", FALSE, &price) ||
      !get_int (row, "stock", FALSE, &stock) ||
      !get_time (row, "created_at", FALSE, &created))
    return 0;
  if (sd_sync_field (row, "description"))
    description = sync->source->html_descriptions ? sd_import_strip_html (sd_sync_field (row, "description"))
                                                  : g_strdup (sd_sync_field (row, "description"));
  if (sd_sync_field (row, "tags"))
    tags = sd_import_normalize_tags (sd_sync_field (row, "tags"));
  status_lower = g_ascii_strdown (status ? status : "active", -1);
  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO products (external_id, title, description, category, tags, price_cents, stock, created_at, status)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
          " ON CONFLICT (external_id) DO UPDATE SET title = excluded.title, description = excluded.description,"
          " category = excluded.category, tags = excluded.tags, price_cents = excluded.price_cents,"
          " stock = excluded.stock, created_at = COALESCE (excluded.created_at, created_at), status = excluded.status"
          " RETURNING id", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, row->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, title, -1, SQLITE_STATIC);
  bind_text (stmt, 3, description);
  bind_text (stmt, 4, sd_sync_field (row, "category"));
  bind_text (stmt, 5, tags);
  sqlite3_bind_int64 (stmt, 6, price);
  sqlite3_bind_int64 (stmt, 7, stock);
  if (created)
    sqlite3_bind_int64 (stmt, 8, created);
  sqlite3_bind_text (stmt, 9, status_lower, -1, SQLITE_STATIC);
  if ((id = upsert (sync, stmt, sync->products, "SELECT id FROM products WHERE external_id = ?1", sync->no_products,
                    row->key, &existed, error)) < 0)
    return -1;
  count_write (sync, SD_SYNC_PRODUCTS, existed);
  return id;
}

static gint64
write_customer (SdSyncRow     *row,
                GError **error)
{
  SdSyncPass *sync = row->sync;
  gint64 created = 0;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;
  gint64 id;

  if (sd_sync_customer_is_forgotten (sync->store, row->key))
    {
      sd_sync_reject (sync, SD_SYNC_CUSTOMERS, NULL, _("forgotten in Shopdesk: not brought back"));
      sync->forgotten_row = TRUE;
      return 0;
    }
  if (!get_time (row, "created_at", FALSE, &created))
    return 0;
  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO customers (external_id, name, email, country, segment, created_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
          " ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, email = excluded.email,"
          " country = excluded.country, segment = COALESCE (excluded.segment, segment),"
          " created_at = COALESCE (excluded.created_at, created_at)"
          " RETURNING id", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, row->key, -1, SQLITE_STATIC);
  bind_text (stmt, 2, sd_sync_field (row, "name"));
  bind_text (stmt, 3, sd_sync_field (row, "email"));
  bind_text (stmt, 4, sd_sync_field (row, "country"));
  bind_text (stmt, 5, sd_sync_field (row, "segment"));
  if (created)
    sqlite3_bind_int64 (stmt, 6, created);
  if ((id = upsert (sync, stmt, sync->customers, "SELECT id FROM customers WHERE external_id = ?1", sync->no_customers,
                    row->key, &existed, error)) < 0)
    return -1;
  count_write (sync, SD_SYNC_CUSTOMERS, existed);
  return id;
}

/* The order a line belongs to: written when its fields changed, once per sync. */
gint64
sd_sync_order_of_line (SdSyncRow     *row,
                       gint64   placed,
                       GError **error)
{
  SdSyncPass *sync = row->sync;
  const char *order_key = row->values[0];
  const char *customer = sd_sync_field (row, "customer_id"), *status = sd_sync_field (row, "status");
  const char *header[4] = { customer, status, sd_sync_field (row, "currency"), sd_sync_field (row, "country") };
  gint64 *seen = g_hash_table_lookup (sync->orders, order_key);
  gint64 customer_id = 0, local_id, old_hash, id;
  g_autofree char *placed_text = g_strdup_printf ("%" G_GINT64_FORMAT, placed);
  guint64 hash = 0xcbf29ce484222325ull;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;

  if (seen)
    return *seen;
  hash ^= g_str_hash (order_key) + 0x9e3779b97f4a7c15ull * g_str_hash (placed_text);
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    hash = (hash ^ (header[i] ? g_str_hash (header[i]) : 0xff)) * 0x100000001b3ull;
  if (!sd_sync_known_row (sync, "orders", order_key, &local_id, &old_hash, error))
    return -1;
  if (local_id > 0 && (guint64) old_hash == hash)
    {
      sync->report->tables[SD_SYNC_ORDERS].unchanged++;
      cache_id (sync->orders, order_key, local_id);
      return local_id;
    }
  if (customer && (customer_id = customer_ref (sync, customer, error)) < 0)
    return -1;
  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO orders (external_id, customer_id, placed_at, status, currency, country)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
          " ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id,"
          " placed_at = excluded.placed_at, status = excluded.status, currency = excluded.currency,"
          " country = excluded.country RETURNING id", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, order_key, -1, SQLITE_STATIC);
  if (customer_id > 0)
    sqlite3_bind_int64 (stmt, 2, customer_id);
  sqlite3_bind_int64 (stmt, 3, placed);
  sqlite3_bind_text (stmt, 4, status ? status : "paid", -1, SQLITE_STATIC);
  bind_text (stmt, 5, header[2]);
  bind_text (stmt, 6, header[3]);
  if ((id = upsert (sync, stmt, sync->order_ids, "SELECT id FROM orders WHERE external_id = ?1", sync->no_orders,
                    order_key, &existed, error)) < 0)
    return -1;
  count_write (sync, SD_SYNC_ORDERS, existed);
  if (!existed)
    g_hash_table_add (sync->new_orders, g_memdup2 (&id, sizeof id));
  if (!sd_sync_remember_row (sync, "orders", order_key, id, hash, error))
    return -1;
  cache_id (sync->orders, order_key, id);
  g_hash_table_add (sync->touched, g_memdup2 (&id, sizeof id));
  return id;
}

static gint64
write_order_line (SdSyncRow     *row,
                  GError **error)
{
  SdSyncPass *sync = row->sync;
  const char *product;
  gint64 line_no, placed, quantity, price, order_id, product_id, id;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;
  int rc;

  if (!get_int (row, "line_no", TRUE, &line_no) ||
      !get_time (row, "placed_at", TRUE, &placed) ||
      !required (row, "product_id", &product) ||
      !get_int (row, "quantity", TRUE, &quantity) ||
      !get_cents (row, "unit_price", TRUE, &price))
    return 0;
  /* read_rows wrote the order already; this finds it. */
  if ((order_id = sd_sync_order_of_line (row, placed, error)) < 0 ||
      (product_id = product_ref (sync, product, error)) < 0)
    return -1;
  /* An order this sync made has no lines but the ones it writes. */
  if (g_hash_table_contains (sync->new_orders, &order_id))
    existed = FALSE;
  else
    {
      if (!(stmt = sd_store_prepare (sync->store,
              "SELECT id FROM order_lines WHERE order_id = ?1 AND line_no = ?2", error)))
        return -1;
      sqlite3_bind_int64 (stmt, 1, order_id);
      sqlite3_bind_int64 (stmt, 2, line_no);
      rc = sqlite3_step (stmt);
      existed = rc == SQLITE_ROW;
      g_clear_pointer (&stmt, sd_stmt_release);
    }
  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES (?1, ?2, ?3, ?4, ?5)"
          " ON CONFLICT (order_id, line_no) DO UPDATE SET product_id = excluded.product_id,"
          " quantity = excluded.quantity, unit_price_cents = excluded.unit_price_cents RETURNING id", error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_int64 (stmt, 2, line_no);
  sqlite3_bind_int64 (stmt, 3, product_id);
  sqlite3_bind_int64 (stmt, 4, quantity);
  sqlite3_bind_int64 (stmt, 5, price);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (sync->store, "order_lines", error) ? -1 : -1;
  id = sqlite3_column_int64 (stmt, 0);
  count_write (sync, SD_SYNC_ORDER_LINES, existed);
  g_hash_table_add (sync->touched, g_memdup2 (&order_id, sizeof order_id));
  return id;
}

static gint64
write_event (SdSyncRow     *row,
             GError **error)
{
  SdSyncPass *sync = row->sync;
  const char *customer, *product, *kind_name;
  gint64 at, quantity = 1, rating = 0, customer_id, product_id, id, local_id, old_hash;
  SdEventKind kind;
  g_autoptr(SdStmt) stmt = NULL;

  if (!required (row, "customer_id", &customer) || !required (row, "product_id", &product) ||
      !required (row, "kind", &kind_name) || !get_time (row, "at", TRUE, &at) ||
      !get_int (row, "quantity", FALSE, &quantity) || !get_int (row, "rating", FALSE, &rating))
    return 0;
  if (!sd_event_kind_from_string (kind_name, &kind))
    {
      sd_sync_reject (sync, SD_SYNC_EVENTS, row->key, _("unknown kind “%.40s” in column kind (view, cart, purchase or review)"), kind_name);
      return 0;
    }
  if (rating != 0 && (rating < 1 || rating > 5))
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, rating);

      sd_sync_reject (sync, SD_SYNC_EVENTS, row->key, _("rating %s out of range 1–5 in column rating"), value);
      return 0;
    }
  if ((customer_id = customer_ref (sync, customer, error)) < 0 || (product_id = product_ref (sync, product, error)) < 0)
    return -1;
  if (customer_id == 0)
    {
      sd_sync_reject (sync, SD_SYNC_EVENTS, row->key, _("its customer was forgotten in Shopdesk"));
      return 0;
    }
  if (!sd_sync_known_row (sync, "events", row->key, &local_id, &old_hash, error))
    return -1;
  if (local_id > 0)
    stmt = sd_store_prepare (sync->store,
             "UPDATE OR REPLACE events SET customer_id = ?1, product_id = ?2, kind = ?3, at = ?4, quantity = ?5,"
             " rating = ?6, review_text = ?7 WHERE id = ?8 RETURNING id", error);
  else
    stmt = sd_store_prepare (sync->store,
             "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
             " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET quantity = excluded.quantity,"
             " rating = excluded.rating, review_text = excluded.review_text RETURNING id", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, product_id);
  sqlite3_bind_int64 (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_int64 (stmt, 5, quantity);
  if (rating)
    sqlite3_bind_int64 (stmt, 6, rating);
  bind_text (stmt, 7, sd_sync_field (row, "review_text"));
  if (local_id > 0)
    sqlite3_bind_int64 (stmt, 8, local_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      id = sqlite3_column_int64 (stmt, 0);
      break;
    case SQLITE_DONE:   /* the row it was is gone (deleted in Shopdesk): made again */
      g_clear_pointer (&stmt, sd_stmt_release);
      if (!sd_sync_forget_row (sync, "events", row->key, error))
        return -1;
      return write_event (row, error);
    default:
      return sd_store_fail (sync->store, "events", error) ? -1 : -1;
    }
  count_write (sync, SD_SYNC_EVENTS, local_id > 0);
  return id;
}

static gint64
write_coupon_use (SdSyncRow     *row,
                  GError **error)
{
  SdSyncPass *sync = row->sync;
  const char *code;
  gint64 discount, order_id, id;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;
  int rc;

  if (!required (row, "code", &code) || !get_cents (row, "discount", TRUE, &discount))
    return 0;
  if (!(stmt = sd_store_prepare (sync->store, "SELECT id FROM orders WHERE external_id = ?1", error)))
    return -1;
  sqlite3_bind_text (stmt, 1, row->values[0], -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  order_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  g_clear_pointer (&stmt, sd_stmt_release);
  if (order_id == 0)
    {
      sd_sync_reject (sync, SD_SYNC_COUPON_USES, row->key, _("order %.40s in column order_id is not in the shop"), row->values[0]);
      return 0;
    }
  if (!(stmt = sd_store_prepare (sync->store, "SELECT id FROM coupon_uses WHERE order_id = ?1 AND code = ?2", error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  existed = sqlite3_step (stmt) == SQLITE_ROW;
  g_clear_pointer (&stmt, sd_stmt_release);
  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO coupon_uses (order_id, code, discount_cents, source) VALUES (?1, ?2, ?3, 'sync')"
          " ON CONFLICT (order_id, code) DO UPDATE SET discount_cents = excluded.discount_cents RETURNING id", error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, order_id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, discount);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (sync->store, "coupon_uses", error) ? -1 : -1;
  id = sqlite3_column_int64 (stmt, 0);
  count_write (sync, SD_SYNC_COUPON_USES, existed);
  return id;
}

const SdSyncWriteFunc sd_sync_writers[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = write_product,
  [SD_SYNC_STREAM_CUSTOMERS] = write_customer,
  [SD_SYNC_STREAM_ORDERS] = write_order_line,
  [SD_SYNC_STREAM_EVENTS] = write_event,
  [SD_SYNC_STREAM_COUPONS] = write_coupon_use,
};

/* Deleting what the source deleted. Products stay (order lines and events name them)
 * with status deleted, which keeps them out of every recommendation; the rest go. */
gboolean
sd_sync_delete_local (SdSyncPass          *sync,
                      SdSyncStream   stream,
                      const char    *key,
                      gint64         local_id,
                      GError       **error)
{
  if (local_id == REJECTED)
    return sd_sync_forget_row (sync, sync->table, key, error);
  switch (stream)
    {
    case SD_SYNC_STREAM_PRODUCTS:
      if (!sd_sync_exec_ids (sync, "UPDATE products SET status = 'deleted' WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_STREAM_CUSTOMERS:
      if (!sd_sync_exec_ids (sync, "DELETE FROM customers WHERE id = ?1", local_id, 0, error))
        return FALSE;
      g_hash_table_remove (sync->customers, key);
      break;
    case SD_SYNC_STREAM_ORDERS:
      {
        gint64 order_id = 0;
        g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store, "SELECT order_id FROM order_lines WHERE id = ?1", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, local_id);
        if (sqlite3_step (stmt) == SQLITE_ROW)
          order_id = sqlite3_column_int64 (stmt, 0);
        if (!sd_sync_exec_ids (sync, "DELETE FROM order_lines WHERE id = ?1", local_id, 0, error))
          return FALSE;
        if (order_id)
          g_hash_table_add (sync->touched, g_memdup2 (&order_id, sizeof order_id));
      }
      break;
    case SD_SYNC_STREAM_EVENTS:
      if (!sd_sync_exec_ids (sync, "DELETE FROM events WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_STREAM_COUPONS:
      if (!sd_sync_exec_ids (sync, "DELETE FROM coupon_uses WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_N_STREAMS:
    default:
      g_return_val_if_reached (FALSE);
    }
  sync->report->tables[sd_sync_stream_tables[stream]].deleted++;
  return sd_sync_forget_row (sync, sync->table, key, error);
}

/* An order with no lines left at the source is gone; one whose lines changed gets its
 * total again, and purchase events for its lines when it is a sale. Done for all the
 * orders a stream touched at once, through a temporary table of their ids. */
gboolean
sd_sync_finish_orders (SdSyncPass    *sync,
                       GError **error)
{
  sqlite3 *db = sd_store_get_db (sync->store);
  GHashTableIter iter;
  gpointer key;
  g_autoptr(SdStmt) add = NULL, forget = NULL;

  if (g_hash_table_size (sync->touched) == 0)
    return TRUE;
  if (!sd_store_exec (sync->store, "CREATE TEMP TABLE IF NOT EXISTS sync_touched (id INTEGER PRIMARY KEY);"
                                   "DELETE FROM temp.sync_touched;", error) ||
      !(add = sd_store_prepare (sync->store, "INSERT OR IGNORE INTO temp.sync_touched (id) VALUES (?1)", error)))
    return FALSE;
  g_hash_table_iter_init (&iter, sync->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_bind_int64 (add, 1, *(gint64 *) key);
      if (sqlite3_step (add) != SQLITE_DONE)
        return sd_store_fail (sync->store, "sync_touched", error);
      sqlite3_reset (add);
    }
  g_hash_table_remove_all (sync->touched);

  if (!(forget = sd_store_prepare (sync->store,
          "DELETE FROM sync_rows WHERE source = ?1 AND tbl = 'orders' AND local_id IN"
          " (SELECT t.id FROM temp.sync_touched t WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = t.id))",
          error)))
    return FALSE;
  sqlite3_bind_text (forget, 1, sync->source->id, -1, SQLITE_STATIC);
  if (sqlite3_step (forget) != SQLITE_DONE)
    return sd_store_fail (sync->store, "sync_rows", error);
  if (!sd_store_exec (sync->store,
        "DELETE FROM orders WHERE id IN (SELECT t.id FROM temp.sync_touched t"
        " WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = t.id))", error))
    return FALSE;
  sync->report->tables[SD_SYNC_ORDERS].deleted += sqlite3_changes (db);
  return sd_store_exec (sync->store,
           "UPDATE orders SET total_cents = (SELECT COALESCE (SUM (l.quantity * l.unit_price_cents), 0)"
           "  FROM order_lines l WHERE l.order_id = orders.id)"
           " WHERE id IN (SELECT id FROM temp.sync_touched);"
           /* Purchases of an order that is no longer a sale go; a sale's are written again. */
           "DELETE FROM events WHERE kind = 2 AND id IN (SELECT e.id FROM temp.sync_touched t"
           "  JOIN orders o ON o.id = t.id AND o.status IN ('cancelled', 'pending')"
           "  JOIN order_lines l ON l.order_id = o.id"
           "  JOIN events e ON e.kind = 2 AND e.customer_id = o.customer_id AND e.at = o.placed_at"
           "   AND e.product_id = l.product_id);"
           "INSERT INTO events (customer_id, product_id, kind, at, quantity)"
           " SELECT o.customer_id, l.product_id, 2, o.placed_at, SUM (l.quantity)"
           " FROM temp.sync_touched t JOIN orders o ON o.id = t.id JOIN order_lines l ON l.order_id = o.id"
           " WHERE o.customer_id IS NOT NULL AND l.product_id IS NOT NULL AND l.quantity > 0"
           "  AND o.status NOT IN ('cancelled', 'pending')"
           " GROUP BY o.customer_id, l.product_id, o.placed_at"
           " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET quantity = excluded.quantity;"
           "DELETE FROM temp.sync_touched;", error);
}
