/* sd-store.c — one shop's SQLite database
 *
 * The schema grows by appending to `migrations`: entry N brings a database from
 * user_version N to N + 1, inside one transaction, so a failed migration leaves the
 * file as it was. Never edit an entry that has shipped; add a new one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sd-error.h"
#include "sd-figures.h"
#include "sd-product-kind.h"
#include "sd-random.h"
#include "sd-store.h"
#include "sd-summary.h"

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
  /* 4 → 5: a run whose process died (killed, crashed) is marked 'interrupted'. SQLite cannot
   * change a CHECK, so the table is rebuilt; migrations run with foreign keys off, so the
   * DROP takes no run_points or models with it, and their references keep naming `runs`. */
  "CREATE TABLE runs_new ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  model TEXT,"
  "  params TEXT,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  status TEXT NOT NULL DEFAULT 'running'"
  "    CHECK (status IN ('running', 'finished', 'cancelled', 'failed', 'interrupted')),"
  "  summary TEXT"
  ");"
  "INSERT INTO runs_new SELECT id, kind, model, params, started_at, finished_at, status, summary FROM runs;"
  "DROP TABLE runs;"
  "ALTER TABLE runs_new RENAME TO runs;",

  /* 5 → 6: what kind of line a product is (merchandise, shipping, fee, adjustment,
   * gift-card); NULL until sd_product_kinds_classify() has looked at it */
  "ALTER TABLE products ADD COLUMN kind TEXT;"
  "CREATE INDEX products_kind ON products (kind);",

  /* → live models: which stored model each purpose (recommendations, chat-intents,
   * chat-sentiment, coupon-interest) uses, as a history of promotions and rollbacks (the
   * live one is what the history leaves on top), and the names and notes people give runs */
  "CREATE TABLE IF NOT EXISTS model_promotions ("
  "  id INTEGER PRIMARY KEY,"
  "  purpose TEXT NOT NULL,"
  "  action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),"
  "  model_id INTEGER,"               /* promoted, or live after a rollback; NULL: none */
  "  at INTEGER NOT NULL,"
  "  who TEXT,"
  "  note TEXT"
  ");"
  "CREATE INDEX IF NOT EXISTS model_promotions_purpose ON model_promotions (purpose, id);"
  "CREATE TABLE IF NOT EXISTS run_labels ("
  "  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,"
  "  label TEXT,"
  "  note TEXT"
  ");",

  /* → audiences: groups of customers a merchandiser saved (a cluster of taste, a lasso on
   * the map, an RFM cell) to target with coupons or export; `definition` (JSON) says how
   * to find the members again when `refresh` is 'recompute' */
  "CREATE TABLE IF NOT EXISTS audiences ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  source TEXT NOT NULL CHECK (source IN ('cluster', 'lasso', 'rfm', 'list')),"
  "  definition TEXT,"
  "  refresh TEXT NOT NULL DEFAULT 'frozen' CHECK (refresh IN ('frozen', 'recompute')),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE IF NOT EXISTS audience_members ("
  "  audience_id INTEGER NOT NULL REFERENCES audiences(id) ON DELETE CASCADE,"
  "  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
  "  PRIMARY KEY (audience_id, customer_id)"
  ") WITHOUT ROWID;",
  /* → sync from a shop database (src/core/sync): what each remote row became locally and a
   * hash of its content, how far each remote table was read, and coupon codes used on
   * orders (synced from WooCommerce, imported from Shopify's Discount Code) */
  "CREATE TABLE IF NOT EXISTS sync_rows ("
  "  source TEXT NOT NULL,"             /* the source's URI without password */
  "  tbl TEXT NOT NULL,"
  "  key TEXT NOT NULL,"                /* the remote key: "1042", "SD-100001#2" */
  "  local_id INTEGER NOT NULL,"
  "  hash INTEGER NOT NULL,"
  "  PRIMARY KEY (source, tbl, key)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS sync_state ("
  "  source TEXT NOT NULL,"
  "  tbl TEXT NOT NULL,"
  "  watermark INTEGER NOT NULL,"       /* the newest updated_at read, unix seconds */
  "  synced_at INTEGER NOT NULL,"
  "  PRIMARY KEY (source, tbl)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS coupon_uses ("
  "  id INTEGER PRIMARY KEY,"
  "  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,"
  "  code TEXT NOT NULL,"               /* lower case */
  "  discount_cents INTEGER NOT NULL,"
  "  source TEXT NOT NULL DEFAULT 'import'," /* import, sync */
  "  UNIQUE (order_id, code)"
  ");"
  "CREATE INDEX IF NOT EXISTS coupon_uses_code ON coupon_uses (code);",
  /* → privacy (issue 18): erasure tombstones (an HMAC of a forgotten customer's external id
   * under the shop's erasure key, so importers and syncs can refuse them without keeping the
   * id), an audit log that holds no personal data, and the stored models that learnt from a
   * forgotten customer and should be trained again */
  "CREATE TABLE IF NOT EXISTS erasures ("
  "  tombstone TEXT PRIMARY KEY,"
  "  at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  action TEXT NOT NULL,"
  "  detail TEXT"                       /* JSON: counts only, never who */
  ");"
  "CREATE TABLE IF NOT EXISTS model_retraining ("
  "  model_id INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,"
  "  reason TEXT NOT NULL,"
  "  since INTEGER NOT NULL"
  ");",
  /* → fairness: a re-ranking (src/core/recommend/sd-rerank.h, "mmr=0.5") saved as a setting
   * of a stored model, applied wherever that model serves while it is live */
  "CREATE TABLE IF NOT EXISTS model_rerank ("
  "  model_id INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,"
  "  spec TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  who TEXT"
  ");",
  /* → summary tables (sd-summary.h): counts kept by triggers, figures per day, product and
   * customer folded in at each commit. The counts are taken here; the figures are built
   * by the first sd_summary_ensure(), in a job, from the days noted dirty here. */
  "CREATE INDEX IF NOT EXISTS orders_placed_at ON orders (placed_at);"
  /* orders_upto: orders above it are new since the last refresh, which notes their days
   * itself, so that their lines need no trigger to say so: an import of a million lines
   * then pays for a comparison per line, not a write */
  "CREATE TABLE IF NOT EXISTS summary_state (id INTEGER PRIMARY KEY CHECK (id = 1), built INTEGER NOT NULL,"
  "  orders_upto INTEGER NOT NULL DEFAULT 0);"
  /* a shop without orders has nothing to build: summaries kept from its first commit on */
  "INSERT OR IGNORE INTO summary_state"
  " VALUES (1, NOT EXISTS (SELECT 1 FROM orders), (SELECT coalesce(max(id), 0) FROM orders));"
  /* what: 0 customers, 1 products, 2 orders, 3 order lines, 10 + k events of kind k */
  "CREATE TABLE IF NOT EXISTS summary_counts (what INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
  "INSERT OR REPLACE INTO summary_counts"
  " WITH e AS MATERIALIZED (SELECT coalesce(sum(kind = 0), 0) k0, coalesce(sum(kind = 1), 0) k1,"
  "                                coalesce(sum(kind = 2), 0) k2, coalesce(sum(kind = 3), 0) k3 FROM events)"
  " SELECT 0, count(*) FROM customers UNION ALL SELECT 1, count(*) FROM products"
  " UNION ALL SELECT 2, count(*) FROM orders UNION ALL SELECT 3, count(*) FROM order_lines"
  " UNION ALL SELECT 10, k0 FROM e UNION ALL SELECT 11, k1 FROM e"
  " UNION ALL SELECT 12, k2 FROM e UNION ALL SELECT 13, k3 FROM e;"
  /* NULL kept apart from '' (has_*), as count(DISTINCT country) does */
  "CREATE TABLE IF NOT EXISTS summary_customer_groups ("
  "  has_country INTEGER NOT NULL, country TEXT NOT NULL,"
  "  has_segment INTEGER NOT NULL, segment TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (has_country, country, has_segment, segment)"
  ") WITHOUT ROWID;"
  "INSERT OR REPLACE INTO summary_customer_groups"
  " SELECT country IS NOT NULL, coalesce(country, ''), segment IS NOT NULL, coalesce(segment, ''), count(*)"
  " FROM customers GROUP BY 1, 2, 3, 4;"
  "CREATE TABLE IF NOT EXISTS summary_order_currencies ("
  "  currency TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
  "INSERT OR REPLACE INTO summary_order_currencies"
  " SELECT currency, count(*) FROM orders WHERE currency IS NOT NULL GROUP BY currency;"
  "CREATE TABLE IF NOT EXISTS summary_dirty_orders (order_id INTEGER PRIMARY KEY);"
  "CREATE TABLE IF NOT EXISTS summary_dirty_days (day INTEGER PRIMARY KEY);"
  "INSERT OR IGNORE INTO summary_dirty_days SELECT DISTINCT " SD_SQL_DAY ("placed_at") " FROM orders;"
  "CREATE TABLE IF NOT EXISTS summary_days ("
  "  day INTEGER NOT NULL, currency TEXT NOT NULL,"
  "  orders INTEGER NOT NULL, orders_counted INTEGER NOT NULL,"
  "  revenue_cents INTEGER NOT NULL, units INTEGER NOT NULL,"
  "  first_at INTEGER, last_at INTEGER,"          /* of the orders counted */
  "  PRIMARY KEY (day, currency)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS summary_product_days ("
  "  day INTEGER NOT NULL, currency TEXT NOT NULL, product_id INTEGER NOT NULL,"
  "  revenue_cents INTEGER NOT NULL, units INTEGER NOT NULL,"
  "  PRIMARY KEY (day, currency, product_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS summary_customer_days ("
  "  day INTEGER NOT NULL, currency TEXT NOT NULL, customer_id INTEGER NOT NULL,"
  "  PRIMARY KEY (day, currency, customer_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS summary_products ("
  "  currency TEXT NOT NULL, product_id INTEGER NOT NULL,"
  "  revenue_cents INTEGER NOT NULL, units INTEGER NOT NULL,"
  "  PRIMARY KEY (currency, product_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS summary_active ("
  "  currency TEXT NOT NULL, customer_id INTEGER NOT NULL, days INTEGER NOT NULL,"
  "  PRIMARY KEY (currency, customer_id)"
  ") WITHOUT ROWID;"
  /* Counts */
  "CREATE TRIGGER IF NOT EXISTS summary_customers_insert AFTER INSERT ON customers BEGIN"
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 0;"
  "  UPDATE summary_customer_groups SET n = n + 1"
  "   WHERE has_country = (NEW.country IS NOT NULL) AND country = coalesce(NEW.country, '')"
  "     AND has_segment = (NEW.segment IS NOT NULL) AND segment = coalesce(NEW.segment, '');"
  "  INSERT INTO summary_customer_groups SELECT NEW.country IS NOT NULL, coalesce(NEW.country, ''),"
  "    NEW.segment IS NOT NULL, coalesce(NEW.segment, ''), 1"
  "   WHERE changes() = 0;"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_customers_delete AFTER DELETE ON customers BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 0;"
  "  UPDATE summary_customer_groups SET n = n - 1"
  "   WHERE has_country = (OLD.country IS NOT NULL) AND country = coalesce(OLD.country, '')"
  "     AND has_segment = (OLD.segment IS NOT NULL) AND segment = coalesce(OLD.segment, '');"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_customers_update AFTER UPDATE OF country, segment ON customers"
  " WHEN OLD.country IS NOT NEW.country OR OLD.segment IS NOT NEW.segment BEGIN"
  "  UPDATE summary_customer_groups SET n = n - 1"
  "   WHERE has_country = (OLD.country IS NOT NULL) AND country = coalesce(OLD.country, '')"
  "     AND has_segment = (OLD.segment IS NOT NULL) AND segment = coalesce(OLD.segment, '');"
  "  UPDATE summary_customer_groups SET n = n + 1"
  "   WHERE has_country = (NEW.country IS NOT NULL) AND country = coalesce(NEW.country, '')"
  "     AND has_segment = (NEW.segment IS NOT NULL) AND segment = coalesce(NEW.segment, '');"
  "  INSERT INTO summary_customer_groups SELECT NEW.country IS NOT NULL, coalesce(NEW.country, ''),"
  "    NEW.segment IS NOT NULL, coalesce(NEW.segment, ''), 1"
  "   WHERE changes() = 0;"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_products_insert AFTER INSERT ON products BEGIN"
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 1;"
  " END;"
  /* a product's lines count in revenue or not by whether it is merchandise */
  "CREATE TRIGGER IF NOT EXISTS summary_products_delete AFTER DELETE ON products BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 1;"
  "  INSERT INTO summary_dirty_orders SELECT DISTINCT order_id FROM order_lines WHERE product_id = OLD.id"
  "   AND order_id NOT IN (SELECT order_id FROM summary_dirty_orders);"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_products_kind AFTER UPDATE OF kind ON products"
  " WHEN coalesce(OLD.kind, 'merchandise') IS NOT coalesce(NEW.kind, 'merchandise') BEGIN"
  "  INSERT INTO summary_dirty_orders SELECT DISTINCT order_id FROM order_lines WHERE product_id = NEW.id"
  "   AND order_id NOT IN (SELECT order_id FROM summary_dirty_orders);"
  " END;"
  SD_SUMMARY_TRIGGER_ORDERS_INSERT
  "CREATE TRIGGER IF NOT EXISTS summary_orders_delete AFTER DELETE ON orders BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 2;"
  "  UPDATE summary_order_currencies SET n = n - 1 WHERE currency = OLD.currency;"
  "  INSERT INTO summary_dirty_days SELECT " SD_SQL_DAY ("OLD.placed_at")
  "   WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_days WHERE day = " SD_SQL_DAY ("OLD.placed_at") ");"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_orders_update AFTER UPDATE OF placed_at, status, currency, customer_id ON orders"
  " WHEN OLD.placed_at IS NOT NEW.placed_at OR OLD.status IS NOT NEW.status"
  "   OR OLD.currency IS NOT NEW.currency OR OLD.customer_id IS NOT NEW.customer_id BEGIN"
  "  UPDATE summary_order_currencies SET n = n - 1 WHERE currency = OLD.currency AND OLD.currency IS NOT NEW.currency;"
  "  UPDATE summary_order_currencies SET n = n + 1 WHERE currency = NEW.currency AND OLD.currency IS NOT NEW.currency;"
  "  INSERT INTO summary_order_currencies SELECT NEW.currency, 1"
  "   WHERE NEW.currency IS NOT NULL AND OLD.currency IS NOT NEW.currency"
  "     AND NOT EXISTS (SELECT 1 FROM summary_order_currencies WHERE currency = NEW.currency);"
  "  INSERT INTO summary_dirty_days SELECT " SD_SQL_DAY ("OLD.placed_at")
  "   WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_days WHERE day = " SD_SQL_DAY ("OLD.placed_at") ");"
  "  INSERT INTO summary_dirty_orders SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = NEW.id);"
  " END;"
  SD_SUMMARY_TRIGGER_LINES_INSERT
  "CREATE TRIGGER IF NOT EXISTS summary_lines_delete AFTER DELETE ON order_lines BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 3;"
  "  INSERT INTO summary_dirty_orders SELECT OLD.order_id WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = OLD.order_id);"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_lines_update AFTER UPDATE OF order_id, product_id, quantity, unit_price_cents"
  " ON order_lines BEGIN"
  "  INSERT INTO summary_dirty_orders SELECT OLD.order_id WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = OLD.order_id);"
  "  INSERT INTO summary_dirty_orders SELECT NEW.order_id WHERE NOT EXISTS (SELECT 1 FROM summary_dirty_orders WHERE order_id = NEW.order_id);"
  " END;"
  SD_SUMMARY_TRIGGER_EVENTS_INSERT
  "CREATE TRIGGER IF NOT EXISTS summary_events_delete AFTER DELETE ON events BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 10 + OLD.kind;"
  " END;"
  "CREATE TRIGGER IF NOT EXISTS summary_events_update AFTER UPDATE OF kind ON events"
  " WHEN OLD.kind IS NOT NEW.kind BEGIN"
  "  UPDATE summary_counts SET n = n - 1 WHERE what = 10 + OLD.kind;"
  "  UPDATE summary_counts SET n = n + 1 WHERE what = 10 + NEW.kind;"
  " END;",
  /* A built-in chat example the staff removed, so that a newer built-in corpus brought in
   * on upgrade (sd_chat_corpus_seed) leaves it out. */
  "CREATE TABLE IF NOT EXISTS chat_removed_examples ("
  "  intent TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,"
  "  PRIMARY KEY (intent, lang, text)"
  ") WITHOUT ROWID;",
  /* The products whose kind a person chose (sd_product_kind_set): newer kind rules
   * (sd_product_kinds_update_rules, after every migration) leave them as chosen. */
  "CREATE TABLE IF NOT EXISTS product_kind_choices ("
  "  product_id INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE"
  ");",
  /* Other names a product was sold under (Online Retail's 85123A was "WHITE HANGING HEART
   * T-LIGHT HOLDER" for a year before "CREAM …"): customers still use them, and the chatbot
   * finds the product by them. */
  "CREATE TABLE IF NOT EXISTS product_aliases ("
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  title TEXT NOT NULL,"
  "  PRIMARY KEY (product_id, title)"
  ") WITHOUT ROWID;",
};
/* The schema from which products have a kind: the migration to it classifies them. */
#define SCHEMA_PRODUCT_KINDS 6
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) >= SCHEMA_PRODUCT_KINDS);
/* The schema from which figures come from the summary tables. */
#define SCHEMA_SUMMARIES 12
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) >= SCHEMA_SUMMARIES);

struct _SdStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *stmts;   /* const char *sql (by address) → sqlite3_stmt * */
  gboolean    read_only;

  /* How a change waits for another connection's write lock: see sd_store_set_wait(). */
  GCancellable   *wait_cancellable;
  int             wait_timeout_ms;
  SdStoreWaitFunc wait_func;
  gpointer        wait_data;
  gint64          wait_started_us;
  const char     *wait_told;     /* the line wait_func was last given, during this wait */
  gboolean        no_wait;       /* a try that gives up at once: queued metric points */

  /* Open file description holding the liveness locks of this connection's runs and of its
   * import: see RUN_LOCK_BASE. -1 until needed. */
  int             lock_fd;
  GArray         *queued_points; /* QueuedPoint: metric points waiting for the shop to be free */

  /* Set only while sd_store_open_updating() brings the shop up to date. */
  gboolean             updating;
  SdStoreProgressFunc  update_progress;
  gpointer             update_data;
  GCancellable        *update_cancellable;

  /* See sd_store_set_interrupt(). */
  GCancellable        *interrupt_cancellable;
  gboolean             committing;   /* sd_store_commit()'s COMMIT: neither stopped nor refused */
};

typedef struct {
  gint64      run_id;
  int         step;
  const char *name;    /* interned */
  double      value;
} QueuedPoint;

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
  /* Closing releases this connection's run locks: its runs count as interrupted now. */
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_object (&self->wait_cancellable);
  g_clear_object (&self->interrupt_cancellable);
  g_clear_pointer (&self->queued_points, g_array_unref);
  g_free (self->path);

  G_OBJECT_CLASS (sd_store_parent_class)->finalize (object);
}

static void
sd_store_class_init (SdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_store_finalize;
  /* Before the first connection starts SQLite: without its running total of memory in use
   * (which nothing here reads), an allocation takes no global lock, and an import of half
   * a million rows makes millions of them. Refused, harmlessly, once SQLite has started. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sd_store_notify_changed (SdStore *self)
{
  sd_store_notify_changed_detail (self, SD_STORE_CHANGED_DATA);
}

void
sd_store_notify_changed_detail (SdStore    *self,
                                const char *what)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (what != NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (what));
}

static void
sd_store_init (SdStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       finalize_stmt);
  self->wait_timeout_ms = 5000;
  self->lock_fd = -1;
  self->queued_points = g_array_new (FALSE, FALSE, sizeof (QueuedPoint));
}

int
sd_store_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

int
sd_store_summaries_schema_version (void)
{
  return SCHEMA_SUMMARIES;
}

/* What PRAGMA quick_check finds, as one line. Only asked once SQLite has reported
 * corruption: it reads the whole file, so it never runs on an ordinary open. */
static char *
quick_check_findings (sqlite3 *db)
{
  g_autoptr(GString) found = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(5)", -1, &stmt, NULL)) == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);
          g_auto(GStrv) parts = NULL;
          if (line == NULL || strcmp (line, "ok") == 0)
            continue;
          /* One finding may span lines ("*** in database main ***\nPage 12: …"). */
          parts = g_strsplit (line, "\n", -1);
          for (guint i = 0; parts[i]; i++)
            if (*parts[i])
              g_string_append_printf (found, "%s%s", found->len ? "; " : "", parts[i]);
        }
    }
  if (rc != SQLITE_DONE && found->len == 0)
    g_string_append (found, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  if (found->len == 0)
    g_string_append (found, sqlite3_errstr (SQLITE_CORRUPT));
  return g_string_free (g_steal_pointer (&found), FALSE);
}

/* Liveness locks. A run in progress, and an import, hold an open-file-description lock
 * (F_OFD_SETLK) on one byte of the shop file, far beyond the bytes SQLite locks (at 1 GiB).
 * The kernel drops such a lock when its process ends, however it ends, and in any PID
 * namespace (a Flatpak and a terminal see the same file), so a run still 'running' whose
 * byte nobody holds was left by a process that died: no PID to reuse, no clock to trust.
 * Unlike POSIX locks, OFD locks survive SQLite closing its own descriptors of the file. */
#define RUN_LOCK_BASE    (G_GINT64_CONSTANT (1) << 60)
#define IMPORT_LOCK_BYTE (RUN_LOCK_BASE - 1)

static int
get_lock_fd (SdStore *self)
{
  if (self->lock_fd < 0)
    self->lock_fd = g_open (self->path, (self->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
  return self->lock_fd;
}

static gboolean
set_byte_lock (SdStore *self,
               gint64   byte,
               gboolean lock)
{
  struct flock fl = { 0 };
  int fd = get_lock_fd (self);

  if (fd < 0)
    return FALSE;
  fl.l_type = lock ? F_WRLCK : F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  return fcntl (fd, F_OFD_SETLK, &fl) == 0;
}

/* Whether another connection, of any process, holds @byte. When that cannot be told, it is
 * taken as held: a live run wrongly called interrupted would be worse. */
static gboolean
byte_is_held (SdStore *self,
              gint64   byte)
{
  struct flock fl = { 0 };
  int fd = get_lock_fd (self);

  if (fd < 0)
    return TRUE;
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  if (fcntl (fd, F_OFD_GETLK, &fl) != 0)
    return TRUE;
  return fl.l_type != F_UNLCK;
}

void
sd_store_set_importing (SdStore  *self,
                        gboolean  importing)
{
  g_return_if_fail (SD_IS_STORE (self));
  set_byte_lock (self, IMPORT_LOCK_BYTE, importing);
}

/* What a change is waiting for, in words for a progress line. */
static const char *
wait_text (SdStore *self)
{
  if (byte_is_held (self, IMPORT_LOCK_BYTE))
    return _("Waiting for another import to finish");
  return _("Waiting for the shop to be free");
}

/* A moment, so that the common wait of a few milliseconds says nothing. */
#define WAIT_TELL_AFTER_US (G_USEC_PER_SEC / 2)

/* SQLite calls this while another connection holds the lock it needs; 0 gives up (the
 * statement then fails with SQLITE_BUSY), anything else tries again. */
static int
busy_handler (void *data,
              int   count)
{
  static const int delays_ms[] = { 1, 2, 5, 10, 15, 25, 50, 100, 150, 250 };
  SdStore *self = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    {
      self->wait_started_us = now;
      self->wait_told = NULL;
    }
  if (self->no_wait)
    return 0;
  if (self->wait_cancellable && g_cancellable_is_cancelled (self->wait_cancellable))
    return 0;
  if (self->wait_timeout_ms >= 0 &&
      now - self->wait_started_us >= (gint64) self->wait_timeout_ms * 1000)
    return 0;
  if (self->wait_func && now - self->wait_started_us >= WAIT_TELL_AFTER_US)
    {
      const char *text = wait_text (self);
      if (g_strcmp0 (text, self->wait_told) != 0)
        {
          self->wait_told = text;
          self->wait_func (self, text, self->wait_data);
        }
    }
  /* Backing off: quick at first, for the short commits of a training run, then four times a
   * second, which is also how soon a cancel is noticed. */
  g_usleep (delays_ms[MIN ((guint) count, G_N_ELEMENTS (delays_ms) - 1)] * 1000);
  return 1;
}

/* @mode for the shop file, if that can be had at once; what it is after. */
static char *
try_journal_mode (SdStore    *self,
                  const char *mode)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", mode);
  sqlite3_stmt *stmt = NULL;
  char *now = NULL;

  self->no_wait = TRUE;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    now = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
  sqlite3_finalize (stmt);
  self->no_wait = FALSE;
  return now;
}

gboolean
sd_store_journal_for_first_import (SdStore *self)
{
  g_autofree char *mode = NULL;
  gint64 empty = 0;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  if (self->read_only || sd_store_in_transaction (self) ||
      !sd_store_count (self,
                       "SELECT NOT EXISTS (SELECT 1 FROM order_lines) AND NOT EXISTS (SELECT 1 FROM events)"
                       " AND NOT EXISTS (SELECT 1 FROM orders) AND NOT EXISTS (SELECT 1 FROM customers)"
                       " AND NOT EXISTS (SELECT 1 FROM products)", &empty, NULL) ||
      !empty)
    return FALSE;
  /* Leaving the write-ahead log needs the shop to oneself: with another connection on it,
   * this fails at once and nothing changes. */
  mode = try_journal_mode (self, "DELETE");
  return g_strcmp0 (mode, "delete") == 0;
}

void
sd_store_journal_restore (SdStore *self)
{
  g_return_if_fail (SD_IS_STORE (self));
  /* Another process may be waiting to open the shop, and turns the log on itself; if
   * nobody does, the next opening does. */
  g_free (try_journal_mode (self, "WAL"));
}

void
sd_store_set_wait (SdStore         *self,
                   GCancellable    *cancellable,
                   int              timeout_ms,
                   SdStoreWaitFunc  func,
                   gpointer         user_data)
{
  g_return_if_fail (SD_IS_STORE (self));

  g_set_object (&self->wait_cancellable, cancellable);
  self->wait_timeout_ms = timeout_ms;
  self->wait_func = func;
  self->wait_data = user_data;
}

static gboolean
is_damage (int code)
{
  return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB;
}

/* Sets @error in words a person can act on when SQLite's @code is about the file itself
 * (damaged, or not writable); FALSE for any other code. */
static gboolean
set_file_error (SdStore  *self,
                int       code,
                GError  **error)
{
  /* Stopped by sd_store_set_interrupt()'s cancellable, not by anything wrong. */
  if ((code & 0xff) == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (self->interrupt_cancellable, error))
    return TRUE;
  if (is_damage (code))
    {
      g_autofree char *findings = quick_check_findings (self->db);
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is damaged (quick check: %s)."), self->path, findings);
      return TRUE;
    }
  if ((code & 0xff) == SQLITE_BUSY)
    {
      if (g_cancellable_set_error_if_cancelled (self->wait_cancellable, error))
        return TRUE;
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   byte_is_held (self, IMPORT_LOCK_BYTE)
                   ? _("“%s” is busy: another import into it is running. Try again when it has finished.")
                   : _("“%s” is busy: another program is writing to it. Try again when it has finished."),
                   self->path);
      return TRUE;
    }
  if ((code & 0xff) == SQLITE_READONLY)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is read-only: nothing can be changed in it."), self->path);
      return TRUE;
    }
  return FALSE;
}

gboolean
sd_store_fail (SdStore     *self,
               const char  *what,
               GError     **error)
{
  int code = sqlite3_extended_errcode (self->db);

  if (set_file_error (self, code, error))
    g_prefix_error (error, "%s: ", what);
  else
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
      if (!set_file_error (self, sqlite3_extended_errcode (self->db), error))
        g_set_error_literal (error, SD_ERROR, SD_ERROR_DATABASE, msg ? msg : _("unknown error"));
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
      sd_store_fail (self, _("Could not prepare a query"), error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

char *
sd_store_values_sql (const char *head,
                     guint       n_columns,
                     guint       n_rows,
                     const char *tail)
{
  GString *sql = g_string_new (head);

  g_string_append (sql, " VALUES ");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ", (?" : "(?");
      for (guint c = 1; c < n_columns; c++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, tail);
  return g_string_free (sql, FALSE);
}

gboolean
sd_store_begin (SdStore  *self,
                GError  **error)
{
  /* SQLite would begin and refuse only the first write: an import would then blame a
   * row of its file for what is the shop's doing. */
  if (self->read_only)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is read-only: nothing can be changed in it."), self->path);
      return FALSE;
    }
  return sd_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
sd_store_commit (SdStore  *self,
                 GError  **error)
{
  /* The figures of what this transaction changed go in with it (sd-summary.h). */
  gboolean ok;

  /* The summaries' statements may each be too short for the interrupt: a cancel during
   * them is still in time. */
  if (!sd_summary_refresh (self, error) || sd_store_set_error_if_interrupted (self, error))
    return FALSE;
  self->committing = TRUE;
  ok = sd_store_exec (self, "COMMIT", error);
  self->committing = FALSE;
  return ok;
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

/* SQLite calls this every few thousand steps of a statement (as its progress handler),
 * and before any commit (as its commit hook); non-zero stops the statement, or turns the
 * commit into a rollback. A cancelled transaction then stops inside a count over twenty
 * million events or an index build, not after it; and only sd_store_commit() commits:
 * after an interrupted write SQLite has rolled the whole transaction back, and a statement
 * a caller still ran would commit by itself. */
static int
interrupt_check (void *data)
{
  SdStore *self = data;

  return !self->committing && g_cancellable_is_cancelled (self->interrupt_cancellable);
}

void
sd_store_set_interrupt (SdStore      *self,
                        GCancellable *cancellable)
{
  g_return_if_fail (SD_IS_STORE (self));

  g_set_object (&self->interrupt_cancellable, cancellable);
  sqlite3_progress_handler (self->db, cancellable ? 10000 : 0, cancellable ? interrupt_check : NULL, self);
  sqlite3_commit_hook (self->db, cancellable ? interrupt_check : NULL, self);
}

gboolean
sd_store_set_error_if_interrupted (SdStore  *self,
                                   GError  **error)
{
  return g_cancellable_set_error_if_cancelled (self->interrupt_cancellable, error);
}

static void
update_wait (SdStore    *self,
             const char *text,
             gpointer    data)
{
  if (self->update_progress)
    self->update_progress (0.0, text, self->update_data);
}

/* Migrations share of the progress of an update; the summaries' build has the rest. */
#define MIGRATIONS_SHARE 0.3

static void
update_summary_progress (double      fraction,
                         const char *text,
                         gpointer    data)
{
  SdStore *self = data;
  self->update_progress (MIGRATIONS_SHARE + (1 - MIGRATIONS_SHARE) * fraction, text, self->update_data);
}

/* The products a shop had before kinds existed get them by the rules of the exports it was
 * made from: Online Retail's stock codes only where Online Retail was imported. */
static gint64
classify_migrated_products (SdStore  *self,
                            GError  **error)
{
  SdProductRules rules;

  if (!sd_product_rules_for_shop (self, &rules, error))
    return -1;
  return sd_product_kinds_classify (self, rules, error);
}

/* sd_store_open_updating(): every migration from @version on and the first build of the
 * summaries, in one transaction, so that a cancel leaves the shop as it was. */
static gboolean
update (SdStore  *self,
        int       version,
        GError  **error)
{
  int first = version, n = (int) G_N_ELEMENTS (migrations);
  gboolean ok;

  if (!sd_store_begin (self, error))
    return FALSE;
  sd_store_set_interrupt (self, self->update_cancellable);
  for (ok = TRUE; ok && version < n; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (self->update_progress)
        {
          g_autofree char *text =
            g_strdup_printf (_("Updating the shop for this version of Shopdesk: step %d of %d"),
                             version - first + 1, n - first);
          self->update_progress (MIGRATIONS_SHARE * (version - first) / (n - first), text, self->update_data);
        }
      ok = sd_store_exec (self, migrations[version], error) &&
           (version + 1 != SCHEMA_PRODUCT_KINDS || classify_migrated_products (self, error) >= 0) &&
           sd_store_exec (self, bump, error);
      if (!ok)
        g_prefix_error (error, _("Could not update “%s” to schema %d: "), self->path, version + 1);
    }
  /* Kinds given by older rules follow today's, before the figures are built from them. */
  ok = ok && sd_product_kinds_update_rules (self, error) >= 0;
  ok = ok && sd_summary_build (self, self->update_progress ? update_summary_progress : NULL, self,
                               self->update_cancellable, error);
  ok = ok && sd_store_commit (self, error);
  sd_store_set_interrupt (self, NULL);
  if (!ok)
    {
      sd_store_rollback (self);
      if (g_cancellable_is_cancelled (self->update_cancellable))
        {
          g_clear_error (error);
          g_cancellable_set_error_if_cancelled (self->update_cancellable, error);
        }
      return FALSE;
    }
  if (self->update_progress)
    self->update_progress (1.0, _("The shop is up to date"), self->update_data);
  return TRUE;
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
    return sd_store_fail (self, _("Could not read the schema version"), error);
  version = sqlite3_column_int (stmt, 0);
  sd_stmt_release (g_steal_pointer (&stmt));

  /* The version indexes the migrations: check_shop() refused any other already. */
  g_return_val_if_fail (version >= 0 && version <= (int) G_N_ELEMENTS (migrations), FALSE);

  if (self->updating)
    return update (self, version, error);

  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!sd_store_begin (self, error))
        return FALSE;
      if (!sd_store_exec (self, migrations[version], error) ||
          (version + 1 == SCHEMA_PRODUCT_KINDS && classify_migrated_products (self, error) < 0) ||
          !sd_store_exec (self, bump, error) ||
          !sd_store_commit (self, error))
        {
          sd_store_rollback (self);
          g_prefix_error (error, _("Could not update “%s” to schema %d: "), self->path, version + 1);
          return FALSE;
        }
    }
  /* A shop whose kinds older rules gave gets today's (once: the shop then says so). A shop
   * another connection is writing tries again at its next opening: being opened matters more. */
  {
    g_autoptr(GError) local = NULL;

    if (sd_product_kinds_update_rules (self, &local) < 0)
      g_debug ("%s: product kinds not brought up to today's rules yet: %s", self->path, local->message);
  }
  return TRUE;
}

/* The tables every shop has had since schema 1. */
#define SHOP_TABLES "'customers', 'products', 'orders', 'order_lines', 'events', 'imports'"
#define N_SHOP_TABLES 6

typedef enum {
  SHOP_NEW,        /* no tables yet: a shop only if we may create one */
  SHOP_OURS,
} ShopKind;

static gboolean
starts_like_sqlite (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char head[16] = { 0 };
  FILE *file = g_fopen (path, "rb");
  gboolean same;

  if (file == NULL)
    return FALSE;
  same = fread (head, 1, sizeof head, file) == sizeof head && memcmp (head, magic, sizeof head) == 0;
  fclose (file);
  return same;
}

/* Reads what the file is before anything writes to it, so that another application's
 * database, a file from a newer Shopdesk or a damaged one is refused unchanged. Reads only
 * the schema table and the header: instant at any size. */
static gboolean
check_shop (SdStore   *self,
            ShopKind  *kind,
            int       *version_out,
            GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *message = NULL;
  int rc, version = 0, tables = 0, ours = 0;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT (SELECT user_version FROM pragma_user_version),"
                           " (SELECT count(*) FROM sqlite_master WHERE type = 'table'),"
                           " (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           "   AND name IN (" SHOP_TABLES "))",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      version = sqlite3_column_int (stmt, 0);
      tables = sqlite3_column_int (stmt, 1);
      ours = sqlite3_column_int (stmt, 2);
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    {
      rc = sqlite3_extended_errcode (self->db);
      message = g_strdup (sqlite3_errmsg (self->db));
    }
  sqlite3_finalize (stmt);

  if ((rc & 0xff) == SQLITE_NOTADB && !starts_like_sqlite (self->path))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” is not a Shopdesk shop: it is not an SQLite database."), self->path);
      return FALSE;
    }
  if (rc != SQLITE_OK)
    {
      /* Not "read-only" here: reading is all this was, and it failed. */
      if (!is_damage (rc) || !set_file_error (self, rc, error))
        g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not read “%s”: %s."),
                     self->path, message);
      return FALSE;
    }

  if (version < 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is damaged: its schema version is %d, which no Shopdesk writes."),
                   self->path, version);
      return FALSE;
    }
  if (version > sd_store_schema_version ())
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   _("“%s” was made by a newer Shopdesk (schema %d; this version knows up to %d)."),
                   self->path, version, sd_store_schema_version ());
      return FALSE;
    }
  if ((version == 0 && tables > 0) || (version > 0 && ours < N_SHOP_TABLES))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” is an SQLite database of another application, not a Shopdesk shop."),
                   self->path);
      return FALSE;
    }
  *kind = version == 0 ? SHOP_NEW : SHOP_OURS;
  *version_out = version;
  return TRUE;
}

/* Whether Shopdesk could write the shop: the file, and its folder for the WAL and the
 * shared-memory index. */
static gboolean
can_write (const char *path,
           gboolean    exists)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return (!exists || g_access (path, W_OK) == 0) && g_access (dir, W_OK) == 0;
}

static int
open_read_only (SdStore *self)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *absolute = g_canonicalize_filename (self->path, NULL);
  g_autofree char *base_uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *uri = NULL;

  if (base_uri == NULL)
    return SQLITE_CANTOPEN;
  /* Reading a WAL shop needs its -shm file, which a folder we cannot write cannot get. With
   * no -wal file either, nothing is in flight, and SQLite may read the file as it stands. */
  if (g_access (dir, W_OK) != 0 && !g_file_test (wal, G_FILE_TEST_EXISTS))
    uri = g_strconcat (base_uri, "?immutable=1", NULL);
  else
    uri = g_strconcat (base_uri, "?mode=ro", NULL);
  return sqlite3_open_v2 (uri, &self->db,
                          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
}

/* Runs left 'running' by a process that died are marked 'interrupted' (see RUN_LOCK_BASE).
 * Only a tidy-up: when the shop is busy it is left to the next opening. */
static void
mark_interrupted_runs (SdStore *self)
{
  g_autoptr(GArray) stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(SdStmt) running = sd_store_prepare (self, "SELECT id FROM runs WHERE status = 'running'", NULL);

  if (running == NULL)
    return;
  while (sqlite3_step (running) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (running, 0);
      if (!byte_is_held (self, RUN_LOCK_BASE + id))
        g_array_append_val (stale, id);
    }
  sd_stmt_release (g_steal_pointer (&running));

  self->no_wait = TRUE;
  for (guint i = 0; i < stale->len; i++)
    {
      g_autoptr(SdStmt) mark =
        sd_store_prepare (self,
                          "UPDATE runs SET status = 'interrupted', finished_at = ?2"
                          " WHERE id = ?1 AND status = 'running'", NULL);
      if (mark == NULL)
        break;
      sqlite3_bind_int64 (mark, 1, g_array_index (stale, gint64, i));
      sqlite3_bind_int64 (mark, 2, g_get_real_time () / G_USEC_PER_SEC);
      if (sqlite3_step (mark) != SQLITE_DONE)
        break;
    }
  self->no_wait = FALSE;
}

static SdStore *
open_store (const char          *path,
            SdStoreOpenFlags     flags,
            gboolean             updating,
            SdStoreProgressFunc  progress,
            gpointer             user_data,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(SdStore) self = g_object_new (SD_TYPE_STORE, NULL);
  gboolean create = (flags & SD_STORE_OPEN_CREATE) != 0;
  ShopKind kind = SHOP_NEW;
  int version = 0;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      if (saved != ENOENT || !create)
        {
          if (saved == ENOENT)
            g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No such shop: “%s”."), path);
          else
            g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not read “%s”: %s."),
                         path, g_strerror (saved));
          return NULL;
        }
      st.st_size = 0;
    }
  else if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("“%s” is not a file."), path);
      return NULL;
    }
  else if (st.st_size == 0 && !create)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("“%s” is an empty file, not a Shopdesk shop."), path);
      return NULL;
    }

  self->read_only = !can_write (path, st.st_size > 0 || g_file_test (path, G_FILE_TEST_EXISTS));
  if (self->read_only)
    rc = open_read_only (self);
  else
    rc = sqlite3_open_v2 (path, &self->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not open “%s”: %s."),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_handler (self->db, busy_handler, self);
  /* SQLite opens a file it may not write read-only by itself, too. */
  self->read_only = self->read_only || sqlite3_db_readonly (self->db, "main") == 1;

  if (st.st_size > 0 && !check_shop (self, &kind, &version, error))
    return NULL;
  if (kind == SHOP_NEW && !create)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("“%s” is an empty database, not a Shopdesk shop."), path);
      return NULL;
    }
  if (self->read_only && version < sd_store_schema_version ())
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   kind == SHOP_NEW ? _("“%s” is read-only: nothing can be changed in it.")
                                    : _("“%s” is read-only, and this Shopdesk would have to update it to read it."),
                   path);
      return NULL;
    }

  /* Someone else writing the shop: the update waits for them, for as long as it is not
   * cancelled; so does turning on the write-ahead log of a shop that another process is
   * filling with its first import (sd_store_journal_for_first_import). */
  if (updating && cancellable)
    sd_store_set_wait (self, cancellable, -1, progress ? update_wait : NULL, NULL);
  self->updating = updating;
  self->update_progress = progress;
  self->update_data = user_data;
  self->update_cancellable = cancellable;
  if (!self->read_only && !sd_store_exec (self, "PRAGMA journal_mode = WAL", error))
    return NULL;
  if (!sd_store_exec (self,
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA cache_size = -65536;"
                      /* REPLACE deletes rows too: the summaries' triggers must hear of it. */
                      "PRAGMA recursive_triggers = ON;", error))
    return NULL;

  /* Foreign keys only once migrated: a migration that rebuilds a table must not have the
   * rows that refer to it deleted in cascade. */
  if (!self->read_only && !migrate (self, error))
    return NULL;
  self->updating = FALSE;
  self->update_progress = NULL;
  self->update_cancellable = NULL;
  if (!sd_store_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;
  if (!self->read_only)
    mark_interrupted_runs (self);

  return g_steal_pointer (&self);
}

SdStore *
sd_store_open_full (const char        *path,
                    SdStoreOpenFlags   flags,
                    GError           **error)
{
  return open_store (path, flags, FALSE, NULL, NULL, NULL, error);
}

gboolean
sd_store_needs_update (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = -1, built = 1;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);

  if (uri == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  if (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT user_version FROM pragma_user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  /* Shops of the current schema with unbuilt summaries; older ones lack the table. */
  if (version == sd_store_schema_version () &&
      sqlite3_prepare_v2 (db, "SELECT built FROM summary_state", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    built = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return (version > 0 && version < sd_store_schema_version ()) || built == 0;
}

SdStore *
sd_store_open_updating (const char          *path,
                        SdStoreOpenFlags     flags,
                        SdStoreProgressFunc  progress,
                        gpointer             user_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return open_store (path, flags, TRUE, progress, user_data, cancellable, error);
}

SdStore *
sd_store_open (const char  *path,
               GError     **error)
{
  return sd_store_open_full (path, SD_STORE_OPEN_CREATE, error);
}

gboolean
sd_store_is_read_only (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), TRUE);
  return self->read_only;
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

gboolean
sd_store_count (SdStore     *self,
                const char  *sql,
                gint64      *out,
                GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (self, _("Could not count rows"), error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
sd_store_get_stats (SdStore       *self,
                    SdStoreStats  *stats,
                    GError       **error)
{
  return sd_summary_get_stats (self, !sd_summary_usable (self), stats, error);
}

/* The id of @sql's row for @key: its external id (?1), else the number @key is (?2); -1
 * with SD_ERROR_NOT_FOUND and @missing (a translated format taking @key) when neither. */
static gint64
find_by_key (SdStore *self, const char *sql, const char *key, const char *missing, GError **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);
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
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, missing, key);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
sd_store_find_customer (SdStore     *self,
                        const char  *key,
                        GError     **error)
{
  return find_by_key (self, "SELECT id FROM customers WHERE external_id = ?1"
                            " UNION ALL SELECT id FROM customers WHERE id = ?2 LIMIT 1",
                      key, _("There is no customer “%s” in this shop"), error);
}

gint64
sd_store_find_product (SdStore     *self,
                       const char  *key,
                       GError     **error)
{
  return find_by_key (self, "SELECT id FROM products WHERE external_id = ?1"
                            " UNION ALL SELECT id FROM products WHERE id = ?2 LIMIT 1",
                      key, _("There is no product “%s” in this shop"), error);
}

GHashTable *
sd_store_ids_by_external (SdStore       *self,
                          SdStoreKeyed   table,
                          GError       **error)
{
  const char *sql = table == SD_STORE_CUSTOMERS ? "SELECT id, external_id FROM customers"
                                                : "SELECT id, external_id FROM products";
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *ext = (const char *) sqlite3_column_text (stmt, 1);
      if (ext)
        g_hash_table_insert (ids, g_strdup (ext), g_memdup2 (&id, sizeof id));
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (self, table == SD_STORE_CUSTOMERS ? _("Could not read a customer")
                                                       : _("Could not read the products"), error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

void
sd_store_use_temp_files (SdStore *self)
{
  sd_store_exec (self, "PRAGMA temp_store = FILE", NULL);
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

GBytes *
sd_store_secret_key (SdStore     *self,
                     const char  *key,
                     gsize        n_bytes,
                     gboolean     make,
                     GError     **error)
{
  g_autofree char *hex = sd_store_get_setting (self, key);
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GBytes *secret;

  if (hex == NULL || strlen (hex) != 2 * n_bytes)
    {
      GString *fresh;

      if (!make)
        return NULL;
      if (!sd_secure_random (bytes, n_bytes, error))
        return NULL;
      fresh = g_string_new (NULL);
      for (gsize i = 0; i < n_bytes; i++)
        g_string_append_printf (fresh, "%02x", bytes[i]);
      g_free (hex);
      hex = g_string_free (fresh, FALSE);
      if (!sd_store_set_setting (self, key, hex, error))
        return NULL;
    }
  for (gsize i = 0; i < n_bytes; i++)
    bytes[i] = g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]);
  secret = g_bytes_new (bytes, n_bytes);
  memset (bytes, 0, n_bytes);
  return secret;
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
    return sd_store_fail (self, _("Could not save a setting"), error);
  return TRUE;
}

gint64
sd_store_run_begin (SdStore     *self,
                    const char  *kind,
                    const char  *model,
                    const char  *params_json,
                    GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gboolean own = !sd_store_in_transaction (self);
  gint64 id;

  /* The row and its liveness lock appear together: no one may see it 'running' unheld. */
  if (own && !sd_store_begin (self, error))
    return -1;
  if (!(stmt = sd_store_prepare (self,
                                 "INSERT INTO runs (kind, model, params, started_at) VALUES (?1, ?2, ?3, ?4)",
                                 error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, params_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (self, _("Could not record a training run"), error);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);
  set_byte_lock (self, RUN_LOCK_BASE + id, TRUE);
  if (own && !sd_store_commit (self, error))
    {
      set_byte_lock (self, RUN_LOCK_BASE + id, FALSE);
      goto fail;
    }
  return id;

fail:
  if (own)
    sd_store_rollback (self);
  return -1;
}

/* Writes the queued metric points. Without @wait, a shop another connection is writing to
 * leaves them queued, and that is no error. */
static gboolean
flush_points (SdStore   *self,
              gboolean   wait,
              GError   **error)
{
  gboolean own = !sd_store_in_transaction (self);
  gboolean ok = TRUE;

  if (self->queued_points->len == 0)
    return TRUE;

  self->no_wait = !wait;
  if (own && !sd_store_begin (self, error))
    {
      gboolean busy = (sqlite3_extended_errcode (self->db) & 0xff) == SQLITE_BUSY;
      self->no_wait = FALSE;
      if (busy && !wait)
        {
          g_clear_error (error);
          return TRUE;
        }
      return FALSE;
    }
  self->no_wait = FALSE;

  for (guint i = 0; ok && i < self->queued_points->len; i++)
    {
      const QueuedPoint *p = &g_array_index (self->queued_points, QueuedPoint, i);
      g_autoptr(SdStmt) stmt =
        sd_store_prepare (self,
                          "INSERT INTO run_points (run_id, name, step, value) VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value",
                          error);
      if (stmt == NULL)
        ok = FALSE;
      else
        {
          sqlite3_bind_int64 (stmt, 1, p->run_id);
          sqlite3_bind_text (stmt, 2, p->name, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 3, p->step);
          sqlite3_bind_double (stmt, 4, p->value);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            ok = sd_store_fail (self, _("Could not record a metric point"), error);
        }
    }
  if (own && ok)
    ok = sd_store_commit (self, error);
  if (!ok)
    {
      if (own)
        sd_store_rollback (self);
      return FALSE;
    }
  g_array_set_size (self->queued_points, 0);
  return TRUE;
}

gboolean
sd_store_run_add_point (SdStore     *self,
                        gint64       run_id,
                        int          step,
                        const char  *name,
                        double       value,
                        GError     **error)
{
  QueuedPoint point = { run_id, step, g_intern_string (name), value };

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);

  g_array_append_val (self->queued_points, point);
  return flush_points (self, FALSE, error);
}

gboolean
sd_store_run_finish (SdStore     *self,
                     gint64       run_id,
                     const char  *status,
                     const char  *summary_json,
                     GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gboolean own = !sd_store_in_transaction (self);

  /* The last points and the status in one transaction: a finished run has its whole curve. */
  if (own && !sd_store_begin (self, error))
    return FALSE;
  if (!flush_points (self, TRUE, error))
    goto fail;
  if (!(stmt = sd_store_prepare (self,
                                 "UPDATE runs SET status = ?2, summary = ?3, finished_at = ?4 WHERE id = ?1",
                                 error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, summary_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (self, _("Could not finish a training run"), error);
      goto fail;
    }
  sd_stmt_release (g_steal_pointer (&stmt));
  if (own && !sd_store_commit (self, error))
    goto fail;
  /* Within a caller's transaction, the run is over once that commits; a rollback would
   * leave it 'running', and the released lock lets the next opening call it interrupted. */
  set_byte_lock (self, RUN_LOCK_BASE + run_id, FALSE);
  return TRUE;

fail:
  if (own)
    sd_store_rollback (self);
  return FALSE;
}
