/* test-sync.c — syncing from real servers: a throw-away PostgreSQL with the generic views,
 * a throw-away MariaDB with a WooCommerce schema (and the generic views), both started by
 * tests/db-servers.sh. Each test fills the source with generated rows (missing prices,
 * deleted products, variations, refunds, non-ASCII names, bad values), syncs, changes rows,
 * syncs again, syncs a third time (nothing may change), and checks the counts in the report
 * and in the shop against the source's own SQL. */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <string.h>

#include "sd-sync.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static gboolean
servers_missing (void)
{
  const char *skip = g_getenv ("SD_TEST_DB_SKIP");

  if (skip)
    {
      g_test_skip (skip);
      return TRUE;
    }
  if (!g_getenv ("SD_TEST_PG_HOST") || !g_getenv ("SD_TEST_MYSQL_SOCKET"))
    {
      g_test_skip ("run under tests/db-servers.sh (meson test does), which starts the servers");
      return TRUE;
    }
  return FALSE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The shop's own answer to a COUNT or a single value. */
static gint64
shop_int (Fixture    *f,
          const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
shop_text (Fixture    *f,
           const char *sql)
{
  sqlite3_stmt *stmt;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static SdSyncReport *
sync_from (Fixture    *f,
           const char *uri,
           const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = sd_sync_source_open (uri, password, &error);
  SdSyncReport *report;

  g_assert_no_error (error);
  report = sd_sync_run (f->store, source, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  if (g_test_verbose ())
    {
      g_autofree char *text = sd_sync_report_to_text (report);
      g_test_message ("%s", text);
    }
  return report;
}

/* Syncing again straight away changes nothing and says so. */
static void
assert_idempotent (Fixture    *f,
                   const char *uri,
                   const char *password)
{
  g_autoptr(SdSyncReport) report = sync_from (f, uri, password);

  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      g_assert_cmpuint (report->tables[t].inserted, ==, 0);
      g_assert_cmpuint (report->tables[t].updated, ==, 0);
      g_assert_cmpuint (report->tables[t].deleted, ==, 0);
    }
  g_assert_false (report->full);
}

/* A failed sync leaves the shop exactly as it was: same counts, same sync state. */
typedef struct { gint64 customers, products, orders, lines, events, rows, state; char *last; } Snapshot;

static void
snapshot (Fixture  *f,
          Snapshot *s)
{
  s->customers = shop_int (f, "SELECT count(*) FROM customers");
  s->products = shop_int (f, "SELECT count(*) FROM products");
  s->orders = shop_int (f, "SELECT count(*) FROM orders");
  s->lines = shop_int (f, "SELECT count(*) FROM order_lines");
  s->events = shop_int (f, "SELECT count(*) FROM events");
  s->rows = shop_int (f, "SELECT count(*) FROM sync_rows");
  s->state = shop_int (f, "SELECT count(*) + coalesce(sum(watermark), 0) FROM sync_state");
  s->last = shop_text (f, "SELECT coalesce((SELECT value FROM settings WHERE key = 'sync.last_at'), '-')");
}

static void
assert_unchanged_since (Fixture  *f,
                        Snapshot *before)
{
  Snapshot after;

  snapshot (f, &after);
  g_assert_cmpint (after.customers, ==, before->customers);
  g_assert_cmpint (after.products, ==, before->products);
  g_assert_cmpint (after.orders, ==, before->orders);
  g_assert_cmpint (after.lines, ==, before->lines);
  g_assert_cmpint (after.events, ==, before->events);
  g_assert_cmpint (after.rows, ==, before->rows);
  g_assert_cmpint (after.state, ==, before->state);
  g_assert_cmpstr (after.last, ==, before->last);
  g_free (after.last);
}

static void
assert_sync_fails (Fixture    *f,
                   const char *uri,
                   const char *password,
                   const char *const *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = sd_sync_source_open (uri, password, &error);
  g_autoptr(SdSyncReport) report = NULL;
  Snapshot before;

  snapshot (f, &before);
  if (source)
    report = sd_sync_run (f->store, source, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_nonnull (error);
  g_test_message ("%s → %s", uri, error->message);
  for (guint i = 0; words[i]; i++)
    if (!strstr (error->message, words[i]))
      g_error ("“%s” does not say “%s”", error->message, words[i]);
  assert_unchanged_since (f, &before);
  g_free (before.last);
}

/* PostgreSQL */

static PGconn *
pg_connect (const char *dbname)
{
  const char *keys[] = { "host", "user", "password", "dbname", NULL };
  const char *values[] = { g_getenv ("SD_TEST_PG_HOST"), "postgres", g_getenv ("SD_TEST_PG_PASSWORD"), dbname, NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 0);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("PostgreSQL: %s", PQerrorMessage (conn));
  return conn;
}

static void
pg_run (PGconn     *conn,
        const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("PostgreSQL: %s\n%s", PQerrorMessage (conn), sql);
  PQclear (result);
}

static gint64
pg_int (PGconn     *conn,
        const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  gint64 value;

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("PostgreSQL: %s\n%s", PQerrorMessage (conn), sql);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return value;
}

static char *
pg_uri (const char *dbname,
        const char *schema)
{
  g_autofree char *host = g_uri_escape_string (g_getenv ("SD_TEST_PG_HOST"), NULL, FALSE);

  return g_strdup_printf ("postgresql://postgres@/%s?host=%s&schema=%s", dbname, host, schema);
}

/* The shop's own tables, and the views its DBA made for Shopdesk (events without
 * deleted_at: its deletions are found by comparing keys). */
static const char pg_schema[] =
  "CREATE SCHEMA shop;"
  "CREATE TABLE shop.customers (id text PRIMARY KEY, name text, email text, country text,"
  "  created timestamptz, updated timestamptz NOT NULL, deleted timestamptz);"
  "CREATE TABLE shop.products (sku text PRIMARY KEY, title text NOT NULL, body text, cat text, tags text,"
  "  price numeric(10,2), stock integer, updated timestamp NOT NULL, deleted timestamp);"
  "CREATE TABLE shop.lines (order_no text, line integer, placed timestamptz, sku text, qty integer,"
  "  price numeric(10,2), customer text, status text, currency text, country text, updated timestamptz,"
  "  PRIMARY KEY (order_no, line));"
  "CREATE TABLE shop.events (id bigint PRIMARY KEY, customer text, sku text, kind text, at timestamptz,"
  "  rating integer, body text, updated bigint);"
  "CREATE SCHEMA shopdesk;"
  "CREATE VIEW shopdesk.customers AS SELECT id AS customer_id, name, email, country, NULL::text AS segment,"
  "  created AS created_at, updated AS updated_at, deleted AS deleted_at FROM shop.customers;"
  "CREATE VIEW shopdesk.products AS SELECT sku AS product_id, title, body AS description, cat AS category, tags,"
  "  price, stock, NULL::timestamp AS created_at, updated AS updated_at, deleted AS deleted_at FROM shop.products;"
  "CREATE VIEW shopdesk.orders AS SELECT order_no AS order_id, line AS line_no, placed AS placed_at, sku AS product_id,"
  "  qty AS quantity, price AS unit_price, customer AS customer_id, status, currency, country, updated AS updated_at"
  "  FROM shop.lines;"
  "CREATE VIEW shopdesk.events AS SELECT id AS event_id, customer AS customer_id, sku AS product_id, kind, at,"
  "  NULL::integer AS quantity, rating, body AS review_text, updated AS updated_at FROM shop.events;"
  /* Views with a column of the wrong type, and one missing a column. */
  "CREATE SCHEMA bad_type;"
  "CREATE VIEW bad_type.customers AS SELECT * FROM shopdesk.customers;"
  "CREATE VIEW bad_type.products AS SELECT product_id, title, 'cheap'::text AS price, updated_at FROM shopdesk.products;"
  "CREATE VIEW bad_type.orders AS SELECT * FROM shopdesk.orders;"
  "CREATE VIEW bad_type.events AS SELECT * FROM shopdesk.events;"
  "CREATE SCHEMA bad_column;"
  "CREATE VIEW bad_column.customers AS SELECT * FROM shopdesk.customers;"
  "CREATE VIEW bad_column.products AS SELECT * FROM shopdesk.products;"
  "CREATE VIEW bad_column.orders AS SELECT order_id, line_no, placed_at, product_id, quantity, updated_at FROM shopdesk.orders;"
  "CREATE VIEW bad_column.events AS SELECT * FROM shopdesk.events;"
  "CREATE SCHEMA no_events;"
  "CREATE VIEW no_events.customers AS SELECT * FROM shopdesk.customers;"
  "CREATE VIEW no_events.products AS SELECT * FROM shopdesk.products;"
  "CREATE VIEW no_events.orders AS SELECT * FROM shopdesk.orders;";

static const char *const first_names[] = { "Zoë", "Jürgen", "李", "Ana", "Łukasz", "O'Brien", "Søren", "Amélie" };

/* Fills the shop: 150 customers (the 6th deleted), 90 products (every 10th without a price,
 * the 5th deleted), 200 orders of 1–3 lines (every 17th refunded with a negative line,
 * every 23rd cancelled), 300 events (two with bad values). Times start on 1 January 2024. */
static void
pg_fill (PGconn *conn)
{
  GString *sql = g_string_new ("BEGIN;");

  for (int i = 1; i <= 150; i++)
    g_string_append_printf (sql, "INSERT INTO shop.customers VALUES ('C%03d', '%s %d', 'c%d@example.com', '%s',"
                            " '2024-01-01'::timestamptz + interval '%d hours', '2024-01-01'::timestamptz + interval '%d minutes', %s);",
                            i, first_names[i % G_N_ELEMENTS (first_names)] [0] == 'O' ? "O''Brien" : first_names[i % G_N_ELEMENTS (first_names)],
                            i, i, i % 3 ? "DE" : "中国", i, i, i == 145 ? "now()" : "NULL");
  for (int i = 1; i <= 90; i++)
    {
      g_autofree char *price = i % 10 == 0 ? g_strdup ("NULL") : g_strdup_printf ("%d.%02d", 3 + i, (i * 7) % 100);
      g_string_append_printf (sql, "INSERT INTO shop.products VALUES ('P%03d', 'Product %d – “Größe” %s', 'About %d',"
                              " 'Cat %d', 'a, b%d', %s, %d, '2024-01-01'::timestamp + interval '%d minutes', %s);",
                              i, i, i % 4 ? "" : "茶", i, i % 7, i % 3, price, i * 3, i, i == 5 ? "now()" : "NULL");
    }
  for (int o = 1; o <= 200; o++)
    {
      const char *status = o % 23 == 0 ? "cancelled" : o % 17 == 0 ? "refunded" : o % 2 ? "paid" : "shipped";
      for (int l = 1; l <= 1 + o % 3; l++)
        g_string_append_printf (sql, "INSERT INTO shop.lines VALUES ('O%04d', %d, '2024-02-01'::timestamptz + interval '%d hours',"
                                " 'P%03d', %d, %d.50, 'C%03d', '%s', 'EUR', 'DE', '2024-02-01'::timestamptz + interval '%d minutes');",
                                o, l, o, 1 + (o * l) % 90 == 5 ? 6 : 1 + (o * l) % 90,
                                o % 17 == 0 && l == 1 ? -1 : l, 2 + l, 1 + o % 90, status, o);
    }
  for (int e = 1; e <= 300; e++)
    g_string_append_printf (sql, "INSERT INTO shop.events VALUES (%d, 'C%03d', 'P%03d', '%s', '2024-03-01'::timestamptz + interval '%d minutes',"
                            " %s, %s, %d);",
                            e, 1 + e % 100, 1 + e % 90 == 5 ? 7 : 1 + e % 90,
                            e == 3 ? "like" : e % 5 == 0 ? "review" : "view", e,
                            e == 4 ? "9" : e % 5 == 0 ? "4" : "NULL",
                            e % 5 == 0 ? "'Très bien, 很好'" : "NULL", 1704067200 + e * 60);
  g_string_append (sql, "COMMIT;");
  pg_run (conn, sql->str);
  g_string_free (sql, TRUE);
}

static void
test_postgres (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SdSyncReport) first = NULL, second = NULL;
  g_autofree char *uri = NULL, *name = NULL, *status = NULL;
  PGconn *admin, *conn;

  if (servers_missing ())
    return;
  admin = pg_connect ("postgres");
  pg_run (admin, "DROP DATABASE IF EXISTS shop_generic");
  pg_run (admin, "CREATE DATABASE shop_generic");
  PQfinish (admin);
  conn = pg_connect ("shop_generic");
  pg_run (conn, pg_schema);
  pg_fill (conn);
  uri = pg_uri ("shop_generic", "shopdesk");

  first = sync_from (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  g_assert_true (first->full);
  g_assert_cmpuint (first->tables[SD_SYNC_CUSTOMERS].inserted, ==,
                    pg_int (conn, "SELECT count(*) FROM shopdesk.customers WHERE deleted_at IS NULL"));
  g_assert_cmpuint (first->tables[SD_SYNC_PRODUCTS].inserted, ==,
                    pg_int (conn, "SELECT count(*) FROM shopdesk.products WHERE deleted_at IS NULL"));
  g_assert_cmpuint (first->tables[SD_SYNC_ORDERS].inserted, ==,
                    pg_int (conn, "SELECT count(DISTINCT order_id) FROM shopdesk.orders"));
  g_assert_cmpuint (first->tables[SD_SYNC_ORDER_LINES].inserted, ==, pg_int (conn, "SELECT count(*) FROM shopdesk.orders"));
  g_assert_cmpuint (first->tables[SD_SYNC_EVENTS].inserted, ==, pg_int (conn, "SELECT count(*) FROM shopdesk.events") - 2);
  g_assert_cmpuint (first->tables[SD_SYNC_EVENTS].rejected, ==, 2);
  g_assert_cmpuint (first->rejects->len, ==, 2);
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM customers"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.customers WHERE deleted_at IS NULL"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM products"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.products WHERE deleted_at IS NULL"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM order_lines"), ==, pg_int (conn, "SELECT count(*) FROM shopdesk.orders"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM events WHERE kind <> 2"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.events") - 2);
  /* Values: text as it was, a missing price as 0, amounts to the cent, totals from lines. */
  name = shop_text (f, "SELECT name FROM customers WHERE external_id = 'C002'");
  g_assert_cmpstr (name, ==, "李 2");
  g_assert_cmpint (shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P010'"), ==, 0);
  g_assert_cmpint (shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P011'"), ==, 1477);
  g_assert_cmpint (shop_int (f, "SELECT sum(total_cents) FROM orders"), ==,
                   pg_int (conn, "SELECT sum(qty * price * 100)::bigint FROM shop.lines"));
  /* A refunded order: −1 × 3.50 + 2 × 4.50 + 3 × 5.50 */
  g_assert_cmpint (shop_int (f, "SELECT total_cents FROM orders WHERE external_id = 'O0017'"), ==, -350 + 900 + 1650);
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM events WHERE kind = 2"), >, 0);
  g_assert_cmpint (shop_int (f, "SELECT placed_at FROM orders WHERE external_id = 'O0001'"), ==, 1706745600 + 3600);

  /* The source changes: names, a price, a deleted product, a deleted customer (hard, no
   * orders), a cancelled order, a line gone, new orders, deleted events (keys compared). */
  pg_run (conn, "UPDATE shop.customers SET name = name || ' (new)', updated = now() WHERE id IN ('C010', 'C011', 'C012');"
                "DELETE FROM shop.customers WHERE id IN ('C140', 'C141');"
                "UPDATE shop.products SET price = 99.99, updated = now() WHERE sku = 'P004';"
                "UPDATE shop.products SET deleted = now(), updated = now() WHERE sku = 'P003';"
                "UPDATE shop.lines SET status = 'cancelled', updated = now() WHERE order_no = 'O0001';"
                "DELETE FROM shop.lines WHERE order_no = 'O0002' AND line = 3;"
                "INSERT INTO shop.lines VALUES ('O9001', 1, now(), 'P020', 2, 5.00, 'C020', 'paid', 'EUR', 'DE', now()),"
                "  ('O9001', 2, now(), 'P021', 1, 7.25, 'C020', 'paid', 'EUR', 'DE', now()),"
                "  ('O9002', 1, now(), 'P022', 1, 1.00, 'C150', 'pending', 'EUR', 'FR', now());"
                "DELETE FROM shop.events WHERE id IN (10, 11, 12);");
  second = sync_from (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  g_assert_false (second->full);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].updated, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].deleted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].inserted, ==, 0);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].inserted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].inserted, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].deleted, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].rejected, ==, 0);
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM customers"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.customers WHERE deleted_at IS NULL"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM products WHERE status <> 'deleted'"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.products WHERE deleted_at IS NULL"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM orders"), ==, pg_int (conn, "SELECT count(DISTINCT order_id) FROM shopdesk.orders"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM order_lines"), ==, pg_int (conn, "SELECT count(*) FROM shopdesk.orders"));
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM events WHERE kind <> 2"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.events") - 2);
  g_assert_cmpint (shop_int (f, "SELECT sum(total_cents) FROM orders"), ==,
                   pg_int (conn, "SELECT sum(qty * price * 100)::bigint FROM shop.lines"));
  status = shop_text (f, "SELECT status FROM orders WHERE external_id = 'O0001'");
  g_assert_cmpstr (status, ==, "cancelled");
  g_assert_cmpint (shop_int (f, "SELECT count(*) FROM events e JOIN orders o ON o.customer_id = e.customer_id"
                                " AND o.placed_at = e.at WHERE e.kind = 2 AND o.external_id = 'O0001'"), ==, 0);
  g_assert_cmpint (shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P004'"), ==, 9999);
  g_free (status);
  status = shop_text (f, "SELECT status FROM products WHERE external_id = 'P003'");
  g_assert_cmpstr (status, ==, "deleted");

  assert_idempotent (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  PQfinish (conn);
}

static void
test_postgres_bad_input (Fixture       *f,
                         gconstpointer  data)
{
  const char *password = g_getenv ("SD_TEST_PG_PASSWORD");
  g_autofree char *uri = NULL, *bad_type = NULL, *bad_column = NULL, *missing = NULL, *no_events = NULL;
  g_autofree char *host = NULL, *unreachable = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  PGconn *admin, *conn;

  if (servers_missing ())
    return;
  admin = pg_connect ("postgres");
  pg_run (admin, "DROP DATABASE IF EXISTS shop_bad");
  pg_run (admin, "CREATE DATABASE shop_bad");
  PQfinish (admin);
  conn = pg_connect ("shop_bad");
  pg_run (conn, pg_schema);
  pg_fill (conn);
  uri = pg_uri ("shop_bad", "shopdesk");
  report = sync_from (f, uri, password);   /* something to keep */

  assert_sync_fails (f, uri, "wrong", (const char *const[]) { "password", "postgres", NULL });
  host = g_uri_escape_string (g_getenv ("SD_TEST_PG_HOST"), NULL, FALSE);
  unreachable = g_strdup_printf ("postgresql://postgres@/shop_bad?host=%s/nowhere", host);
  assert_sync_fails (f, unreachable, password, (const char *const[]) { "Could not connect", "nowhere", NULL });
  missing = pg_uri ("shop_bad", "nosuch");
  assert_sync_fails (f, missing, password, (const char *const[]) { "nosuch.products", NULL });
  bad_type = pg_uri ("shop_bad", "bad_type");
  assert_sync_fails (f, bad_type, password, (const char *const[]) { "bad_type.products", "column price", "text", NULL });
  bad_column = pg_uri ("shop_bad", "bad_column");
  assert_sync_fails (f, bad_column, password, (const char *const[]) { "bad_column.orders", "column unit_price", NULL });
  no_events = pg_uri ("shop_bad", "no_events");
  assert_sync_fails (f, no_events, password, (const char *const[]) { "no_events.events", NULL });
  assert_sync_fails (f, "postgresql://postgres@/?host=/tmp", password, (const char *const[]) { "names no database", NULL });
  assert_sync_fails (f, "ftp://x/y", password, (const char *const[]) { "postgresql://", NULL });
  PQfinish (conn);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sync/postgres/generic", Fixture, NULL, fixture_set_up, test_postgres, fixture_tear_down);
  g_test_add ("/sync/postgres/bad-input", Fixture, NULL, fixture_set_up, test_postgres_bad_input, fixture_tear_down);
  return g_test_run ();
}
