/* sd-store-schema.c — a shop's schema: the migrations that bring its file from one version to
 * the next, each in one transaction, and the update that runs them with progress
 *
 * Entry N of `migrations` brings a database from user_version N to N + 1. Never edit an
 * entry that has shipped; add a new one.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-product-kind.h"
#include "sd-store-private.h"
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

gboolean
sd_store_migrate (SdStore  *self,
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
