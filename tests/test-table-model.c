/* test-table-model.c — the paged SQLite list model behind the Data page
 *
 * Order and filter computed in a worker, rows read a page at a time by rowid: checked
 * for the right rows at any position, sorting in both directions, literal search, and
 * the cost of reading one page deep into a large table (main-thread CPU time per page).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <time.h>

#include "sd-format.h"
#include "sd-table-model.h"
#include "zh-catalogue.h"

#define N_CUSTOMERS 2000
#define N_PRODUCTS 500
#define N_EVENTS 100000

static char *tmp_dir;
static char *shop_path;

static void
wait_loaded (SdTableModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (sd_table_model_get_loading (model))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_null (sd_table_model_get_error (model));
}

static void
exec_bound (SdStore    *store,
            const char *sql,
            gint64      a,
            gint64      b,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

static void
fill_shop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);

  g_assert_no_error (error);
  g_assert_true (sd_store_begin (store, &error));
  for (int i = 1; i <= N_CUSTOMERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Customer %d", (i * 7919) % 10007);
      exec_bound (store, "INSERT INTO customers (id, external_id, name) VALUES (?1, 'C' || ?1, ?3)",
                  i, 0, name);
    }
  exec_bound (store, "INSERT INTO customers (id, external_id, name) VALUES (?1, 'C' || ?1, ?3)",
              N_CUSTOMERS + 1, 0, "100% _cotton_ lover");
  for (int i = 1; i <= N_PRODUCTS; i++)
    exec_bound (store,
                "INSERT INTO products (id, external_id, title, price_cents) VALUES (?1, 'P' || ?1, ?3, ?2)",
                i, (i * 7307) % 100000, "Mug");
  for (int i = 1; i <= N_EVENTS; i++)
    exec_bound (store,
                "INSERT INTO events (customer_id, product_id, kind, at) VALUES (?1 % 2000 + 1, ?1 % 500 + 1, ?1 % 4, ?2)",
                i, 1290000000 + (gint64) ((i * 48271LL) % 2147483647LL) % 30000000, NULL);
  g_assert_true (sd_store_commit (store, &error));
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
raw_value (SdStore    *store,
           const char *sql,
           gint64      rowid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, rowid);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_positions_and_paging (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GArray) reference = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 worst_cpu = 0, worst_wall = 0;
  guint n;

  g_assert_no_error (error);
  sd_table_model_set_store (model, store);
  sd_table_model_set_table (model, SD_TABLE_EVENTS);
  wait_loaded (model);

  stmt = sd_store_prepare (store, "SELECT rowid FROM events ORDER BY rowid", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (reference, rowid);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, reference->len);
  g_assert_cmpuint (n, ==, N_EVENTS);

  /* Positions spread over the table, each in a page not read before. */
  for (guint k = 0; k < 40; k++)
    {
      guint pos = (guint) ((k * 2654435761u) % n);
      gint64 cpu = thread_cpu_us (), wall = g_get_monotonic_time ();
      g_autoptr(SdTableRow) row = g_list_model_get_item (G_LIST_MODEL (model), pos);

      worst_cpu = MAX (worst_cpu, thread_cpu_us () - cpu);
      worst_wall = MAX (worst_wall, g_get_monotonic_time () - wall);
      g_assert_nonnull (row);
      g_assert_cmpint (sd_table_row_get_rowid (row), ==, g_array_index (reference, gint64, pos));
      g_assert_cmpstr (sd_table_row_get_value (row, 0), !=, "");
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n));

  g_test_message ("reading a page of 256 events deep in %u rows: at most %.2f ms CPU, %.2f ms wall",
                  n, worst_cpu / 1000.0, worst_wall / 1000.0);
  g_print ("# one page of 256 rows: at most %.2f ms main-thread CPU (%.2f ms wall)\n",
           worst_cpu / 1000.0, worst_wall / 1000.0);
  /* Well under a frame: the page is read on the main thread while scrolling. */
  g_assert_cmpint (worst_cpu, <, 8000);
}

static void
check_sorted (SdTableModel *model,
              SdStore      *store,
              const char   *value_sql,
              gboolean      descending)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  gint64 previous = descending ? G_MAXINT64 : G_MININT64;

  for (guint i = 0; i < n; i += MAX (1, n / 5000))
    {
      g_autoptr(SdTableRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      gint64 value = raw_value (store, value_sql, sd_table_row_get_rowid (row));

      if (descending)
        g_assert_cmpint (value, <=, previous);
      else
        g_assert_cmpint (value, >=, previous);
      previous = value;
    }
}

static void
test_sorting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  int price = -1, when = -1;

  g_assert_no_error (error);
  sd_table_model_set_store (model, store);

  sd_table_model_set_table (model, SD_TABLE_PRODUCTS);
  for (guint c = 0; c < sd_table_get_n_columns (SD_TABLE_PRODUCTS); c++)
    if (sd_table_get_column_kind (SD_TABLE_PRODUCTS, c) == SD_COLUMN_MONEY)
      price = c;
  g_assert_cmpint (price, >=, 0);
  g_assert_true (sd_table_get_column_sortable (SD_TABLE_PRODUCTS, price));
  for (int desc = 0; desc <= 1; desc++)
    {
      sd_table_model_set_sort (model, price, desc);
      wait_loaded (model);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_PRODUCTS);
      check_sorted (model, store, "SELECT price_cents FROM products WHERE rowid = ?1", desc);
    }

  sd_table_model_set_table (model, SD_TABLE_EVENTS);
  for (guint c = 0; c < sd_table_get_n_columns (SD_TABLE_EVENTS); c++)
    if (sd_table_get_column_kind (SD_TABLE_EVENTS, c) == SD_COLUMN_TIME)
      when = c;
  g_assert_cmpint (when, >=, 0);
  for (int desc = 1; desc >= 0; desc--)
    {
      sd_table_model_set_sort (model, when, desc);
      wait_loaded (model);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_EVENTS);
      check_sorted (model, store, "SELECT at FROM events WHERE rowid = ?1", desc);
    }

  /* A column that is not sortable is refused: the natural order stays. */
  for (guint c = 0; c < sd_table_get_n_columns (SD_TABLE_EVENTS); c++)
    if (!sd_table_get_column_sortable (SD_TABLE_EVENTS, c))
      {
        sd_table_model_set_sort (model, c, TRUE);
        wait_loaded (model);
        check_sorted (model, store, "SELECT ?1", FALSE);
        break;
      }
}

static void
test_search (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  g_autoptr(SdTableRow) row = NULL;

  g_assert_no_error (error);
  sd_table_model_set_store (model, store);
  sd_table_model_set_table (model, SD_TABLE_CUSTOMERS);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_CUSTOMERS + 1);

  /* LIKE's wildcards typed by a person match only themselves. */
  sd_table_model_set_search (model, "0% _c");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (sd_table_row_get_value (row, 1), ==, "100% _cotton_ lover");

  sd_table_model_set_search (model, "_");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);

  /* Quotes and SQL in the search box are just text. */
  sd_table_model_set_search (model, "'); DROP TABLE customers; --");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  sd_table_model_set_search (model, "");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_CUSTOMERS + 1);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n)
{
  g_assert_cmpuint (position, ==, 0);
  *n = *n - removed + added;
}

static void
test_reload_and_switch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  guint tracked = 0;

  g_assert_no_error (error);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &tracked);
  sd_table_model_set_store (model, store);
  sd_table_model_set_table (model, SD_TABLE_PRODUCTS);
  wait_loaded (model);
  g_assert_cmpuint (tracked, ==, N_PRODUCTS);

  /* Another connection adds a row, as an import's worker would. */
  {
    g_autoptr(SdStore) writer = sd_store_open (shop_path, &error);
    g_assert_no_error (error);
    exec_bound (writer, "INSERT INTO products (id, external_id, title) VALUES (?1, 'P' || ?1, ?3)",
                N_PRODUCTS + 1, 0, "New mug");
  }
  sd_table_model_reload (model);
  wait_loaded (model);
  g_assert_cmpuint (tracked, ==, N_PRODUCTS + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, tracked);

  /* A gap in the rowids: the order becomes a list, and positions still map right. */
  {
    g_autoptr(SdStore) writer = sd_store_open (shop_path, &error);
    g_assert_no_error (error);
    exec_bound (writer, "DELETE FROM products WHERE id = ?1 OR id = ?2", 7, 300, NULL);
  }
  sd_table_model_reload (model);
  wait_loaded (model);
  g_assert_cmpuint (tracked, ==, N_PRODUCTS - 1);
  for (guint i = 0; i < tracked; i++)
    {
      g_autoptr(SdTableRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);
      gint64 expected = i + 1 + (i + 1 >= 7) + (i + 2 >= 300);
      g_assert_cmpint (sd_table_row_get_rowid (row), ==, expected);
    }

  sd_table_model_set_table (model, SD_TABLE_CUSTOMERS);
  g_assert_cmpuint (tracked, ==, 0);   /* emptied at once: no stale rows of the old table */
  wait_loaded (model);
  g_assert_cmpuint (tracked, ==, N_CUSTOMERS + 1);

  sd_table_model_set_store (model, NULL);
  g_assert_cmpuint (tracked, ==, 0);
  g_assert_false (sd_table_model_get_loading (model));
}

/* The value at @column of the row at @position. */
static const char *
value_at (SdTableModel *model,
          guint         position,
          guint         column)
{
  g_autoptr(SdTableRow) row = g_list_model_get_item (G_LIST_MODEL (model), position);
  static char *kept;

  g_assert_nonnull (row);
  g_free (kept);
  kept = g_strdup (sd_table_row_get_value (row, column));
  return kept;
}

/* Stored codes are shown as a person reads them (a segment "vip" as VIP, a status
 * "shipped" as Shipped, a time as a date, money in the order's currency); sorting goes by
 * what is stored, and a search finds what is stored as well as what is shown. */
static void
test_readable_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "values.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  g_autofree char *euros = sd_format_money (1250, "EUR");
  g_autofree char *pounds = sd_format_money (4000, "GBP");
  g_autofree char *placed = sd_format_time (1291191960);

  g_assert_no_error (error);
  g_assert_true (sd_store_set_setting (store, "shop.currency", "GBP", &error));
  g_assert_true (sd_store_exec (store,
      "INSERT INTO customers (id, external_id, country, segment) VALUES"
      " (1, 'A', 'Germany', 'vip'), (2, 'B', 'France', 'Wholesale'), (3, 'C', 'Spain', 'at-risk');"
      "INSERT INTO orders (id, external_id, customer_id, placed_at, status, total_cents, currency) VALUES"
      " (1, 'O1', 1, 1291191960, 'shipped', 1250, 'EUR'), (2, 'O2', 2, 1291191960, 'cancelled', 4000, NULL),"
      " (3, 'O3', 3, 1291191960, 'paid', 100, 'GBP')", &error));
  g_assert_no_error (error);
  sd_table_model_set_store (model, store);

  sd_table_model_set_table (model, SD_TABLE_CUSTOMERS);
  wait_loaded (model);
  g_assert_cmpstr (value_at (model, 0, 4), ==, "VIP");
  g_assert_cmpstr (value_at (model, 1, 4), ==, "Wholesale");   /* the shop's own name */
  g_assert_cmpstr (value_at (model, 2, 4), ==, "At risk");
  /* sorted by the stored segment, as SQLite compares it: Wholesale, at-risk, vip (by the
   * labels it would be At risk, VIP, Wholesale) */
  sd_table_model_set_sort (model, 4, FALSE);
  wait_loaded (model);
  g_assert_cmpstr (value_at (model, 0, 0), ==, "B");
  g_assert_cmpstr (value_at (model, 1, 0), ==, "C");
  g_assert_cmpstr (value_at (model, 2, 0), ==, "A");
  /* searched in what is stored */
  sd_table_model_set_search (model, "at-risk");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpstr (value_at (model, 0, 0), ==, "C");
  /* and in what is shown */
  sd_table_model_set_search (model, "At risk");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpstr (value_at (model, 0, 0), ==, "C");

  sd_table_model_set_table (model, SD_TABLE_ORDERS);
  wait_loaded (model);
  g_assert_cmpstr (value_at (model, 0, 3), ==, "Shipped");
  g_assert_cmpstr (value_at (model, 1, 3), ==, "Cancelled");
  g_assert_cmpstr (value_at (model, 0, 2), ==, placed);
  g_assert_cmpstr (value_at (model, 0, 4), ==, euros);       /* its own currency */
  g_assert_cmpstr (value_at (model, 1, 4), ==, pounds);      /* none: the shop's */
  g_assert_cmpstr (value_at (model, 0, 5), ==, "EUR");       /* a code people read as is */
  sd_table_model_set_sort (model, 3, TRUE);
  wait_loaded (model);
  g_assert_cmpstr (value_at (model, 0, 0), ==, "O1");        /* shipped, paid, cancelled */
  g_assert_cmpstr (value_at (model, 2, 0), ==, "O2");
  /* a date as the Placed column writes it */
  sd_table_model_set_search (model, placed);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  sd_table_model_set_search (model, "Dec 2011");
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  sd_table_model_set_store (model, NULL);
}

/* Under zh_CN the Data page shows 英国, 已发货 and 2010年12月1日: searching any of them finds
 * the rows, as their stored values still do. */
static void
test_search_shown_zh_cn (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "zh.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(SdTableModel) model = sd_table_model_new ();
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean iso_codes = g_file_test ("/usr/share/locale/zh_CN/LC_MESSAGES/iso_3166-1.mo", G_FILE_TEST_EXISTS);
  static const struct { SdTable table; const char *search; guint n; } cases[] = {
    { SD_TABLE_ORDERS, "已发货", 1 },        /* shipped */
    { SD_TABLE_ORDERS, "shipped", 1 },
    { SD_TABLE_ORDERS, "2010年12月1日", 2 },
    { SD_TABLE_ORDERS, "2010年12月", 2 },
    { SD_TABLE_ORDERS, "2010年12月1日 08:26", 1 },
    { SD_TABLE_CUSTOMERS, "United Kingdom", 1 },
    { SD_TABLE_CUSTOMERS, "普通", 1 },       /* regular */
    { SD_TABLE_EVENTS, "加入购物车", 1 },
  };

  g_assert_no_error (error);
  if (!use_build_zh_catalogue ())
    return;
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  g_assert_true (sd_store_exec (store,
      "INSERT INTO customers (id, external_id, country, segment) VALUES"
      " (1, 'A', 'United Kingdom', 'vip'), (2, 'B', 'Germany', 'regular');"
      "INSERT INTO products (id, external_id, title) VALUES (1, 'P1', 'Mug');"
      "INSERT INTO events (customer_id, product_id, kind, at) VALUES (1, 1, 1, 1291191960), (2, 1, 0, 1291191960);"
      "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES"
      " (1, 'O1', 1, 1291191960, 'shipped'), (2, 'O2', 2, 1291210000, 'paid')", &error));
  g_assert_no_error (error);
  sd_table_model_set_store (model, store);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      sd_table_model_set_table (model, cases[i].table);
      wait_loaded (model);
      sd_table_model_set_search (model, cases[i].search);
      wait_loaded (model);
      g_test_message ("%s: %u rows", cases[i].search, g_list_model_get_n_items (G_LIST_MODEL (model)));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, cases[i].n);
    }
  /* the country as iso-codes names it in Chinese, where it is installed */
  if (iso_codes)
    {
      sd_table_model_set_table (model, SD_TABLE_CUSTOMERS);
      wait_loaded (model);
      sd_table_model_set_search (model, "英国");
      wait_loaded (model);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
      g_assert_cmpstr (value_at (model, 0, 3), ==, "英国");
    }
  sd_table_model_set_store (model, NULL);
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("shopdesk-table-model-XXXXXX", &error);
  g_assert_no_error (error);
  shop_path = g_build_filename (tmp_dir, "shop.sqlite", NULL);
  fill_shop ();

  g_test_add_func ("/table-model/positions-and-paging", test_positions_and_paging);
  g_test_add_func ("/table-model/sorting", test_sorting);
  g_test_add_func ("/table-model/search", test_search);
  g_test_add_func ("/table-model/reload-and-switch", test_reload_and_switch);
  g_test_add_func ("/table-model/readable-values", test_readable_values);
  g_test_add_func ("/table-model/search-shown-zh-cn", test_search_shown_zh_cn);
  status = g_test_run ();

  for (const char *suffix = ""; suffix; suffix = g_str_equal (suffix, "") ? "-wal"
                                               : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (shop_path, suffix, NULL);
      g_remove (file);
    }
  g_rmdir (tmp_dir);
  g_free (shop_path);
  g_free (tmp_dir);
  return status;
}
