/* sd-store.c — one shop's SQLite database
 *
 * The schema grows by appending to `migrations`: entry N brings a database from
 * user_version N to N + 1, inside one transaction, so a failed migration leaves the
 * file as it was. Never edit an entry that has shipped; add a new one.
 */
#include "config.h"

#include <string.h>

#include "sd-store.h"
#include "sd-error.h"

static const char *const migrations[] = {
  /* 0 → 1: the foundation */
  "CREATE TABLE customers ("
  "  id INTEGER PRIMARY KEY,"
  "  external_id TEXT NOT NULL UNIQUE,"
  "  name TEXT,"
  "  email TEXT,"
  "  country TEXT,"
  "  segment TEXT,"
  "  taste_group INTEGER,"            /* planted by the demo generator; NULL for real shops */
  "  created_at INTEGER"              /* unix seconds, UTC */
  ");"
  "CREATE TABLE products ("
  "  id INTEGER PRIMARY KEY,"
  "  external_id TEXT NOT NULL UNIQUE,"
  "  title TEXT NOT NULL,"
  "  description TEXT,"
  "  category TEXT,"
  "  tags TEXT,"                      /* comma-separated */
  "  price_cents INTEGER NOT NULL DEFAULT 0,"
  "  stock INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER"
  ");"
  "CREATE INDEX products_category ON products (category);"
  "CREATE TABLE product_texts ("      /* translations: the demo shop's Chinese titles */
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  lang TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  description TEXT,"
  "  PRIMARY KEY (product_id, lang)"
  ") WITHOUT ROWID;"
  "CREATE TABLE orders ("
  "  id INTEGER PRIMARY KEY,"
  "  external_id TEXT NOT NULL UNIQUE,"
  "  customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,"
  "  placed_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'paid',"   /* paid, shipped, delivered, cancelled, refunded */
  "  total_cents INTEGER NOT NULL DEFAULT 0,"
  "  currency TEXT,"
  "  country TEXT"
  ");"
  "CREATE INDEX orders_customer ON orders (customer_id);"
  "CREATE TABLE order_lines ("
  "  id INTEGER PRIMARY KEY,"
  "  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,"
  "  line_no INTEGER NOT NULL,"
  "  product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,"
  "  quantity INTEGER NOT NULL,"
  "  unit_price_cents INTEGER NOT NULL,"
  "  UNIQUE (order_id, line_no)"
  ");"
  "CREATE INDEX order_lines_product ON order_lines (product_id);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 3),"  /* SdEventKind */
  "  at INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL DEFAULT 1,"
  "  rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),"
  "  review_text TEXT,"
  "  UNIQUE (customer_id, product_id, kind, at)"          /* re-imports upsert on this */
  ");"
  "CREATE INDEX events_product ON events (product_id);"
  "CREATE TABLE imports ("
  "  id INTEGER PRIMARY KEY,"
  "  file TEXT NOT NULL,"
  "  format TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER NOT NULL,"
  "  rows_read INTEGER NOT NULL,"
  "  rows_imported INTEGER NOT NULL,"
  "  rows_rejected INTEGER NOT NULL,"
  "  report TEXT"                     /* JSON: counts by reason */
  ");"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"             /* import, recommender, chatbot, … */
  "  model TEXT,"
  "  params TEXT,"                    /* JSON */
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  status TEXT NOT NULL DEFAULT 'running'"
  "    CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),"
  "  summary TEXT"                    /* JSON */
  ");"
  "CREATE TABLE run_points ("
  "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  step INTEGER NOT NULL,"
  "  value REAL NOT NULL,"
  "  PRIMARY KEY (run_id, name, step)"
  ") WITHOUT ROWID;"
  "CREATE TABLE models ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  params TEXT,"
  "  metrics TEXT,"
  "  run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,"
  "  created_at INTEGER NOT NULL,"
  "  blob BLOB"
  ");"
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ") WITHOUT ROWID;",

  /* chatbot: intents, training examples, reply templates, saved test conversations */
  "CREATE TABLE chat_intents ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  description TEXT,"
  "  source TEXT NOT NULL DEFAULT 'builtin' CHECK (source IN ('builtin', 'staff')),"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE chat_examples ("
  "  id INTEGER PRIMARY KEY,"
  "  intent_id INTEGER NOT NULL REFERENCES chat_intents (id) ON DELETE CASCADE,"
  "  lang TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  source TEXT NOT NULL DEFAULT 'builtin'"
  "    CHECK (source IN ('builtin', 'staff', 'correction')),"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (intent_id, lang, text)"
  ");"
  "CREATE INDEX chat_examples_lang ON chat_examples (lang);"
  "CREATE TABLE chat_templates ("
  "  id INTEGER PRIMARY KEY,"
  "  intent TEXT NOT NULL,"           /* an intent, a form step (order_status.ask) or sys.* */
  "  lang TEXT NOT NULL,"
  "  text TEXT NOT NULL,"             /* with {slot} placeholders */
  "  source TEXT NOT NULL DEFAULT 'builtin' CHECK (source IN ('builtin', 'staff')),"
  "  UNIQUE (intent, lang)"
  ");"
  "CREATE TABLE chat_tests ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,"
  "  lang TEXT,"
  "  transcript TEXT NOT NULL,"       /* JSON array of {user, bot, intent} turns */
  "  created_at INTEGER NOT NULL"
  ");",
  /* → coupons: rules with every saved version, and the coupons redeemed */
  "CREATE TABLE coupon_rules ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  enabled INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL,"       /* the current one */
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE coupon_rule_versions ("
  "  rule_id INTEGER NOT NULL REFERENCES coupon_rules (id) ON DELETE CASCADE,"
  "  version INTEGER NOT NULL,"
  "  saved_at INTEGER NOT NULL,"
  "  json TEXT NOT NULL,"
  "  PRIMARY KEY (rule_id, version)"
  ") WITHOUT ROWID;"
  "CREATE TABLE coupon_redemptions ("
  "  id INTEGER PRIMARY KEY,"
  "  rule_id INTEGER NOT NULL REFERENCES coupon_rules (id) ON DELETE CASCADE,"
  "  customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,"
  "  order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,"
  "  at INTEGER NOT NULL,"
  "  discount_cents INTEGER NOT NULL"
  ");"
  "CREATE INDEX coupon_redemptions_rule ON coupon_redemptions (rule_id);",
  /* → shop exports: what an order charged beyond its lines, a product's sale status
   * and its variants' SKUs (order lines name variants by SKU) */
  "ALTER TABLE orders ADD COLUMN discount_cents INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE orders ADD COLUMN shipping_cents INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE orders ADD COLUMN tax_cents INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE products ADD COLUMN status TEXT NOT NULL DEFAULT 'active';"  /* active, draft, archived, unlisted, private */
  "CREATE TABLE product_skus ("
  "  sku TEXT PRIMARY KEY,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE"
  ") WITHOUT ROWID;"
  "CREATE INDEX product_skus_product ON product_skus (product_id);",
};

struct _SdStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *stmts;   /* const char *sql (by address) → sqlite3_stmt * */
};

G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const event_kind_names[SD_N_EVENT_KINDS] = {
  "view", "cart", "purchase", "review"
};

const char *
sd_event_kind_to_string (SdEventKind kind)
{
  g_return_val_if_fail (kind < SD_N_EVENT_KINDS, NULL);
  return event_kind_names[kind];
}

gboolean
sd_event_kind_from_string (const char  *str,
                           SdEventKind *out)
{
  for (guint i = 0; i < SD_N_EVENT_KINDS; i++)
    if (str && g_ascii_strcasecmp (str, event_kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

void
sd_stmt_release (SdStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
sd_store_finalize (GObject *object)
{
  SdStore *self = SD_STORE (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (sd_store_parent_class)->finalize (object);
}

static void
sd_store_class_init (SdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_store_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sd_store_notify_changed (SdStore *self)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
sd_store_init (SdStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       finalize_stmt);
}

int
sd_store_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

gboolean
sd_store_fail (SdStore     *self,
               const char  *what,
               GError     **error)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, "%s: %s (%s)",
               what, sqlite3_errmsg (self->db), sqlite3_errstr (code));
  return FALSE;
}

gboolean
sd_store_exec (SdStore     *self,
               const char  *sql,
               GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, "%s", msg ? msg : "unknown error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

SdStmt *
sd_store_prepare (SdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      sd_store_fail (self, "Could not prepare a query", error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

gboolean
sd_store_begin (SdStore  *self,
                GError  **error)
{
  return sd_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
sd_store_commit (SdStore  *self,
                 GError  **error)
{
  return sd_store_exec (self, "COMMIT", error);
}

void
sd_store_rollback (SdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sd_store_exec (self, "ROLLBACK", NULL);
}

gboolean
sd_store_in_transaction (SdStore *self)
{
  return !sqlite3_get_autocommit (self->db);
}

static gboolean
migrate (SdStore  *self,
         GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  int version;

  if (!(stmt = sd_store_prepare (self, "PRAGMA user_version", error)))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (self, "Could not read the schema version", error);
  version = sqlite3_column_int (stmt, 0);
  sd_stmt_release (g_steal_pointer (&stmt));

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   "“%s” was made by a newer Shopdesk (schema %d, this version knows up to %d)",
                   self->path, version, (int) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!sd_store_begin (self, error))
        return FALSE;
      if (!sd_store_exec (self, migrations[version], error) ||
          !sd_store_exec (self, bump, error) ||
          !sd_store_commit (self, error))
        {
          sd_store_rollback (self);
          g_prefix_error (error, "Could not update “%s” to schema %d: ", self->path, version + 1);
          return FALSE;
        }
    }
  return TRUE;
}

SdStore *
sd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(SdStore) self = g_object_new (SD_TYPE_STORE, NULL);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, "Could not open “%s”: %s",
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* The first statement that reads the file is where a non-database shows itself. */
  if (!sd_store_exec (self,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA cache_size = -65536;", error))
    {
      g_prefix_error (error, "“%s” is not a Shopdesk database: ", path);
      return NULL;
    }

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
sd_store_get_path (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->path;
}

sqlite3 *
sd_store_get_db (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->db;
}

static gboolean
count_into (SdStore     *self,
            const char  *sql,
            gint64      *out,
            GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (self, "Could not count rows", error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
sd_store_get_stats (SdStore       *self,
                    SdStoreStats  *stats,
                    GError       **error)
{
  g_autoptr(SdStmt) kinds = NULL;
  int rc;

  memset (stats, 0, sizeof *stats);
  if (!count_into (self, "SELECT count(*) FROM customers", &stats->customers, error) ||
      !count_into (self, "SELECT count(*) FROM products", &stats->products, error) ||
      !count_into (self, "SELECT count(*) FROM orders", &stats->orders, error) ||
      !count_into (self, "SELECT count(*) FROM order_lines", &stats->order_lines, error) ||
      !count_into (self,
                   "SELECT coalesce(sum(l.quantity * l.unit_price_cents), 0)"
                   " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                   " WHERE o.status NOT IN ('cancelled', 'refunded', 'pending')",
                   &stats->revenue_cents, error))
    return FALSE;

  /* One pass with a sum per kind: GROUP BY would sort every event in a temporary
   * b-tree, a gigabyte of memory on a shop of twenty million events. */
  if (!(kinds = sd_store_prepare (self,
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
    return sd_store_fail (self, "Could not count events", error);
  return TRUE;
}

gint64
sd_store_find_customer (SdStore     *self,
                        const char  *key,
                        GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "SELECT id FROM customers WHERE external_id = ?1"
                      " UNION ALL SELECT id FROM customers WHERE id = ?2 LIMIT 1", error);
  gint64 number = 0;
  char *end = NULL;

  if (stmt == NULL)
    return -1;
  number = g_ascii_strtoll (key, &end, 10);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (end && *end == '\0' && end != key)
    sqlite3_bind_int64 (stmt, 2, number);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, "There is no customer “%s” in this shop", key);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

char *
sd_store_get_setting (SdStore    *self,
                      const char *key)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, "SELECT value FROM settings WHERE key = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
sd_store_set_setting (SdStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (self, "Could not save a setting", error);
  return TRUE;
}

char *
sd_store_hash_identity (SdStore    *self,
                        const char *value)
{
  g_autofree char *salt = NULL;
  g_autoptr(GChecksum) sum = NULL;

  if (value == NULL || *value == '\0')
    return NULL;

  salt = sd_store_get_setting (self, "identity-salt");
  if (salt == NULL)
    {
      g_autofree char *fresh = g_strdup_printf ("%08x%08x%08x%08x",
                                                g_random_int (), g_random_int (),
                                                g_random_int (), g_random_int ());
      sd_store_set_setting (self, "identity-salt", fresh, NULL);
      salt = g_steal_pointer (&fresh);
    }

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) salt, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) value, -1);
  /* A short prefix is plenty to tell customers apart and reads better in tables. */
  return g_strdup_printf ("#%.16s", g_checksum_get_string (sum));
}

gint64
sd_store_run_begin (SdStore     *self,
                    const char  *kind,
                    const char  *model,
                    const char  *params_json,
                    GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "INSERT INTO runs (kind, model, params, started_at) VALUES (?1, ?2, ?3, ?4)",
                      error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, params_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (self, "Could not record a training run", error);
      return -1;
    }
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
sd_store_run_add_point (SdStore     *self,
                        gint64       run_id,
                        int          step,
                        const char  *name,
                        double       value,
                        GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "INSERT INTO run_points (run_id, name, step, value) VALUES (?1, ?2, ?3, ?4)"
                      " ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value",
                      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, step);
  sqlite3_bind_double (stmt, 4, value);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (self, "Could not record a metric point", error);
  return TRUE;
}

gboolean
sd_store_run_finish (SdStore     *self,
                     gint64       run_id,
                     const char  *status,
                     const char  *summary_json,
                     GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "UPDATE runs SET status = ?2, summary = ?3, finished_at = ?4 WHERE id = ?1",
                      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, summary_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (self, "Could not finish a training run", error);
  return TRUE;
}
