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
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "empty-shop.h"
#include "step-cancel.h"
#include "sd-customer-privacy.h"
#include "sd-error.h"
#include "sd-sync.h"
#include "summary-check.h"

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

static SdSyncReport *
sync_from (EmptyShop  *f,
           const char *uri,
           const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = sd_sync_source_open (uri, password, NULL, &error);
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
assert_idempotent (EmptyShop  *f,
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
  /* Every sync before this one (and this one) left the figures right. */
  summary_check_agree (f->store);
}

/* A failed sync leaves the shop exactly as it was: same counts, same sync state. */
typedef struct { gint64 customers, products, orders, lines, events, rows, state; char *last; } Snapshot;

static void
snapshot (EmptyShop *f,
          Snapshot  *s)
{
  s->customers = empty_shop_int (f, "SELECT count(*) FROM customers");
  s->products = empty_shop_int (f, "SELECT count(*) FROM products");
  s->orders = empty_shop_int (f, "SELECT count(*) FROM orders");
  s->lines = empty_shop_int (f, "SELECT count(*) FROM order_lines");
  s->events = empty_shop_int (f, "SELECT count(*) FROM events");
  s->rows = empty_shop_int (f, "SELECT count(*) FROM sync_rows");
  s->state = empty_shop_int (f, "SELECT count(*) + coalesce(sum(watermark), 0) FROM sync_state");
  s->last = empty_shop_text (f, "SELECT coalesce((SELECT value FROM settings WHERE key = 'sync.last_at'), '-')");
}

static void
assert_unchanged_since (EmptyShop *f,
                        Snapshot  *before)
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
  /* A failed or cancelled sync takes back its summaries with its rows. */
  summary_check_agree (f->store);
}

static void
assert_sync_fails (EmptyShop         *f,
                   const char        *uri,
                   const char        *password,
                   const char *const *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = sd_sync_source_open (uri, password, NULL, &error);
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
test_postgres (EmptyShop     *f,
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
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.customers WHERE deleted_at IS NULL"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.products WHERE deleted_at IS NULL"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, pg_int (conn, "SELECT count(*) FROM shopdesk.orders"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind <> 2"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.events") - 2);
  /* Values: text as it was, a missing price as 0, amounts to the cent, totals from lines. */
  name = empty_shop_text (f, "SELECT name FROM customers WHERE external_id = 'C002'");
  g_assert_cmpstr (name, ==, "李 2");
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P010'"), ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P011'"), ==, 1477);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(total_cents) FROM orders"), ==,
                   pg_int (conn, "SELECT sum(qty * price * 100)::bigint FROM shop.lines"));
  /* A refunded order: −1 × 3.50 + 2 × 4.50 + 3 × 5.50 */
  g_assert_cmpint (empty_shop_int (f, "SELECT total_cents FROM orders WHERE external_id = 'O0017'"), ==, -350 + 900 + 1650);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind = 2"), >, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT placed_at FROM orders WHERE external_id = 'O0001'"), ==, 1706745600 + 3600);

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
                "DELETE FROM shop.events WHERE id IN (10, 11, 12);"
                /* A customer stamped long before the last sync: only the key count finds it. */
                "INSERT INTO shop.customers VALUES ('C900', 'Late Lü', 'late@example.com', 'AT', NULL, '2020-01-01', NULL);");
  second = sync_from (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  g_assert_false (second->full);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].updated, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].deleted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].inserted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].inserted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].inserted, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].deleted, ==, 3);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].rejected, ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.customers WHERE deleted_at IS NULL"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE status <> 'deleted'"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.products WHERE deleted_at IS NULL"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, pg_int (conn, "SELECT count(DISTINCT order_id) FROM shopdesk.orders"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, pg_int (conn, "SELECT count(*) FROM shopdesk.orders"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind <> 2"), ==,
                   pg_int (conn, "SELECT count(*) FROM shopdesk.events") - 2);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(total_cents) FROM orders"), ==,
                   pg_int (conn, "SELECT sum(qty * price * 100)::bigint FROM shop.lines"));
  status = empty_shop_text (f, "SELECT status FROM orders WHERE external_id = 'O0001'");
  g_assert_cmpstr (status, ==, "cancelled");
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events e JOIN orders o ON o.customer_id = e.customer_id"
                                " AND o.placed_at = e.at WHERE e.kind = 2 AND o.external_id = 'O0001'"), ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'P004'"), ==, 9999);
  g_free (status);
  status = empty_shop_text (f, "SELECT status FROM products WHERE external_id = 'P003'");
  g_assert_cmpstr (status, ==, "deleted");

  assert_idempotent (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  PQfinish (conn);
}

/* Whether @text is anywhere in the shop file or its WAL. */
static gboolean
shop_file_holds (EmptyShop  *f,
                 const char *text)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->path, suffixes[i], NULL);
      g_autofree char *data = NULL;
      gsize size = 0;

      if (g_file_get_contents (path, &data, &size, NULL) && memmem (data, size, text, strlen (text)))
        return TRUE;
    }
  return FALSE;
}

/* A customer forgotten in Shopdesk stays forgotten: the source changes them and their orders
 * and events, and the next sync rejects them, keeps their orders without them and leaves no
 * byte of their id or e-mail in the shop. */
static void
test_postgres_forgotten (EmptyShop     *f,
                         gconstpointer  data)
{
  g_autoptr(SdSyncReport) first = NULL, second = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  SdErasureReport erased;
  PGconn *admin, *conn;
  gint64 id, customers;

  if (servers_missing ())
    return;
  admin = pg_connect ("postgres");
  pg_run (admin, "DROP DATABASE IF EXISTS shop_forget");
  pg_run (admin, "CREATE DATABASE shop_forget");
  PQfinish (admin);
  conn = pg_connect ("shop_forget");
  pg_run (conn, pg_schema);
  pg_fill (conn);
  uri = pg_uri ("shop_forget", "shopdesk");

  first = sync_from (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  customers = empty_shop_int (f, "SELECT count(*) FROM customers");
  id = empty_shop_int (f, "SELECT id FROM customers WHERE external_id = 'C005'");
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                                      " WHERE c.external_id = 'C005'"), >, 0);
  g_assert_true (sd_customer_forget (f->store, id, NULL, NULL, &erased, &error));
  g_assert_no_error (error);
  g_assert_true (erased.vacuumed);
  g_assert_cmpint (erased.sync_rows, ==, 1);

  /* The source touches them: a new name, a new order, a new event. */
  pg_run (conn, "UPDATE shop.customers SET name = 'Still Here', updated = now() WHERE id = 'C005';"
                "INSERT INTO shop.lines VALUES ('O9005', 1, now(), 'P020', 1, 5.00, 'C005', 'paid', 'EUR', 'DE', now());"
                "INSERT INTO shop.events VALUES (9005, 'C005', 'P020', 'view', now(), NULL, NULL, 1900000000);");
  second = sync_from (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"));
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].rejected, >=, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers WHERE external_id = 'C005' OR name = 'Still Here'"), ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==, customers);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders WHERE external_id = 'O9005' AND customer_id IS NULL"), ==, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM sync_rows WHERE key = 'C005'"), ==, 0);
  g_assert_true (sd_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_assert_false (shop_file_holds (f, "c5@example.com"));
  g_assert_false (shop_file_holds (f, "Still Here"));
  PQfinish (conn);
}

static void
test_postgres_bad_input (EmptyShop     *f,
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

/* A new database @dbname holding pg_schema filled by pg_fill(), and a connection to it. */
static PGconn *
pg_filled_shop (const char *dbname)
{
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s", dbname);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", dbname);
  PGconn *admin = pg_connect ("postgres");
  PGconn *conn;

  pg_run (admin, drop);
  pg_run (admin, create);
  PQfinish (admin);
  conn = pg_connect (dbname);
  pg_run (conn, pg_schema);
  pg_fill (conn);
  return conn;
}

/* Cancelled half-way (from its own progress, once the orders are being read), a sync
 * changes nothing; the CLI prints the JSON the README gives and remembers the source. */
static void
cancel_at_orders (double      fraction,
                  const char *text,
                  gpointer    user_data)
{
  if (g_str_has_prefix (text, "orders"))
    g_cancellable_cancel (user_data);
}

static void
test_cancel_and_cli (EmptyShop     *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SdSyncSource) source = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  g_autofree char *uri = NULL, *command = NULL, *out = NULL, *err = NULL, *remembered = NULL;
  g_auto(GStrv) env = NULL;
  Snapshot before;
  PGconn *conn;
  int status;

  if (servers_missing ())
    return;
  conn = pg_filled_shop ("shop_cli");
  uri = pg_uri ("shop_cli", "shopdesk");

  source = sd_sync_source_open (uri, g_getenv ("SD_TEST_PG_PASSWORD"), NULL, &error);
  g_assert_no_error (error);
  snapshot (f, &before);
  report = sd_sync_run (f->store, source, cancel_at_orders, cancellable, cancellable, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  assert_unchanged_since (f, &before);
  g_free (before.last);

  env = g_environ_setenv (g_get_environ (), "SHOPDESK_DB_PASSWORD", g_getenv ("SD_TEST_PG_PASSWORD"), TRUE);
  {
    const char *argv[] = { g_getenv ("SD_CLI"), "--db", f->path, "sync", "--from", uri, "--json", NULL };
    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  /* Two events have bad values: exit status 3, as an import with rejected rows. */
  g_assert_true (g_spawn_check_wait_status (status, NULL) == FALSE);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 3);
  g_assert_true (g_str_has_prefix (out, "{\"tables\":{\"customers\":{\"inserted\":149,\"updated\":0,\"deleted\":0,\"rejected\":0,\"unchanged\":0},"));
  g_assert_nonnull (strstr (out, "\"events\":{\"inserted\":298,\"updated\":0,\"deleted\":0,\"rejected\":2,\"unchanged\":0}"));
  g_assert_nonnull (strstr (out, "},\"elapsed_ms\":"));
  remembered = empty_shop_text (f, "SELECT value FROM settings WHERE key = 'sync.uri'");
  {
    /* Kept with its slashes unescaped (the socket folder here has nothing to escape). */
    g_autofree char *plain = g_uri_unescape_string (uri, NULL);
    g_assert_cmpstr (remembered, ==, plain);
  }
  g_assert_null (strstr (remembered, g_getenv ("SD_TEST_PG_PASSWORD")));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    /* Without --from: the shop's own source; nothing changed since. */
    const char *argv[] = { g_getenv ("SD_CLI"), "--db", f->path, "sync", "--json", NULL };
    g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "\"orders\":{\"inserted\":0,\"updated\":0,\"deleted\":0,\"rejected\":0,"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    /* A new shop is made for a sync that works, and not left behind by one that fails. */
    g_autofree char *fresh = g_build_filename (f->dir, "fresh.sqlite", NULL);
    g_autofree char *bad = g_build_filename (f->dir, "bad.sqlite", NULL);
    g_autofree char *no_view = pg_uri ("shop_cli", "nosuch");
    const char *good_argv[] = { g_getenv ("SD_CLI"), "--db", fresh, "sync", "--from", uri, NULL };
    const char *bad_argv[] = { g_getenv ("SD_CLI"), "--db", bad, "sync", "--from", no_view, NULL };

    g_spawn_sync (NULL, (char **) bad_argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
    g_assert_nonnull (strstr (err, "nosuch.products"));
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_spawn_sync (NULL, (char **) good_argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 3);
    g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
    g_assert_nonnull (strstr (err, "rejected: events 3: unknown kind"));
  }
  PQfinish (conn);
}

/* MariaDB */

static MYSQL *
my_connect (const char *db)
{
  MYSQL *conn = mysql_init (NULL);

  if (!mysql_real_connect (conn, NULL, "root", NULL, db, 0, g_getenv ("SD_TEST_MYSQL_SOCKET"), CLIENT_MULTI_STATEMENTS))
    g_error ("MariaDB: %s", mysql_error (conn));
  mysql_real_query (conn, "SET NAMES utf8mb4", 17);
  return conn;
}

static void
my_run (MYSQL      *conn,
        const char *sql)
{
  if (mysql_real_query (conn, sql, strlen (sql)) != 0)
    g_error ("MariaDB: %s\n%.300s", mysql_error (conn), sql);
  /* Every result of a multi-statement query is read, so the next query may run. */
  do
    {
      MYSQL_RES *result = mysql_store_result (conn);
      if (result)
        mysql_free_result (result);
    }
  while (mysql_next_result (conn) == 0);
  if (mysql_errno (conn))
    g_error ("MariaDB: %s\n%.300s", mysql_error (conn), sql);
}

static gint64
my_int (MYSQL      *conn,
        const char *sql)
{
  MYSQL_RES *result;
  MYSQL_ROW row;
  gint64 value;

  if (mysql_real_query (conn, sql, strlen (sql)) != 0 || !(result = mysql_store_result (conn)))
    g_error ("MariaDB: %s\n%s", mysql_error (conn), sql);
  row = mysql_fetch_row (result);
  value = row && row[0] ? g_ascii_strtoll (row[0], NULL, 10) : 0;
  mysql_free_result (result);
  return value;
}

/* The WooCommerce tables a sync reads, with the columns it reads (and a few it does not). */
static const char woo_schema[] =
  "CREATE TABLE wp_posts (ID bigint PRIMARY KEY, post_type varchar(20), post_status varchar(20),"
  "  post_title text, post_content longtext, post_parent bigint NOT NULL DEFAULT 0,"
  "  post_date_gmt datetime, post_modified_gmt datetime, guid varchar(255)) CHARSET utf8mb4;"
  "CREATE TABLE wp_postmeta (meta_id bigint AUTO_INCREMENT PRIMARY KEY, post_id bigint, meta_key varchar(255),"
  "  meta_value longtext) CHARSET utf8mb4;"
  "CREATE TABLE wp_wc_product_meta_lookup (product_id bigint PRIMARY KEY, sku varchar(100), min_price decimal(19,4),"
  "  max_price decimal(19,4), stock_quantity double, onsale tinyint) CHARSET utf8mb4;"
  "CREATE TABLE wp_terms (term_id bigint PRIMARY KEY, name varchar(200), slug varchar(200)) CHARSET utf8mb4;"
  "CREATE TABLE wp_term_taxonomy (term_taxonomy_id bigint PRIMARY KEY, term_id bigint, taxonomy varchar(32),"
  "  parent bigint NOT NULL DEFAULT 0) CHARSET utf8mb4;"
  "CREATE TABLE wp_term_relationships (object_id bigint, term_taxonomy_id bigint,"
  "  PRIMARY KEY (object_id, term_taxonomy_id));"
  "CREATE TABLE wp_wc_customer_lookup (customer_id bigint PRIMARY KEY, user_id bigint, username varchar(60),"
  "  first_name varchar(255), last_name varchar(255), email varchar(100), date_last_active datetime,"
  "  date_registered datetime, country char(2)) CHARSET utf8mb4;"
  "CREATE TABLE wp_wc_orders (id bigint PRIMARY KEY, status varchar(20), currency varchar(10), type varchar(20),"
  "  total_amount decimal(26,8), customer_id bigint, billing_email varchar(320), date_created_gmt datetime,"
  "  date_updated_gmt datetime, parent_order_id bigint) CHARSET utf8mb4;"
  "CREATE TABLE wp_wc_order_addresses (id bigint AUTO_INCREMENT PRIMARY KEY, order_id bigint,"
  "  address_type varchar(20), first_name text, country text, email varchar(320)) CHARSET utf8mb4;"
  "CREATE TABLE wp_wc_order_product_lookup (order_item_id bigint PRIMARY KEY, order_id bigint, product_id bigint,"
  "  variation_id bigint, customer_id bigint, date_created datetime, product_qty int,"
  "  product_net_revenue double, product_gross_revenue double) CHARSET utf8mb4;"
  "CREATE TABLE wp_comments (comment_ID bigint PRIMARY KEY, comment_post_ID bigint, comment_author varchar(255),"
  "  comment_author_email varchar(100), comment_date_gmt datetime, comment_content text,"
  "  comment_approved varchar(20), comment_type varchar(20), user_id bigint) CHARSET utf8mb4;"
  "CREATE TABLE wp_commentmeta (meta_id bigint AUTO_INCREMENT PRIMARY KEY, comment_id bigint, meta_key varchar(255),"
  "  meta_value longtext) CHARSET utf8mb4;"
  "CREATE TABLE wp_wc_order_coupon_lookup (order_id bigint, coupon_id bigint, date_created datetime,"
  "  discount_amount double, PRIMARY KEY (order_id, coupon_id));";

/* 30 simple products (every 9th without a price, the 4th in the trash, every 5th without
 * a SKU), 5 variable ones with 2 variations each, 60 customers, 80 HPOS orders, 20 legacy
 * shop_order posts, 4 refunds, 50 reviews (3 not approved), coupons on every 8th order. */
static void
woo_fill (MYSQL *conn)
{
  GString *sql;

  sql = g_string_new ("INSERT INTO wp_terms VALUES (1, 'Clothing', 'clothing'), (2, 'Hoodies', 'hoodies'), (3, 'Ökologisch', 'oeko');"
                      "INSERT INTO wp_term_taxonomy VALUES (1, 1, 'product_cat', 0), (2, 2, 'product_cat', 1), (3, 3, 'product_tag', 0);");
  for (int p = 1; p <= 45; p++)
    {
      gboolean variation = p > 35;
      int parent = variation ? 31 + (p - 36) / 2 : 0;
      g_autofree char *sku = p % 5 == 0 ? g_strdup ("''") : g_strdup_printf ("'SKU-%03d'", p);
      g_autofree char *price = p % 9 == 0 ? g_strdup ("NULL") : g_strdup_printf ("%d.99", 10 + p);

      g_string_append_printf (sql, "INSERT INTO wp_posts VALUES (%d, '%s', '%s', 'Hoodie %d – “Größe” 茶', '<p>Warm &amp; <b>soft</b></p>',"
                              " %d, '2024-01-01 00:00:00' + INTERVAL %d HOUR, '2024-01-01 00:00:00' + INTERVAL %d MINUTE, '');",
                              p, variation ? "product_variation" : "product", p == 4 ? "trash" : "publish", p, parent, p, p);
      g_string_append_printf (sql, "INSERT INTO wp_wc_product_meta_lookup VALUES (%d, %s, %s, %s, %d, 0);", p, sku, price, price, p);
      if (p % 9 != 0)
        g_string_append_printf (sql, "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (%d, '_regular_price', '%s');", p, price);
      if (!variation)
        g_string_append_printf (sql, "INSERT INTO wp_term_relationships VALUES (%d, %d), (%d, 3);", p, p % 2 ? 2 : 1, p);
    }
  for (int c = 1; c <= 60; c++)
    g_string_append_printf (sql, "INSERT INTO wp_wc_customer_lookup VALUES (%d, %d, 'u%d', '%s', 'Nguyễn %d', 'Buyer%d@Example.com',"
                            " '2024-01-05 00:00:00' + INTERVAL %d MINUTE, '2024-01-01', '%s');",
                            c, c % 4 ? c + 100 : 0, c, c % 3 ? "Zoë" : "王", c, c, c, c % 2 ? "DE" : "CN");
  /* Orders 1001–1080 in HPOS, 2001–2020 as legacy posts; lines from the lookup table. */
  for (int o = 1; o <= 100; o++)
    {
      gboolean hpos = o <= 80;
      int id = hpos ? 1000 + o : 2000 + o - 80;
      int customer = 1 + o % 60;
      const char *status = o % 13 == 0 ? "wc-cancelled" : o % 3 ? "wc-completed" : "wc-processing";

      if (hpos)
        {
          g_string_append_printf (sql, "INSERT INTO wp_wc_orders VALUES (%d, '%s', 'EUR', 'shop_order', 0, %d, 'buyer%d@example.com',"
                                  " '2024-02-01 00:00:00' + INTERVAL %d HOUR, '2024-02-01 00:00:00' + INTERVAL %d MINUTE, 0);",
                                  id, status, customer + 100, customer, o, o);
          g_string_append_printf (sql, "INSERT INTO wp_wc_order_addresses (order_id, address_type, country) VALUES (%d, 'billing', 'DE');", id);
        }
      else
        {
          g_string_append_printf (sql, "INSERT INTO wp_posts VALUES (%d, 'shop_order', '%s', 'Order', '', 0,"
                                  " '2024-02-01 00:00:00' + INTERVAL %d HOUR, '2024-02-01 00:00:00' + INTERVAL %d MINUTE, '');",
                                  id, status, o, o);
          g_string_append_printf (sql, "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (%d, '_billing_email', 'buyer%d@example.com'),"
                                  " (%d, '_order_currency', 'EUR'), (%d, '_billing_country', 'FR');", id, customer, id, id);
        }
      for (int l = 1; l <= 1 + o % 2; l++)
        {
          int product = 1 + (o * l) % 30, variation = o % 7 == 0 && l == 1 ? 36 + o % 10 : 0;
          if (product == 4)
            product = 6;
          g_string_append_printf (sql, "INSERT INTO wp_wc_order_product_lookup VALUES (%d, %d, %d, %d, %d, NULL, %d, %d.5, 0);",
                                  id * 10 + l, id, variation ? 31 + (variation - 36) / 2 : product, variation, customer, l, (10 + l) * l);
        }
      if (o % 8 == 0)
        g_string_append_printf (sql, "INSERT INTO wp_wc_order_coupon_lookup VALUES (%d, 900, '2024-02-01 00:00:00' + INTERVAL %d MINUTE, 2.5);", id, o);
    }
  g_string_append (sql, "INSERT INTO wp_posts VALUES (900, 'shop_coupon', 'publish', 'SPRING10', '', 0, '2024-01-01', '2024-01-01', '');");
  /* Refunds of orders 1002, 1005, 1010 (HPOS) and 2001 (legacy): a negative line each. */
  for (int r = 0; r < 4; r++)
    {
      static const int parents[] = { 1002, 1005, 1010, 2001 };
      int id = 3001 + r;

      if (parents[r] < 2000)
        g_string_append_printf (sql, "INSERT INTO wp_wc_orders VALUES (%d, 'wc-completed', 'EUR', 'shop_order_refund', 0, 0, NULL,"
                                " '2024-03-01', '2024-03-01 00:00:00' + INTERVAL %d MINUTE, %d);", id, r, parents[r]);
      else
        g_string_append_printf (sql, "INSERT INTO wp_posts VALUES (%d, 'shop_order_refund', 'wc-completed', 'Refund', '', %d,"
                                " '2024-03-01', '2024-03-01', '');", id, parents[r]);
      g_string_append_printf (sql, "INSERT INTO wp_wc_order_product_lookup SELECT %d, %d, product_id, variation_id, customer_id, NULL,"
                              " -1, -product_net_revenue / product_qty, 0 FROM wp_wc_order_product_lookup WHERE order_item_id = %d;",
                              id * 10 + 1, id, parents[r] * 10 + 1);
    }
  for (int c = 1; c <= 50; c++)
    {
      g_string_append_printf (sql, "INSERT INTO wp_comments VALUES (%d, %d, 'Zoë', 'buyer%d@example.com', '2024-04-01 00:00:00' + INTERVAL %d MINUTE,"
                              " 'Schön! 很好 %d', '%s', 'review', 0);",
                              c, 1 + c % 30 == 4 ? 5 : 1 + c % 30, 1 + c % 60, c, c, c % 17 == 0 ? "0" : "1");
      g_string_append_printf (sql, "INSERT INTO wp_commentmeta (comment_id, meta_key, meta_value) VALUES (%d, 'rating', '%d');", c, 1 + c % 5);
    }
  /* An ordinary comment on a post is no review. */
  g_string_append (sql, "INSERT INTO wp_comments VALUES (99, 1, 'x', 'x@example.com', '2024-04-01', 'hi', '1', 'comment', 0);");
  my_run (conn, sql->str);
  g_string_free (sql, TRUE);
}

static char *
my_uri (const char *user,
        const char *db,
        const char *extra)
{
  g_autofree char *socket = g_uri_escape_string (g_getenv ("SD_TEST_MYSQL_SOCKET"), NULL, FALSE);

  return g_strdup_printf ("mysql://%s@localhost/%s?socket=%s%s", user, db, socket, extra);
}

/* What the source holds, as the sync should see it. */
#define WOO_PRODUCTS "SELECT count(*) FROM wp_posts WHERE post_type IN ('product', 'product_variation') AND post_status <> 'trash'"
#define WOO_ORDERS "SELECT (SELECT count(*) FROM wp_wc_orders WHERE status <> 'trash') +" \
                   " (SELECT count(*) FROM wp_posts WHERE post_type IN ('shop_order', 'shop_order_refund') AND post_status <> 'trash')"
#define WOO_LINES "SELECT count(*) FROM wp_wc_order_product_lookup l WHERE l.order_id IN (SELECT id FROM wp_wc_orders" \
                  " WHERE status <> 'trash') OR l.order_id IN (SELECT ID FROM wp_posts WHERE post_status <> 'trash')"
#define WOO_REVIEWS "SELECT count(*) FROM wp_comments WHERE comment_type = 'review' AND comment_approved = '1'"

static void
assert_woo_counts (EmptyShop *f,
                   MYSQL   *conn)
{
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE status <> 'deleted'"), ==, my_int (conn, WOO_PRODUCTS));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==, my_int (conn, "SELECT count(*) FROM wp_wc_customer_lookup"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, my_int (conn, WOO_ORDERS));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, my_int (conn, WOO_LINES));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind = 3"), ==, my_int (conn, WOO_REVIEWS));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM coupon_uses"), ==, my_int (conn, "SELECT count(*) FROM wp_wc_order_coupon_lookup"));
}

static void
test_woocommerce (EmptyShop     *f,
                  gconstpointer  data)
{
  g_autoptr(SdSyncReport) first = NULL, second = NULL;
  g_autofree char *uri = NULL, *text = NULL;
  MYSQL *conn;

  if (servers_missing ())
    return;
  conn = my_connect (NULL);
  my_run (conn, "DROP DATABASE IF EXISTS woo; CREATE DATABASE woo CHARACTER SET utf8mb4;"
                /* The read-only user the README tells a shop to make. */
                "DROP USER IF EXISTS 'shopdesk'@'localhost';"
                "CREATE USER 'shopdesk'@'localhost' IDENTIFIED BY 'read-only';"
                "GRANT SELECT ON woo.* TO 'shopdesk'@'localhost'; USE woo;");
  my_run (conn, woo_schema);
  woo_fill (conn);
  uri = my_uri ("shopdesk", "woo", "&prefix=wp_");

  first = sync_from (f, uri, "read-only");
  g_assert_true (first->full);
  g_assert_cmpuint (first->tables[SD_SYNC_PRODUCTS].inserted, ==, my_int (conn, WOO_PRODUCTS));
  g_assert_cmpuint (first->tables[SD_SYNC_CUSTOMERS].inserted, ==, 60);
  g_assert_cmpuint (first->tables[SD_SYNC_ORDERS].inserted, ==, my_int (conn, WOO_ORDERS));
  g_assert_cmpuint (first->tables[SD_SYNC_ORDER_LINES].inserted, ==, my_int (conn, WOO_LINES));
  g_assert_cmpuint (first->tables[SD_SYNC_EVENTS].inserted, ==, my_int (conn, WOO_REVIEWS));
  g_assert_cmpuint (first->tables[SD_SYNC_COUPON_USES].inserted, ==, 12);
  assert_woo_counts (f, conn);
  /* Keys: SKU, else woo-ID; customers by e-mail in lower case. */
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE external_id IN ('SKU-001', 'woo-5', 'SKU-036')"), ==, 3);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers WHERE external_id = 'buyer7@example.com'"), ==, 1);
  text = empty_shop_text (f, "SELECT description FROM products WHERE external_id = 'SKU-001'");
  g_assert_cmpstr (text, ==, "Warm & soft");
  g_free (text);
  text = empty_shop_text (f, "SELECT category FROM products WHERE external_id = 'SKU-036'");   /* a variation: its parent's */
  g_assert_cmpstr (text, ==, "Hoodies");
  g_free (text);
  text = empty_shop_text (f, "SELECT tags FROM products WHERE external_id = 'SKU-001'");
  g_assert_cmpstr (text, ==, "Ökologisch");
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'SKU-009'"), ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'SKU-002'"), ==, 1299);
  g_assert_cmpint (empty_shop_int (f, "SELECT total_cents FROM orders WHERE external_id = '3001'"), <, 0);
  g_free (text);
  text = empty_shop_text (f, "SELECT status FROM orders WHERE external_id = '3001'");
  g_assert_cmpstr (text, ==, "refunded");
  g_free (text);
  text = empty_shop_text (f, "SELECT status FROM orders WHERE external_id = '1013'");
  g_assert_cmpstr (text, ==, "cancelled");
  g_free (text);
  text = empty_shop_text (f, "SELECT country FROM orders WHERE external_id = '2001'");
  g_assert_cmpstr (text, ==, "FR");
  g_assert_cmpint (empty_shop_int (f, "SELECT u.discount_cents FROM coupon_uses u JOIN orders o ON o.id = u.order_id"
                                " WHERE o.external_id = '1008' AND u.code = 'spring10'"), ==, 250);

  /* Changes: a product trashed, a price, an order cancelled, a review unapproved (its date
   * does not change: only the key comparison sees it), a new review, a new legacy order. */
  my_run (conn, "UPDATE wp_posts SET post_status = 'trash', post_modified_gmt = UTC_TIMESTAMP() WHERE ID = 7;"
                "UPDATE wp_postmeta SET meta_value = '77.00' WHERE post_id = 8 AND meta_key = '_regular_price';"
                "UPDATE wp_posts SET post_modified_gmt = UTC_TIMESTAMP() WHERE ID = 8;"
                "UPDATE wp_wc_orders SET status = 'wc-cancelled', date_updated_gmt = UTC_TIMESTAMP() WHERE id = 1003;"
                "UPDATE wp_comments SET comment_approved = 'spam' WHERE comment_ID = 2;"
                /* Approved now, dated long before the last sync: found by comparing keys. */
                "UPDATE wp_comments SET comment_approved = '1' WHERE comment_ID = 17;"
                "INSERT INTO wp_comments VALUES (60, 3, 'Ana', 'buyer9@example.com', UTC_TIMESTAMP(), 'Gut', '1', 'review', 0);"
                "INSERT INTO wp_posts VALUES (2100, 'shop_order', 'wc-processing', 'Order', '', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP(), '');"
                "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (2100, '_billing_email', 'new.buyer@example.com');"
                "INSERT INTO wp_wc_order_product_lookup VALUES (21001, 2100, 3, 0, 0, NULL, 2, 40, 0);");
  second = sync_from (f, uri, "read-only");
  g_assert_false (second->full);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].inserted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].inserted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].inserted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].deleted, ==, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT price_cents FROM products WHERE external_id = 'SKU-008'"), ==, 7700);
  /* A guest who bought is a customer of the shop too. */
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers WHERE external_id = 'new.buyer@example.com'"), ==, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==, 61);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE status <> 'deleted'"), ==, my_int (conn, WOO_PRODUCTS));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, my_int (conn, WOO_ORDERS));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, my_int (conn, WOO_LINES));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind = 3"), ==, my_int (conn, WOO_REVIEWS));

  assert_idempotent (f, uri, "read-only");
  /* The read-only user with a wrong password, a wrong prefix, an unknown parameter. */
  {
    g_autofree char *wrong_prefix = my_uri ("shopdesk", "woo", "&prefix=wc_");
    g_autofree char *unknown = my_uri ("shopdesk", "woo", "&colour=blue");

    assert_sync_fails (f, uri, "guess", (const char *const[]) { "Access denied", "shopdesk", NULL });
    assert_sync_fails (f, wrong_prefix, "read-only", (const char *const[]) { "wc_posts", "prefix", NULL });
    assert_sync_fails (f, unknown, "read-only", (const char *const[]) { "colour", NULL });
  }
  mysql_close (conn);
}

/* The generic contract on MariaDB: the same views as on PostgreSQL. */
static void
test_mariadb_generic (EmptyShop     *f,
                      gconstpointer  data)
{
  g_autoptr(SdSyncReport) first = NULL, second = NULL;
  g_autofree char *uri = NULL, *bad = NULL;
  GString *sql;
  MYSQL *conn;

  if (servers_missing ())
    return;
  conn = my_connect (NULL);
  sql = g_string_new ("DROP DATABASE IF EXISTS gen; CREATE DATABASE gen CHARACTER SET utf8mb4; USE gen;"
                      "CREATE TABLE c (id int PRIMARY KEY, name varchar(80), updated datetime);"
                      "CREATE TABLE p (id varchar(20) PRIMARY KEY, title varchar(80), price decimal(8,2), updated datetime, deleted datetime);"
                      "CREATE TABLE l (o varchar(20), n int, placed datetime, p varchar(20), q int, price double, c int, updated bigint);"
                      "CREATE TABLE e (id int PRIMARY KEY, c int, p varchar(20), kind varchar(10), at datetime, updated datetime);"
                      "CREATE VIEW customers AS SELECT id AS customer_id, name, updated AS updated_at FROM c;"
                      "CREATE VIEW products AS SELECT id AS product_id, title, price, updated AS updated_at, deleted AS deleted_at FROM p;"
                      "CREATE VIEW orders AS SELECT o AS order_id, n AS line_no, placed AS placed_at, p AS product_id, q AS quantity,"
                      "  price AS unit_price, c AS customer_id, updated AS updated_at FROM l;"
                      "CREATE VIEW events AS SELECT id AS event_id, c AS customer_id, p AS product_id, kind, at, updated AS updated_at FROM e;");
  for (int i = 1; i <= 40; i++)
    g_string_append_printf (sql, "INSERT INTO c VALUES (%d, 'Ærø %d', '2024-01-01'); INSERT INTO p VALUES ('G%d', 'Thing %d', %s, '2024-01-01', NULL);"
                            "INSERT INTO l VALUES ('GO%d', 1, '2024-02-01', 'G%d', 2, 1.25, %d, 1704067200), ('GO%d', 2, '2024-02-01', 'G%d', 1, 0.1, %d, 1704067200);"
                            "INSERT INTO e VALUES (%d, %d, 'G%d', 'view', '2024-03-01' + INTERVAL %d MINUTE, '2024-03-01');",
                            i, i, i, i, i % 6 ? "9.95" : "NULL", i, i, i, i, 1 + i % 40, i, i, i, i, i);
  my_run (conn, sql->str);
  g_string_free (sql, TRUE);
  uri = my_uri ("root", "gen", "&flavour=generic");

  first = sync_from (f, uri, NULL);
  g_assert_cmpuint (first->tables[SD_SYNC_CUSTOMERS].inserted, ==, 40);
  g_assert_cmpuint (first->tables[SD_SYNC_PRODUCTS].inserted, ==, 40);
  g_assert_cmpuint (first->tables[SD_SYNC_ORDERS].inserted, ==, 40);
  g_assert_cmpuint (first->tables[SD_SYNC_ORDER_LINES].inserted, ==, 80);
  g_assert_cmpuint (first->tables[SD_SYNC_EVENTS].inserted, ==, 40);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(total_cents) FROM orders"), ==, 40 * (250 + 10));
  my_run (conn, "UPDATE p SET deleted = UTC_TIMESTAMP(), updated = UTC_TIMESTAMP() WHERE id = 'G1';"
                "DELETE FROM l WHERE o = 'GO2'; DELETE FROM e WHERE id = 3;"
                "UPDATE c SET name = 'Ærø renamed', updated = UTC_TIMESTAMP() WHERE id = 4;");
  second = sync_from (f, uri, NULL);
  g_assert_cmpuint (second->tables[SD_SYNC_PRODUCTS].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_CUSTOMERS].updated, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDERS].deleted, ==, 1);
  g_assert_cmpuint (second->tables[SD_SYNC_ORDER_LINES].deleted, ==, 2);
  g_assert_cmpuint (second->tables[SD_SYNC_EVENTS].deleted, ==, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, my_int (conn, "SELECT count(DISTINCT o) FROM l"));
  assert_idempotent (f, uri, NULL);

  my_run (conn, "CREATE OR REPLACE VIEW events AS SELECT id AS event_id, c AS customer_id, p AS product_id, kind, 'soon' AS updated_at FROM e;");
  assert_sync_fails (f, uri, NULL, (const char *const[]) { "gen.events", "column at", NULL });
  my_run (conn, "CREATE OR REPLACE VIEW events AS SELECT id AS event_id, c AS customer_id, p AS product_id, kind, at, 'soon' AS updated_at FROM e;");
  assert_sync_fails (f, uri, NULL, (const char *const[]) { "gen.events", "column updated_at", "varchar", NULL });
  mysql_close (conn);
}

/* Cancelled in its last steps (the orders' totals, the products' kinds, the settings, the
 * summaries of the commit), a sync stops there and changes nothing; Ctrl+C on the CLI while
 * the source keeps it waiting for a lock ends in exit status 130 at once (the server's
 * statement cancelled), with nothing changed either. */
static void
test_cancel_last_steps (EmptyShop     *f,
                        gconstpointer  data)
{
  static const char *const steps[] = {
    "UPDATE orders SET total_cents",
    "UPDATE products SET kind",
    "INSERT INTO settings",
    "INSERT INTO summary_days",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autofree char *uri = NULL;
  g_auto(GStrv) env = NULL;
  Snapshot before;
  PGconn *conn, *locker;

  if (servers_missing ())
    return;
  conn = pg_filled_shop ("shop_last");
  uri = pg_uri ("shop_last", "shopdesk");
  source = sd_sync_source_open (uri, g_getenv ("SD_TEST_PG_PASSWORD"), NULL, &error);
  g_assert_no_error (error);
  snapshot (f, &before);
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_auto(StepCancel) c = { cancellable, steps[s], g_ptr_array_new_with_free_func (g_free) };
      g_autoptr(SdSyncReport) report = NULL;

      g_test_message ("cancelled at the start of “%s…”", steps[s]);
      step_cancel_watch (sd_store_get_db (f->store), &c);
      report = sd_sync_run (f->store, source, NULL, NULL, cancellable, &error);
      step_cancel_watch (sd_store_get_db (f->store), NULL);
      g_assert_null (report);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      /* Reached; on so few rows a statement ends before the interrupt looks. */
      g_assert_true (g_cancellable_is_cancelled (cancellable));
      assert_unchanged_since (f, &before);
    }

  /* The CLI, kept waiting by a lock on the events at the source, and Ctrl+C meanwhile. */
  env = g_environ_setenv (g_get_environ (), "SHOPDESK_DB_PASSWORD", g_getenv ("SD_TEST_PG_PASSWORD"), TRUE);
  locker = pg_connect ("shop_last");
  pg_run (locker, "BEGIN; LOCK TABLE shop.events IN ACCESS EXCLUSIVE MODE");
  {
    const char *argv[] = { g_getenv ("SD_CLI"), "--db", f->path, "sync", "--from", uri, NULL };
    GPid pid;
    int status = 0;
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
    g_assert_no_error (error);
    while (pg_int (conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop_last' AND wait_event_type = 'Lock'") == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (20000);
      }
    /* The wait for the lock is cut short at the server: the CLI ends while the lock is still held. */
    kill (pid, SIGINT);
    deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (waitpid (pid, &status, WNOHANG) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (20000);
      }
    pg_run (locker, "ROLLBACK");
    g_spawn_close_pid (pid);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  }
  PQfinish (locker);
  assert_unchanged_since (f, &before);
  g_free (before.last);
  PQfinish (conn);
}

/* A cancel while the server runs a slow statement: the statement is stopped at the server,
 * the sync ends at once with G_IO_ERROR_CANCELLED and the shop unchanged, and the same
 * source syncs again afterwards (its session was left idle). */

typedef struct {
  GCancellable *cancellable;
  guint         delay_ms;
} LateCancel;

static gpointer
cancel_later (gpointer data)
{
  LateCancel *c = data;

  g_usleep (c->delay_ms * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

/* Cancelled from another thread (as the window's Cancel comes from the main loop while the
 * job's thread waits) @delay_ms in; how long the sync took, in ms. */
static gint64
sync_cancelled_after (EmptyShop    *f,
                      SdSyncSource *source,
                      guint         delay_ms)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LateCancel c = { cancellable, delay_ms };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  gint64 started = g_get_monotonic_time ();
  GThread *thread = g_thread_new ("late-cancel", cancel_later, &c);
  gint64 elapsed;

  report = sd_sync_run (f->store, source, NULL, NULL, cancellable, &error);
  elapsed = (g_get_monotonic_time () - started) / 1000;
  g_thread_join (thread);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled after %u ms, ended after %" G_GINT64_FORMAT " ms", delay_ms, elapsed);
  return elapsed;
}

/* Statements of the source's session the server is still running (or sleeping in). */
static gint64
pg_busy (gpointer conn)
{
  return pg_int (conn, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shopdesk' AND state <> 'idle'");
}

static gint64
my_busy (gpointer conn)
{
  return my_int (conn, "SELECT count(*) FROM information_schema.processlist WHERE state = 'User sleep'");
}

/* Opens @uri, whose orders the server is slow to give, and cancels syncs from it at
 * once, while it checks the views or reads the first streams, and while the server works
 * on the orders; returns the source, to sync from again. */
static SdSyncSource *
cancel_slow_syncs (EmptyShop   *f,
                   const char  *uri,
                   const char  *password,
                   gint64     (*busy) (gpointer conn),
                   gpointer     conn)
{
  g_autoptr(GError) error = NULL;
  static const guint delays_ms[] = { 0, 5, 20, 60, 500, 750 };
  SdSyncSource *source = sd_sync_source_open (uri, password, NULL, &error);
  Snapshot before;

  g_assert_no_error (error);
  snapshot (f, &before);

  for (guint i = 0; i < G_N_ELEMENTS (delays_ms); i++)
    {
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      /* Until the cancel reached the server, the sync waited for the server's minute. */
      g_assert_cmpint (sync_cancelled_after (f, source, delays_ms[i]), <, 10000);
      assert_unchanged_since (f, &before);
      /* Stopped at the server, not only given up on by the client (the server's own
       * tables catch up a moment later). */
      while (busy (conn) > 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (20000);
        }
    }
  g_free (before.last);
  return source;
}

static void
test_postgres_cancel_slow (EmptyShop     *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  g_autofree char *uri = NULL;
  PGconn *conn;

  if (servers_missing ())
    return;
  conn = pg_filled_shop ("shop_slow");
  /* The orders take a minute before their first row. */
  pg_run (conn, "CREATE SCHEMA slow;"
                "CREATE VIEW slow.customers AS SELECT * FROM shopdesk.customers;"
                "CREATE VIEW slow.products AS SELECT * FROM shopdesk.products;"
                "CREATE VIEW slow.orders AS SELECT o.* FROM shopdesk.orders o, (SELECT pg_sleep(60)) AS s;"
                "CREATE VIEW slow.events AS SELECT * FROM shopdesk.events;");
  uri = pg_uri ("shop_slow", "slow");
  source = cancel_slow_syncs (f, uri, g_getenv ("SD_TEST_PG_PASSWORD"), pg_busy, conn);

  pg_run (conn, "CREATE OR REPLACE VIEW slow.orders AS SELECT * FROM shopdesk.orders");
  report = sd_sync_run (f->store, source, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->tables[SD_SYNC_ORDERS].inserted, ==, 200);
  PQfinish (conn);
}

static void
test_mariadb_cancel_slow (EmptyShop     *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  g_autofree char *uri = NULL;
  MYSQL *conn;

  if (servers_missing ())
    return;
  conn = my_connect (NULL);
  /* Two order lines, each a minute in coming. */
  my_run (conn, "DROP DATABASE IF EXISTS slow; CREATE DATABASE slow CHARACTER SET utf8mb4; USE slow;"
                "CREATE TABLE c (id int PRIMARY KEY, updated datetime);"
                "CREATE TABLE p (id varchar(20) PRIMARY KEY, title varchar(80), updated datetime);"
                "CREATE TABLE l (o varchar(20), n int, placed datetime, p varchar(20), q int, price decimal(8,2), updated datetime);"
                "CREATE TABLE e (id int PRIMARY KEY, c int, p varchar(20), kind varchar(10), at datetime, updated datetime);"
                "INSERT INTO c VALUES (1, '2024-01-01'); INSERT INTO p VALUES ('S1', 'Slow thing', '2024-01-01');"
                "INSERT INTO l VALUES ('SO1', 1, '2024-02-01', 'S1', 1, 2.50, '2024-02-01'), ('SO1', 2, '2024-02-01', 'S1', 2, 1.25, '2024-02-01');"
                "INSERT INTO e VALUES (1, 1, 'S1', 'view', '2024-03-01', '2024-03-01');"
                "CREATE VIEW customers AS SELECT id AS customer_id, updated AS updated_at FROM c;"
                "CREATE VIEW products AS SELECT id AS product_id, title, updated AS updated_at FROM p;"
                "CREATE VIEW orders AS SELECT o AS order_id, n AS line_no, placed AS placed_at, p AS product_id, q AS quantity,"
                "  price AS unit_price, updated AS updated_at FROM l WHERE SLEEP(60) = 0;"
                "CREATE VIEW events AS SELECT id AS event_id, c AS customer_id, p AS product_id, kind, at, updated AS updated_at FROM e;");
  uri = my_uri ("root", "slow", "&flavour=generic");
  source = cancel_slow_syncs (f, uri, NULL, my_busy, conn);

  my_run (conn, "CREATE OR REPLACE VIEW orders AS SELECT o AS order_id, n AS line_no, placed AS placed_at, p AS product_id,"
                "  q AS quantity, price AS unit_price, updated AS updated_at FROM l;");
  report = sd_sync_run (f->store, source, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->tables[SD_SYNC_ORDER_LINES].inserted, ==, 2);
  mysql_close (conn);
}

/* A server that takes the connection and never says a word (a socket that listens, and
 * nobody accepts on it): the connect waits until its timeout, or until a cancel. */
static void
test_connect_cancel (EmptyShop     *f,
                     gconstpointer  data)
{
  static const char *const schemes[] = { "postgresql://shopdesk@127.0.0.1:%u/shop?connect_timeout=%u",
                                         "mysql://shopdesk@127.0.0.1:%u/shop?connect_timeout=%u" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autofree char *waits = g_strdup_printf (schemes[i], port, 60);
      g_autofree char *gives_up = g_strdup_printf (schemes[i], port, 2);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      LateCancel c = { cancellable, 300 };
      g_autoptr(SdSyncSource) source = NULL;
      gint64 started = g_get_monotonic_time (), elapsed;
      GThread *thread = g_thread_new ("late-cancel", cancel_later, &c);

      source = sd_sync_source_open (waits, "guess", cancellable, &error);
      elapsed = (g_get_monotonic_time () - started) / 1000;
      g_thread_join (thread);
      g_test_message ("%s: cancelled after 300 ms, ended after %" G_GINT64_FORMAT " ms", waits, elapsed);
      g_assert_null (source);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (elapsed, <, 5000);
      g_clear_error (&error);

      /* Without a cancel, the timeout ends it, and says where. */
      started = g_get_monotonic_time ();
      source = sd_sync_source_open (gives_up, "guess", NULL, &error);
      elapsed = (g_get_monotonic_time () - started) / 1000;
      g_test_message ("%s → %s after %" G_GINT64_FORMAT " ms", gives_up, error ? error->message : "(connected)", elapsed);
      g_assert_null (source);
      g_assert_error (error, SD_ERROR, SD_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "127.0.0.1"));
      g_assert_cmpint (elapsed, >=, 1500);
      g_assert_cmpint (elapsed, <, 10000);
      g_clear_error (&error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sync/postgres/generic", EmptyShop, NULL, empty_shop_set_up, test_postgres, empty_shop_tear_down);
  g_test_add ("/sync/postgres/forgotten", EmptyShop, NULL, empty_shop_set_up, test_postgres_forgotten, empty_shop_tear_down);
  g_test_add ("/sync/postgres/bad-input", EmptyShop, NULL, empty_shop_set_up, test_postgres_bad_input, empty_shop_tear_down);
  g_test_add ("/sync/postgres/cancel-and-cli", EmptyShop, NULL, empty_shop_set_up, test_cancel_and_cli, empty_shop_tear_down);
  g_test_add ("/sync/postgres/cancel-last-steps", EmptyShop, NULL, empty_shop_set_up, test_cancel_last_steps,
              empty_shop_tear_down);
  g_test_add ("/sync/mariadb/woocommerce", EmptyShop, NULL, empty_shop_set_up, test_woocommerce, empty_shop_tear_down);
  g_test_add ("/sync/mariadb/generic", EmptyShop, NULL, empty_shop_set_up, test_mariadb_generic, empty_shop_tear_down);
  g_test_add ("/sync/postgres/cancel-slow-query", EmptyShop, NULL, empty_shop_set_up, test_postgres_cancel_slow,
              empty_shop_tear_down);
  g_test_add ("/sync/mariadb/cancel-slow-query", EmptyShop, NULL, empty_shop_set_up, test_mariadb_cancel_slow,
              empty_shop_tear_down);
  g_test_add ("/sync/connect-cancel", EmptyShop, NULL, empty_shop_set_up, test_connect_cancel, empty_shop_tear_down);
  return g_test_run ();
}
