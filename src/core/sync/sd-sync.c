/* sd-sync.c — the sync engine: remote streams into the shop, once and then incrementally
 *
 * Every remote row has a key (its id; an order line's order and line number) and a
 * 64-bit hash of its content, kept in sync_rows with the local row it became. A row whose
 * hash did not change is counted unchanged and not written, which makes a second sync a
 * no-op, and lets the overlap re-read a few minutes of rows at no cost. Rows deleted at
 * the source are noticed two ways: deleted_at set (or WooCommerce's trash), and, after
 * every incremental read, keys the shop knows that the source no longer lists. Only rows
 * a sync wrote are ever deleted: rows from CSV imports are never touched by deletions.
 *
 * The sync is one SQLite transaction, although the remote side is read in batches:
 * “nothing changes on a failed or cancelled sync” rules out committing batch by batch.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-product-kind.h"
#include "sd-sync-source-private.h"

/* Rows updated up to this long before the last one seen are read again: clocks of
 * application servers differ, and a transaction may commit a row stamped earlier. */
#define OVERLAP_SECONDS 300
#define MAX_REJECTS     1000
/* sync_rows.local_id of a row that was rejected: remembered, so that it is not reported
 * again while it stays as it is, and so that a key count tells when rows were missed. */
#define REJECTED        (-1)
#define CHECK_EVERY     512

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
static const SdSyncTable stream_tables[SD_SYNC_N_STREAMS] = {
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

static SdSyncReport *
report_new (SdSyncSource *source)
{
  SdSyncReport *report = g_new0 (SdSyncReport, 1);

  report->source = g_strdup (source->id);
  report->label = g_strdup (source->label);
  report->rejects = g_ptr_array_new_with_free_func (reject_free);
  return report;
}

static char *
count_text (guint64 n)
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
      g_autofree char *ins = count_text (c->inserted), *upd = count_text (c->updated);
      g_autofree char *del = count_text (c->deleted), *rej = count_text (c->rejected);
      g_autofree char *same = count_text (c->unchanged);

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

/* The engine */

typedef struct {
  SdStore            *store;
  SdSyncSource       *source;
  SdSyncReport       *report;
  GCancellable       *cancellable;
  SdSyncProgressFunc  progress;
  gpointer            user_data;
  GHashTable         *customers;   /* external id → gint64 * rowid (0: forgotten) */
  GHashTable         *products;    /* external id → gint64 * rowid */
  GHashTable         *orders;      /* external id → gint64 * rowid, orders seen in this sync */
  GHashTable         *touched;     /* gint64 * rowid of orders whose lines changed */
  GHashTable         *order_ids;   /* external id → gint64 * rowid, orders looked up */
  GHashTable         *new_orders;  /* gint64 * rowid of orders this sync inserted */
  gboolean            forgotten_row; /* the row just rejected is a forgotten customer: its key is not kept */
  /* Tables that were empty when the sync began: a key not in the caches is not there. */
  gboolean            no_customers, no_products, no_orders;
  const char         *table;       /* sync_rows.tbl of the stream being read */
  gboolean            fresh;       /* its first sync: sync_rows has nothing of it yet */
} Sync;

static guint64
row_hash (const SdSyncStreamInfo *info,
          const char *const      *values,
          guint                   from,
          guint                   to)
{
  guint64 h = 0xcbf29ce484222325ull;

  for (guint i = from; i < to; i++)
    {
      const char *v = values[i];

      if (g_str_equal (info->columns[i].name, "updated_at"))
        continue;
      if (v == NULL)
        h = (h ^ 0xff) * 0x100000001b3ull;
      else
        for (const char *p = v; ; p++)
          {
            h = (h ^ (guchar) *p) * 0x100000001b3ull;
            if (*p == '\0')
              break;
          }
    }
  return h;
}

static void
reject (Sync        *sync,
        SdSyncTable  table,
        const char  *key,
        const char  *format,
        ...) G_GNUC_PRINTF (4, 5);

static void
reject (Sync        *sync,
        SdSyncTable  table,
        const char  *key,
        const char  *format,
        ...)
{
  va_list args;

  sync->report->tables[table].rejected++;
  if (sync->report->rejects->len >= MAX_REJECTS)
    return;
  {
    SdSyncReject *r = g_new0 (SdSyncReject, 1);

    r->table = table;
    r->key = g_strdup (key ? key : "");
    va_start (args, format);
    r->reason = g_strdup_vprintf (format, args);
    va_end (args);
    g_ptr_array_add (sync->report->rejects, r);
  }
}

/* sync_rows: what each remote row became */

static gboolean
known_row (Sync        *sync,
           const char  *table,
           const char  *key,
           gint64      *local_id,
           gint64      *hash,
           GError     **error)
{
  g_autoptr(SdStmt) stmt = sync->fresh ? NULL : sd_store_prepare (sync->store,
    "SELECT local_id, hash FROM sync_rows WHERE source = ?1 AND tbl = ?2 AND key = ?3", error);
  int rc;

  *local_id = 0;
  /* A first load knows nothing yet: no lookup per row. */
  if (sync->fresh)
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *local_id = sqlite3_column_int64 (stmt, 0);
      *hash = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  return rc == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

static gboolean
remember_row (Sync        *sync,
              const char  *table,
              const char  *key,
              gint64       local_id,
              guint64      hash,
              GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store,
    "INSERT INTO sync_rows (source, tbl, key, local_id, hash) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (source, tbl, key) DO UPDATE SET local_id = excluded.local_id, hash = excluded.hash", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, local_id);
  sqlite3_bind_int64 (stmt, 5, (gint64) hash);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

static gboolean
forget_row (Sync        *sync,
            const char  *table,
            const char  *key,
            GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store,
    "DELETE FROM sync_rows WHERE source = ?1 AND tbl = ?2 AND key = ?3", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

/* Runs a statement of one or two integer parameters (?1, ?2). */
static gboolean
exec_ids (Sync        *sync,
          const char  *sql,
          gint64       a,
          gint64       b,
          GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_int64 (stmt, 2, b);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, sql, error);
}

/* Values */

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

typedef struct {
  Sync         *sync;
  SdSyncTable   table;
  const char   *key;
  const SdSyncStreamInfo *info;
  const char *const *values;
} Row;

static const char *
field (Row        *row,
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
required (Row        *row,
          const char *name,
          const char **out)
{
  if ((*out = field (row, name)) != NULL)
    return TRUE;
  reject (row->sync, row->table, row->key, _("no value in column %s"), name);
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
static gboolean
get_value (Row        *row,
           const char *name,
           gboolean    needed,
           gboolean  (*parse) (const char *text, gint64 *out),
           const char *bad,
           gint64     *out)
{
  const char *v = field (row, name);

  if (v == NULL)
    {
      if (needed)
        reject (row->sync, row->table, row->key, _("no value in column %s"), name);
      return !needed;
    }
  if (parse (v, out))
    return TRUE;
  reject (row->sync, row->table, row->key, bad, v, name);
  return FALSE;
}

#define get_int(row, name, needed, out) \
  get_value ((row), (name), (needed), sd_import_parse_int, _("bad whole number “%.40s” in column %s"), (out))
#define get_cents(row, name, needed, out) \
  get_value ((row), (name), (needed), parse_cents, _("bad amount “%.40s” in column %s"), (out))
#define get_time(row, name, needed, out) \
  get_value ((row), (name), (needed), sd_import_parse_time, _("bad date “%.40s” in column %s"), (out))

/* References from orders and events */

static gint64
local_id_of (Sync        *sync,
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
customer_ref (Sync        *sync,
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
product_ref (Sync        *sync,
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
upsert (Sync        *sync,
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
count_write (Sync        *sync,
             SdSyncTable  table,
             gboolean     existed)
{
  if (existed)
    sync->report->tables[table].updated++;
  else
    sync->report->tables[table].inserted++;
}

/* Writes one row of @stream; returns the local rowid, 0 when the row was rejected, -1
 * with @error on a database error. */
typedef gint64 (*WriteFunc) (Row *row, GError **error);

static gint64
write_product (Row     *row,
               GError **error)
{
  Sync *sync = row->sync;
  const char *title, *status = field (row, "status");
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
  if (field (row, "description"))
    description = sync->source->html_descriptions ? sd_import_strip_html (field (row, "description"))
                                                  : g_strdup (field (row, "description"));
  if (field (row, "tags"))
    tags = sd_import_normalize_tags (field (row, "tags"));
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
  bind_text (stmt, 4, field (row, "category"));
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
write_customer (Row     *row,
                GError **error)
{
  Sync *sync = row->sync;
  gint64 created = 0;
  g_autoptr(SdStmt) stmt = NULL;
  gboolean existed;
  gint64 id;

  if (sd_sync_customer_is_forgotten (sync->store, row->key))
    {
      reject (sync, SD_SYNC_CUSTOMERS, NULL, _("forgotten in Shopdesk: not brought back"));
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
  bind_text (stmt, 2, field (row, "name"));
  bind_text (stmt, 3, field (row, "email"));
  bind_text (stmt, 4, field (row, "country"));
  bind_text (stmt, 5, field (row, "segment"));
  if (created)
    sqlite3_bind_int64 (stmt, 6, created);
  if ((id = upsert (sync, stmt, sync->customers, "SELECT id FROM customers WHERE external_id = ?1", sync->no_customers,
                    row->key, &existed, error)) < 0)
    return -1;
  count_write (sync, SD_SYNC_CUSTOMERS, existed);
  return id;
}

/* The order a line belongs to: written when its fields changed, once per sync. */
static gint64
order_of_line (Row     *row,
               gint64   placed,
               GError **error)
{
  Sync *sync = row->sync;
  const char *order_key = row->values[0];
  const char *customer = field (row, "customer_id"), *status = field (row, "status");
  const char *header[4] = { customer, status, field (row, "currency"), field (row, "country") };
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
  if (!known_row (sync, "orders", order_key, &local_id, &old_hash, error))
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
  if (!remember_row (sync, "orders", order_key, id, hash, error))
    return -1;
  cache_id (sync->orders, order_key, id);
  g_hash_table_add (sync->touched, g_memdup2 (&id, sizeof id));
  return id;
}

static gint64
write_order_line (Row     *row,
                  GError **error)
{
  Sync *sync = row->sync;
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
  if ((order_id = order_of_line (row, placed, error)) < 0 ||
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
write_event (Row     *row,
             GError **error)
{
  Sync *sync = row->sync;
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
      reject (sync, SD_SYNC_EVENTS, row->key, _("unknown kind “%.40s” in column kind (view, cart, purchase or review)"), kind_name);
      return 0;
    }
  if (rating != 0 && (rating < 1 || rating > 5))
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, rating);

      reject (sync, SD_SYNC_EVENTS, row->key, _("rating %s out of range 1–5 in column rating"), value);
      return 0;
    }
  if ((customer_id = customer_ref (sync, customer, error)) < 0 || (product_id = product_ref (sync, product, error)) < 0)
    return -1;
  if (customer_id == 0)
    {
      reject (sync, SD_SYNC_EVENTS, row->key, _("its customer was forgotten in Shopdesk"));
      return 0;
    }
  if (!known_row (sync, "events", row->key, &local_id, &old_hash, error))
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
  bind_text (stmt, 7, field (row, "review_text"));
  if (local_id > 0)
    sqlite3_bind_int64 (stmt, 8, local_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      id = sqlite3_column_int64 (stmt, 0);
      break;
    case SQLITE_DONE:   /* the row it was is gone (deleted in Shopdesk): made again */
      g_clear_pointer (&stmt, sd_stmt_release);
      if (!forget_row (sync, "events", row->key, error))
        return -1;
      return write_event (row, error);
    default:
      return sd_store_fail (sync->store, "events", error) ? -1 : -1;
    }
  count_write (sync, SD_SYNC_EVENTS, local_id > 0);
  return id;
}

static gint64
write_coupon_use (Row     *row,
                  GError **error)
{
  Sync *sync = row->sync;
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
      reject (sync, SD_SYNC_COUPON_USES, row->key, _("order %.40s in column order_id is not in the shop"), row->values[0]);
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

static const WriteFunc writers[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = write_product,
  [SD_SYNC_STREAM_CUSTOMERS] = write_customer,
  [SD_SYNC_STREAM_ORDERS] = write_order_line,
  [SD_SYNC_STREAM_EVENTS] = write_event,
  [SD_SYNC_STREAM_COUPONS] = write_coupon_use,
};

/* Deleting what the source deleted. Products stay (order lines and events name them)
 * with status deleted, which keeps them out of every recommendation; the rest go. */
static gboolean
delete_local (Sync          *sync,
              SdSyncStream   stream,
              const char    *key,
              gint64         local_id,
              GError       **error)
{
  if (local_id == REJECTED)
    return forget_row (sync, sync->table, key, error);
  switch (stream)
    {
    case SD_SYNC_STREAM_PRODUCTS:
      if (!exec_ids (sync, "UPDATE products SET status = 'deleted' WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_STREAM_CUSTOMERS:
      if (!exec_ids (sync, "DELETE FROM customers WHERE id = ?1", local_id, 0, error))
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
        if (!exec_ids (sync, "DELETE FROM order_lines WHERE id = ?1", local_id, 0, error))
          return FALSE;
        if (order_id)
          g_hash_table_add (sync->touched, g_memdup2 (&order_id, sizeof order_id));
      }
      break;
    case SD_SYNC_STREAM_EVENTS:
      if (!exec_ids (sync, "DELETE FROM events WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_STREAM_COUPONS:
      if (!exec_ids (sync, "DELETE FROM coupon_uses WHERE id = ?1", local_id, 0, error))
        return FALSE;
      break;
    case SD_SYNC_N_STREAMS:
    default:
      g_return_val_if_reached (FALSE);
    }
  sync->report->tables[stream_tables[stream]].deleted++;
  return forget_row (sync, sync->table, key, error);
}

/* An order with no lines left at the source is gone; one whose lines changed gets its
 * total again, and purchase events for its lines when it is a sale. Done for all the
 * orders a stream touched at once, through a temporary table of their ids. */
static gboolean
finish_orders (Sync    *sync,
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

static char *
row_key (const SdSyncStreamInfo *info,
         const char *const      *values)
{
  if (info->n_key == 1)
    return g_strdup (values[0]);
  return g_strdup_printf ("%s#%s", values[0], values[1]);
}

static gboolean
cancelled (Sync    *sync,
           GError **error)
{
  return g_cancellable_set_error_if_cancelled (sync->cancellable, error);
}

static void
progress (Sync         *sync,
          SdSyncStream  stream,
          guint64       rows)
{
  g_autofree char *n = count_text (rows);
  g_autofree char *text = NULL;

  if (sync->progress == NULL)
    return;
  text = g_strdup_printf (_("%s: %s rows read"), sd_sync_stream_info (stream)->name, n);
  sync->progress ((double) stream / SD_SYNC_N_STREAMS, text, sync->user_data);
}

/* The rows the source changed since the watermark. */
static gboolean
read_rows (Sync          *sync,
           SdSyncStream   stream,
           gint64         since,
           gint64        *watermark,
           GError       **error)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  SdSyncTable table = stream_tables[stream];
  int updated_col = sd_sync_stream_column (stream, "updated_at");
  int deleted_col = sd_sync_stream_column (stream, "deleted_at");
  g_autoptr(SdSyncCursor) cursor = sync->source->klass->rows (sync->source, stream, since, error);
  g_autoptr(GError) local_error = NULL;
  guint64 rows = 0;

  if (cursor == NULL)
    return FALSE;
  while (cursor->next (cursor, &local_error))
    {
      g_autofree char *key = NULL;
      Row row = { sync, table, NULL, info, cursor->values };
      gint64 stamp, local_id, old_hash, id;
      guint64 hash, whole;

      if (++rows % CHECK_EVERY == 0)
        {
          if (cancelled (sync, error))
            return FALSE;
          progress (sync, stream, rows);
        }
      sync->report->rows_read++;
      for (guint k = 0; k < info->n_key; k++)
        if (cursor->values[k] == NULL || *cursor->values[k] == '\0')
          {
            reject (sync, table, "", _("no value in column %s"), info->columns[k].name);
            goto next;
          }
      row.key = key = row_key (info, cursor->values);
      if (cursor->values[updated_col] && sd_import_parse_int (cursor->values[updated_col], &stamp))
        *watermark = MAX (*watermark, stamp);
      if (!known_row (sync, sync->table, key, &local_id, &old_hash, error))
        return FALSE;
      if (cursor->values[deleted_col])
        {
          if (local_id != 0 && !delete_local (sync, stream, key, local_id, error))
            return FALSE;
          continue;
        }
      whole = row_hash (info, cursor->values, 0, info->n_columns);
      if (local_id == REJECTED)
        {
          if ((guint64) old_hash == whole)
            continue;   /* rejected before, and still as it was */
          local_id = 0;
        }
      if (stream == SD_SYNC_STREAM_ORDERS)
        {
          /* The order's own fields are compared once per order; a line by its own. */
          const char *status = field (&row, "status");
          gint64 placed;

          if (!get_time (&row, "placed_at", TRUE, &placed))
            goto rejected;
          if (status && !sd_import_status_is_known (status))
            {
              reject (sync, table, key,
                      _("unknown status “%.40s” in column status (paid, shipped, delivered, cancelled, refunded or pending)"), status);
              goto rejected;
            }
          if (order_of_line (&row, placed, error) < 0)
            return FALSE;
          hash = row_hash (info, cursor->values, 0, 2) ^ row_hash (info, cursor->values, 3, 6);
        }
      else
        hash = whole;
      if (local_id > 0 && (guint64) old_hash == hash)
        {
          sync->report->tables[table].unchanged++;
          continue;
        }
      if ((id = writers[stream] (&row, error)) < 0)
        return FALSE;
      if (id > 0 && !remember_row (sync, sync->table, key, id, hash, error))
        return FALSE;
      if (id > 0)
        continue;
    rejected:
      /* Remembering a forgotten customer's row would keep their id in the shop. */
      if (sync->forgotten_row)
        {
          sync->forgotten_row = FALSE;
          continue;
        }
      if (!remember_row (sync, sync->table, key, REJECTED, whole, error))
        return FALSE;
    next:
      ;
    }
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Keys the shop has from this source that the source no longer lists; *missed tells
 * whether the source lists keys the shop does not know (a row changed without its
 * updated_at, or stamped before the last sync: WooCommerce approving an old review). */
static gboolean
read_deletions (Sync          *sync,
                SdSyncStream   stream,
                gboolean      *missed,
                GError       **error)
{
  guint known = 0;
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) gone_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) gone_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdSyncCursor) cursor = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  guint64 n = 0;
  int rc;

  if (!(cursor = sync->source->klass->keys (sync->source, stream, error)))
    return FALSE;
  while (cursor->next (cursor, &local_error))
    {
      if (++n % (CHECK_EVERY * 8) == 0 && cancelled (sync, error))
        return FALSE;
      if (cursor->values[0] && (info->n_key == 1 || cursor->values[1]))
        g_hash_table_add (keys, row_key (info, cursor->values));
    }
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!(stmt = sd_store_prepare (sync->store, "SELECT key, local_id FROM sync_rows WHERE source = ?1 AND tbl = ?2", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!g_hash_table_contains (keys, (const char *) sqlite3_column_text (stmt, 0)))
      {
        gint64 id = sqlite3_column_int64 (stmt, 1);

        g_ptr_array_add (gone_keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        g_array_append_val (gone_ids, id);
      }
    else
      known++;
  if (rc != SQLITE_DONE)
    return sd_store_fail (sync->store, "sync_rows", error);
  g_clear_pointer (&stmt, sd_stmt_release);
  for (guint i = 0; i < gone_keys->len; i++)
    if (cancelled (sync, error) ||
        !delete_local (sync, stream, gone_keys->pdata[i], g_array_index (gone_ids, gint64, i), error))
      return FALSE;
  *missed = g_hash_table_size (keys) > known;
  return TRUE;
}

static const char *const stream_row_tables[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = "products",
  [SD_SYNC_STREAM_CUSTOMERS] = "customers",
  [SD_SYNC_STREAM_ORDERS] = "order_lines",
  [SD_SYNC_STREAM_EVENTS] = "events",
  [SD_SYNC_STREAM_COUPONS] = "coupon_uses",
};

static gboolean
sync_stream (Sync          *sync,
             SdSyncStream   stream,
             GError       **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gint64 since = -1, watermark = 0;
  gboolean first = TRUE;

  sync->table = stream_row_tables[stream];
  if (!(stmt = sd_store_prepare (sync->store, "SELECT watermark FROM sync_state WHERE source = ?1 AND tbl = ?2", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      first = FALSE;
      watermark = sqlite3_column_int64 (stmt, 0);
      since = MAX (watermark - OVERLAP_SECONDS, 0);
    }
  g_clear_pointer (&stmt, sd_stmt_release);

  progress (sync, stream, 0);
  sync->fresh = first;
  if (!read_rows (sync, stream, since, &watermark, error))
    return FALSE;
  sync->fresh = FALSE;
  if (!first)
    {
      gboolean missed = FALSE;

      if (!read_deletions (sync, stream, &missed, error))
        return FALSE;
      /* Read everything again: the hashes keep it to writing what was missed. */
      if (missed && !read_rows (sync, stream, -1, &watermark, error))
        return FALSE;
    }
  if (stream == SD_SYNC_STREAM_ORDERS && (cancelled (sync, error) || !finish_orders (sync, error)))
    return FALSE;
  if (cancelled (sync, error))
    return FALSE;

  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO sync_state (source, tbl, watermark, synced_at) VALUES (?1, ?2, ?3, ?4)"
          " ON CONFLICT (source, tbl) DO UPDATE SET watermark = excluded.watermark, synced_at = excluded.synced_at",
          error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, watermark);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (sync->store, "sync_state", error);
  if (first)
    sync->report->full = TRUE;
  return TRUE;
}

static char *
report_summary (SdSyncReport *report)
{
  SdSyncCounts all = { 0 };

  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      all.inserted += report->tables[t].inserted;
      all.updated += report->tables[t].updated;
      all.deleted += report->tables[t].deleted;
      all.rejected += report->tables[t].rejected;
    }
  {
    g_autofree char *ins = count_text (all.inserted), *upd = count_text (all.updated);
    g_autofree char *del = count_text (all.deleted), *rej = count_text (all.rejected);

    return g_strdup_printf (_("%s inserted, %s updated, %s deleted, %s rejected"), ins, upd, del, rej);
  }
}

static gboolean
table_is_empty (SdStore    *store,
                const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  return stmt && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1;
}

SdSyncReport *
sd_sync_run (SdStore             *store,
             SdSyncSource        *source,
             SdSyncProgressFunc   progress_func,
             gpointer             user_data,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(SdSyncReport) report = report_new (source);
  gint64 started = g_get_monotonic_time ();
  g_autofree char *identities = sd_store_get_setting (store, "identities");
  Sync sync = {
    store, source, report, cancellable, progress_func, user_data,
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
  };
  gboolean ok = FALSE;

  if (g_strcmp0 (identities, "hashed") == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                           _("This shop stores names and e-mails hashed, which a sync cannot do yet: sync into a shop that does not hash them"));
      goto out;
    }
  if (sd_store_is_read_only (store))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED, _("The shop is read-only: a sync cannot write to it"));
      goto out;
    }
  /* Every view and column is checked before the shop is touched. */
  if (!source->klass->begin (source, error))
    goto out;
  if (!sd_store_begin (store, error))
    {
      source->klass->end (source);
      goto out;
    }
  sd_store_set_importing (store, TRUE);
  /* A cancel stops the statement running too (the orders' totals, the summaries at the
   * commit), and nothing commits after it. */
  sd_store_set_interrupt (store, cancellable);
  sync.no_customers = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM customers)");
  sync.no_products = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM products)");
  sync.no_orders = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM orders)");
  ok = TRUE;
  for (guint s = 0; ok && s < SD_SYNC_N_STREAMS; s++)
    if (source->klass->has (source, s))
      ok = sync_stream (&sync, s, error);
  ok = ok && !cancelled (&sync, error) && sd_product_kinds_classify (store, SD_PRODUCT_RULES_TITLES, error) >= 0;
  if (ok)
    {
      g_autofree char *summary = report_summary (report);
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

      /* The last moment a cancel can take back, as in an import: the commit's summaries
       * stop for it too. */
      ok = sd_store_set_setting (store, "sync.uri", source->id, error) &&
           sd_store_set_setting (store, "sync.last_at", now, error) &&
           sd_store_set_setting (store, "sync.last_result", summary, error) &&
           !cancelled (&sync, error) &&
           sd_store_commit (store, error);
    }
  sd_store_set_interrupt (store, NULL);
  if (!ok)
    sd_store_rollback (store);
  /* A statement the cancel stopped may have failed in its own words. */
  if (!ok && error && g_cancellable_is_cancelled (cancellable) &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      cancelled (&sync, error);
    }
  sd_store_set_importing (store, FALSE);
  source->klass->end (source);

out:
  g_hash_table_unref (sync.customers);
  g_hash_table_unref (sync.products);
  g_hash_table_unref (sync.orders);
  g_hash_table_unref (sync.touched);
  g_hash_table_unref (sync.order_ids);
  g_hash_table_unref (sync.new_orders);
  if (!ok)
    return NULL;
  report->elapsed_us = g_get_monotonic_time () - started;
  return g_steal_pointer (&report);
}

/* The job */

typedef struct {
  char           *db_path;
  char           *uri;
  char           *password;
  SdSyncJobFlags  flags;
  SdSyncReport   *report;
  char           *description;
} JobData;

static void
job_data_free (gpointer data)
{
  JobData *d = data;

  g_free (d->db_path);
  g_free (d->uri);
  if (d->password)
    memset (d->password, 0, strlen (d->password));
  g_free (d->password);
  sd_sync_report_free (d->report);
  g_free (d->description);
  g_free (d);
}

static void
job_progress (double      fraction,
              const char *text,
              gpointer    user_data)
{
  sd_job_set_progress (user_data, fraction, text);
}

static gboolean
job_run (SdJob         *job,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  JobData *d = data;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autofree char *password = NULL;

  sd_job_set_progress (job, 0.0, _("Connecting…"));
  if (!(d->flags & SD_SYNC_JOB_TEST_ONLY))
    {
      if (!(store = sd_store_open_full (d->db_path, SD_STORE_OPEN_EXISTING, error)))
        return FALSE;
      sd_job_watch_store (job, store);
    }
  password = d->password ? g_strdup (d->password) : sd_sync_password_lookup (d->uri, NULL);
  if (!(source = sd_sync_source_open (d->uri, password, error)))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (d->flags & SD_SYNC_JOB_REMEMBER_PASSWORD && d->password && *d->password)
    {
      g_autoptr(GError) keyring_error = NULL;

      /* The connection worked, so the password is worth keeping; a missing keyring
       * does not stop the sync. */
      if (!sd_sync_password_store (d->uri, d->password, &keyring_error))
        sd_job_log (job, _("The password was not kept: %s"), keyring_error->message);
    }
  if (d->flags & SD_SYNC_JOB_TEST_ONLY)
    {
      sd_job_set_progress (job, 0.5, _("Checking the tables…"));
      return (d->description = sd_sync_source_describe (source, error)) != NULL;
    }
  d->report = sd_sync_run (store, source, job_progress, job, cancellable, error);
  if (d->report == NULL)
    return FALSE;
  sd_job_set_progress (job, 1.0, NULL);
  return TRUE;
}

SdJob *
sd_sync_job_new (const char     *db_path,
                 const char     *uri,
                 const char     *password,
                 SdSyncJobFlags  flags)
{
  JobData *d = g_new0 (JobData, 1);

  d->db_path = g_strdup (db_path);
  d->uri = g_strdup (uri);
  d->password = g_strdup (password);
  d->flags = flags;
  return sd_job_new (flags & SD_SYNC_JOB_TEST_ONLY ? _("Test database connection") : _("Sync from database"),
                     job_run, d, job_data_free);
}

SdSyncReport *
sd_sync_job_get_report (SdJob *job)
{
  JobData *d = sd_job_get_data (job);

  return d ? d->report : NULL;
}

const char *
sd_sync_job_get_description (SdJob *job)
{
  JobData *d = sd_job_get_data (job);

  return d ? d->description : NULL;
}

/* Settings and passwords */

char *
sd_sync_settings_get_uri (SdStore *store)
{
  return sd_store_get_setting (store, "sync.uri");
}

gboolean
sd_sync_settings_set_uri (SdStore     *store,
                          const char  *uri,
                          GError     **error)
{
  g_autoptr(SdSyncUri) parsed = sd_sync_uri_parse (uri, error);
  g_autofree char *id = NULL;

  if (parsed == NULL)
    return FALSE;
  /* Never the password: it belongs in the keyring. */
  id = sd_sync_uri_to_id (parsed);
  return sd_store_set_setting (store, "sync.uri", id, error);
}

gboolean
sd_sync_settings_get_on_open (SdStore *store)
{
  g_autofree char *value = sd_store_get_setting (store, "sync.on_open");

  return g_strcmp0 (value, "1") == 0;
}

gboolean
sd_sync_settings_set_on_open (SdStore   *store,
                              gboolean   on_open,
                              GError   **error)
{
  return sd_store_set_setting (store, "sync.on_open", on_open ? "1" : "0", error);
}

gint64
sd_sync_settings_get_last (SdStore  *store,
                           char    **summary)
{
  g_autofree char *at = sd_store_get_setting (store, "sync.last_at");
  gint64 when = 0;

  if (summary)
    *summary = sd_store_get_setting (store, "sync.last_result");
  if (at && !sd_import_parse_int (at, &when))
    when = 0;
  return when;
}

gboolean
sd_sync_customer_is_forgotten (SdStore    *store,
                               const char *external_id)
{
  return sd_erasure_is_forgotten (store, external_id);
}

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "io.github.shopdesk.Shopdesk.Database", SECRET_SCHEMA_NONE,
    { { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, 0, 0, 0, 0, 0, 0, 0,
  };
  return &schema;
}

/* Whether a session bus (and so maybe a keyring) is there: without one, libsecret would
 * only fail, after trying to start a bus. */
static gboolean
have_session_bus (void)
{
  g_autofree char *socket = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS"))
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static char *
password_key (const char  *uri,
              GError     **error)
{
  g_autoptr(SdSyncUri) parsed = sd_sync_uri_parse (uri, error);

  return parsed ? sd_sync_uri_to_id (parsed) : NULL;
}

char *
sd_sync_password_lookup (const char  *uri,
                         GError     **error)
{
  const char *env = g_getenv ("SHOPDESK_DB_PASSWORD");
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;
  char *password;

  if (env)
    return g_strdup (env);
  if (!have_session_bus () || !(key = password_key (uri, error)))
    return NULL;
  password = secret_password_lookup_sync (password_schema (), NULL, &local_error, "uri", key, NULL);
  if (local_error)
    g_debug ("No password from the keyring: %s", local_error->message);
  return password;
}

gboolean
sd_sync_password_store (const char  *uri,
                        const char  *password,
                        GError     **error)
{
  g_autofree char *key = password_key (uri, error);
  g_autofree char *label = NULL;

  if (key == NULL)
    return FALSE;
  if (!have_session_bus ())
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                           _("No keyring is running to keep the password in"));
      return FALSE;
    }
  label = g_strdup_printf (_("Shopdesk: database password for %s"), key);
  return secret_password_store_sync (password_schema (), SECRET_COLLECTION_DEFAULT, label, password, NULL, error,
                                     "uri", key, NULL);
}
