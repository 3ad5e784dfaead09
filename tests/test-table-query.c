/* test-table-query.c — the Data page's whitelist and its two questions
 *
 * A small shop written by the test (every value below is known from the inserts): the
 * row order for each way of sorting and searching, the dense range and the rowid list,
 * literal search, product titles in the chosen language, rows by rowid with their typed
 * values, cancellation, and asking from a worker on its own connection.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-product-text.h"
#include "sd-table-query.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static void
exec (SdStore    *store,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sd_product_text_set_setting ("en");
  f->dir = g_dir_make_tmp ("sd-table-query-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);

  exec (f->store,
        "INSERT INTO customers (id, external_id, name, email, country, segment, created_at) VALUES"
        " (1, 'c1', 'Ann Lee', 'ann@example.com', 'DE', 'vip', 1672876800),"
        " (2, 'c2', 'Bob Ray', 'bob@example.com', 'US', NULL, 1676016000),"
        " (3, 'c3', '100% _cotton_ fan', NULL, 'FR', 'new', 1677000000);"
        "INSERT INTO products (id, external_id, title, category, tags, price_cents, stock) VALUES"
        " (1, 'p1', 'Linen Shirt', 'Shirts', 'summer, linen', 3990, 12),"
        " (2, 'p2', 'Canvas Tote', 'Bags', NULL, 1500, 3);"
        "INSERT INTO product_texts (product_id, lang, title) VALUES (2, 'zh_CN', '帆布包');"
        "INSERT INTO orders (id, external_id, customer_id, placed_at, status, total_cents, currency, country)"
        " VALUES (1, 'o1', 1, 1677664800, 'paid', 9480, 'EUR', 'DE'),"
        " (2, 'o2', NULL, 1677758400, 'shipped', 3990, 'EUR', 'FR');"
        "INSERT INTO order_lines (id, order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
        " (1, 1, 1, 1, 2, 3990), (2, 1, 2, 2, 1, 1500), (3, 2, 1, 1, 1, 3990);"
        "INSERT INTO events (id, customer_id, product_id, kind, at, quantity, rating, review_text) VALUES"
        " (1, 1, 1, 0, 1677664800, 1, NULL, NULL),"
        " (2, 1, 1, 1, 1677664900, 1, NULL, NULL),"
        " (3, 2, 2, 3, 1677999600, 1, 4, 'Sturdy, roomy.');");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  sd_product_text_set_setting ("en");
  g_assert_finalize_object (f->store);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* How this test's "page" shows stored values: its own names, not the app's. */
static char *
test_show (SdColumnKind        kind,
           const SdTableValue *value,
           gpointer            user_data)
{
  static const char *const names[][2] = {
    { "DE", "德国" }, { "FR", "法国" }, { "US", "美国" }, { "paid", "Paid" }, { "shipped", "已发货" },
    { "vip", "VIP客户" }, { "new", "新客户" }, { "merchandise", "商品" },
  };
  static const char *const events[] = { "View", "Added to cart", "Purchase", "Review" };

  switch (kind)
    {
    case SD_COLUMN_TIME:
      {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (value->number);
        /* no month names: the same under every locale the suite runs in */
        return g_date_time_format (dt, "%-d/%m/%Y %H:%M");
      }
    case SD_COLUMN_EVENT_KIND:
      return g_strdup (value->number >= 0 && value->number < 4 ? events[value->number] : "");
    default:
      for (guint i = 0; value->text && i < G_N_ELEMENTS (names); i++)
        if (strcmp (value->text, names[i][0]) == 0)
          return g_strdup (names[i][1]);
      return g_strdup (value->text);
    }
}

/* The order, matching what @show shows too when it is given. */
static SdTableOrder *
order_shown_by (SdStore         *store,
                SdTable          table,
                int              sort_column,
                gboolean         descending,
                const char      *search,
                SdTableShowFunc  show)
{
  g_autoptr(GError) error = NULL;
  SdTableOrder *order = show
    ? sd_table_query_order_shown (store, table, sort_column, descending, search, show, NULL, NULL, &error)
    : sd_table_query_order (store, table, sort_column, descending, search, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

#define order_of(store, table, sort_column, descending, search) \
  order_shown_by ((store), (table), (sort_column), (descending), (search), NULL)
#define shown_order_of(store, table, sort_column, descending, search) \
  order_shown_by ((store), (table), (sort_column), (descending), (search), test_show)

/* The order as a list of rowids, whichever form it takes. */
static void
assert_list (SdTableOrder *order,
             const gint64 *rowids,
             guint         n)
{
  g_assert_nonnull (order->rowids);
  g_assert_cmpuint (order->n, ==, n);
  g_assert_cmpuint (order->rowids->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (order->rowids, gint64, i), ==, rowids[i]);
      g_assert_cmpint (sd_table_order_get (order, i), ==, rowids[i]);
    }
}

static void
assert_range (SdTableOrder *order,
              gint64        first,
              guint         n)
{
  g_assert_null (order->rowids);
  g_assert_cmpint (order->first, ==, first);
  g_assert_cmpuint (order->n, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (sd_table_order_get (order, i), ==, first + i);
}

#define ASSERT_ORDER(order, ...) G_STMT_START {                 \
    static const gint64 expected_[] = { __VA_ARGS__ };          \
    assert_list ((order), expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

static void
test_whitelist (void)
{
  static const struct {
    SdTable     table;
    const char *name;
    const char *title;
    guint       n_columns;
  } tables[] = {
    { SD_TABLE_CUSTOMERS, "customers", "Customers", 6 },
    { SD_TABLE_PRODUCTS, "products", "Products", 7 },
    { SD_TABLE_ORDERS, "orders", "Orders", 7 },
    { SD_TABLE_ORDER_LINES, "order_lines", "Order lines", 6 },
    { SD_TABLE_EVENTS, "events", "Events", 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_assert_cmpstr (sd_table_get_name (tables[i].table), ==, tables[i].name);
      g_assert_cmpstr (sd_table_get_title (tables[i].table), ==, tables[i].title);
      g_assert_cmpuint (sd_table_get_n_columns (tables[i].table), ==, tables[i].n_columns);
    }

  g_assert_cmpstr (sd_table_get_column_title (SD_TABLE_CUSTOMERS, 1), ==, "Name");
  g_assert_cmpint (sd_table_get_column_kind (SD_TABLE_CUSTOMERS, 5), ==, SD_COLUMN_TIME);
  g_assert_true (sd_table_get_column_sortable (SD_TABLE_CUSTOMERS, 5));
  g_assert_true (sd_table_get_column_searchable (SD_TABLE_CUSTOMERS, 5));   /* as shown only */
  g_assert_true (sd_table_get_column_expands (SD_TABLE_CUSTOMERS, 1));

  g_assert_cmpstr (sd_table_get_column_title (SD_TABLE_PRODUCTS, 4), ==, "Price");
  g_assert_cmpint (sd_table_get_column_kind (SD_TABLE_PRODUCTS, 4), ==, SD_COLUMN_MONEY);
  g_assert_false (sd_table_get_column_sortable (SD_TABLE_PRODUCTS, 3));   /* tags */
  g_assert_true (sd_table_get_column_searchable (SD_TABLE_PRODUCTS, 3));

  /* Joined columns are searched but never sorted: the order query has no joins. */
  g_assert_cmpstr (sd_table_get_column_title (SD_TABLE_ORDERS, 1), ==, "Customer");
  g_assert_false (sd_table_get_column_sortable (SD_TABLE_ORDERS, 1));
  g_assert_true (sd_table_get_column_searchable (SD_TABLE_ORDERS, 1));
  g_assert_cmpint (sd_table_get_column_kind (SD_TABLE_ORDER_LINES, 5), ==, SD_COLUMN_MONEY);
  g_assert_cmpint (sd_table_get_column_kind (SD_TABLE_EVENTS, 1), ==, SD_COLUMN_EVENT_KIND);
  g_assert_cmpint (sd_table_get_column_kind (SD_TABLE_EVENTS, 5), ==, SD_COLUMN_RATING);
  g_assert_cmpstr (sd_table_get_column_title (SD_TABLE_EVENTS, 6), ==, "Review");
}

static void
test_natural_order (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SdTableOrder) customers = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, NULL);
  g_autoptr(SdTableOrder) lines = order_of (f->store, SD_TABLE_ORDER_LINES, -1, TRUE, "");
  g_autoptr(SdTableOrder) no_sort = order_of (f->store, SD_TABLE_PRODUCTS, 3, TRUE, NULL);
  g_autoptr(SdTableOrder) out_of_range = order_of (f->store, SD_TABLE_PRODUCTS, 99, FALSE, NULL);
  g_autoptr(SdTableOrder) from_two = NULL;
  g_autoptr(SdTableOrder) gap = NULL;
  g_autoptr(SdTableOrder) empty = NULL;

  /* No gaps: just the range. Descending without a column, "" and a column that does not
   * sort (or does not exist) all mean the natural order. */
  assert_range (customers, 1, 3);
  assert_range (lines, 1, 3);
  assert_range (no_sort, 1, 2);
  assert_range (out_of_range, 1, 2);

  exec (f->store, "DELETE FROM events WHERE id = 1");
  from_two = order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, NULL);
  assert_range (from_two, 2, 2);

  exec (f->store, "DELETE FROM order_lines WHERE id = 2");
  gap = order_of (f->store, SD_TABLE_ORDER_LINES, -1, FALSE, NULL);
  ASSERT_ORDER (gap, 1, 3);

  exec (f->store, "DELETE FROM events");
  empty = order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, NULL);
  assert_range (empty, 0, 0);
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SdTableOrder) by_name = order_of (f->store, SD_TABLE_CUSTOMERS, 1, FALSE, NULL);
  g_autoptr(SdTableOrder) by_name_desc = order_of (f->store, SD_TABLE_CUSTOMERS, 1, TRUE, NULL);
  g_autoptr(SdTableOrder) by_segment = order_of (f->store, SD_TABLE_CUSTOMERS, 4, FALSE, NULL);
  g_autoptr(SdTableOrder) by_since_desc = order_of (f->store, SD_TABLE_CUSTOMERS, 5, TRUE, NULL);
  g_autoptr(SdTableOrder) by_amount = order_of (f->store, SD_TABLE_ORDER_LINES, 5, FALSE, NULL);
  g_autoptr(SdTableOrder) by_amount_desc = order_of (f->store, SD_TABLE_ORDER_LINES, 5, TRUE, NULL);
  g_autoptr(SdTableOrder) ties = order_of (f->store, SD_TABLE_EVENTS, 4, FALSE, NULL);
  g_autoptr(SdTableOrder) ties_desc = order_of (f->store, SD_TABLE_EVENTS, 4, TRUE, NULL);
  g_autoptr(SdTableOrder) by_price = order_of (f->store, SD_TABLE_PRODUCTS, 4, FALSE, NULL);
  g_autoptr(SdTableOrder) by_rating_desc = order_of (f->store, SD_TABLE_EVENTS, 5, TRUE, NULL);

  ASSERT_ORDER (by_name, 3, 1, 2);           /* "100% …", "Ann Lee", "Bob Ray" */
  ASSERT_ORDER (by_name_desc, 2, 1, 3);
  ASSERT_ORDER (by_segment, 2, 3, 1);        /* NULL, "new", "vip" */
  ASSERT_ORDER (by_since_desc, 3, 2, 1);
  ASSERT_ORDER (by_amount, 2, 3, 1);         /* 1500, 3990, 7980 */
  ASSERT_ORDER (by_amount_desc, 1, 3, 2);
  ASSERT_ORDER (ties, 1, 2, 3);              /* all quantity 1: by rowid, same direction */
  ASSERT_ORDER (ties_desc, 3, 2, 1);
  ASSERT_ORDER (by_price, 2, 1);
  ASSERT_ORDER (by_rating_desc, 3, 2, 1);    /* 4, then the NULLs by rowid descending */
}

/* Titles sort and are searched in the chosen language, falling back to the shop's own. */
static void
test_product_language (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SdTableOrder) en = order_of (f->store, SD_TABLE_PRODUCTS, 1, FALSE, NULL);
  g_autoptr(SdTableOrder) en_search = order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, "帆布");
  g_autoptr(SdTableOrder) zh = NULL;
  g_autoptr(SdTableOrder) zh_search = NULL;
  g_autoptr(SdTableOrder) zh_fallback = NULL;
  static const gint64 rowids[] = { 2 };
  g_autoptr(GPtrArray) en_row = NULL;
  g_autoptr(GPtrArray) zh_row = NULL;
  g_autoptr(GError) error = NULL;

  ASSERT_ORDER (en, 2, 1);                   /* "Canvas Tote", "Linen Shirt" */
  g_assert_cmpuint (en_search->n, ==, 0);
  en_row = sd_table_query_rows (f->store, SD_TABLE_PRODUCTS, rowids, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SdTableRecord *) g_ptr_array_index (en_row, 0))->values[1].text, ==, "Canvas Tote");

  sd_product_text_set_setting ("zh_CN");
  zh = order_of (f->store, SD_TABLE_PRODUCTS, 1, FALSE, NULL);
  ASSERT_ORDER (zh, 1, 2);                   /* "Linen Shirt" (no translation), "帆布包" */
  zh_search = order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, "帆布");
  ASSERT_ORDER (zh_search, 3);
  zh_fallback = order_of (f->store, SD_TABLE_ORDER_LINES, -1, FALSE, "linen shirt");
  ASSERT_ORDER (zh_fallback, 1, 3);
  zh_row = sd_table_query_rows (f->store, SD_TABLE_PRODUCTS, rowids, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((SdTableRecord *) g_ptr_array_index (zh_row, 0))->values[1].text, ==, "帆布包");
}

/* A search matches what the page shows as well as what is stored: a country's name in the
 * user's language, a status or kind as people read it (case-folded, beyond ASCII), a date
 * as written (a day, a month, a day and a time); what is stored still matches, and a time's
 * stored number does not. */
static void
test_search_shown (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SdTableOrder) german = shown_order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "德国");
  g_autoptr(SdTableOrder) stored = shown_order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "DE");
  g_autoptr(SdTableOrder) vip = shown_order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "vip客");
  g_autoptr(SdTableOrder) year = shown_order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "2023");
  g_autoptr(SdTableOrder) seconds = shown_order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "1672876800");
  g_autoptr(SdTableOrder) shipped = shown_order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "已发货");
  g_autoptr(SdTableOrder) day = shown_order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "1/03/2023");
  g_autoptr(SdTableOrder) month = shown_order_of (f->store, SD_TABLE_ORDERS, 4, TRUE, "03/2023");
  g_autoptr(SdTableOrder) minute = shown_order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "1/03/2023 10:0");
  g_autoptr(SdTableOrder) wrong_hour = shown_order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "1/03/2023 11");
  g_autoptr(SdTableOrder) cart = shown_order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, "ADDED TO");
  g_autoptr(SdTableOrder) kind = shown_order_of (f->store, SD_TABLE_PRODUCTS, -1, FALSE, "商品");
  g_autoptr(SdTableOrder) nothing = shown_order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "12/1999");
  g_autoptr(SdTableOrder) plain = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "德国");

  ASSERT_ORDER (german, 1);
  ASSERT_ORDER (stored, 1);               /* the stored code still matches */
  ASSERT_ORDER (vip, 1);
  ASSERT_ORDER (year, 1, 2, 3);           /* Since: 5/01, 10/02, 21/02/2023 */
  g_assert_cmpuint (seconds->n, ==, 0);   /* no one reads a time as its seconds */
  ASSERT_ORDER (shipped, 2);
  ASSERT_ORDER (day, 1);                  /* o1 on 1/03/2023 10:00, o2 on 2/03 */
  ASSERT_ORDER (month, 1, 2);             /* both, by total, highest first */
  ASSERT_ORDER (minute, 1);
  g_assert_cmpuint (wrong_hour->n, ==, 0);
  ASSERT_ORDER (cart, 2);                 /* event 2 is kind 1 */
  ASSERT_ORDER (kind, 1, 2);              /* no kind stored: merchandise */
  g_assert_cmpuint (nothing->n, ==, 0);
  g_assert_cmpuint (plain->n, ==, 0);     /* without the page's names, only what is stored */
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdTableOrder) ann = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "ann");
  g_autoptr(SdTableOrder) upper = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "ANN");
  g_autoptr(SdTableOrder) percent = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "%");
  g_autoptr(SdTableOrder) underscore = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "_");
  g_autoptr(SdTableOrder) backslash = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "\\");
  g_autoptr(SdTableOrder) quote = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "'); DROP TABLE customers; --");
  g_autoptr(SdTableOrder) domain = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "example.com");
  g_autoptr(SdTableOrder) domain_desc = order_of (f->store, SD_TABLE_CUSTOMERS, 1, TRUE, "example.com");
  g_autoptr(SdTableOrder) not_searched = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, "1672876800");
  g_autoptr(SdTableOrder) joined = order_of (f->store, SD_TABLE_ORDERS, -1, FALSE, "c1");
  g_autoptr(SdTableOrder) country = order_of (f->store, SD_TABLE_ORDERS, 4, FALSE, "e");
  g_autoptr(SdTableOrder) order_id = order_of (f->store, SD_TABLE_ORDER_LINES, 3, FALSE, "o1");
  g_autoptr(SdTableOrder) review = order_of (f->store, SD_TABLE_EVENTS, -1, FALSE, "ROOMY");
  g_autoptr(SdTableOrder) tags = order_of (f->store, SD_TABLE_PRODUCTS, -1, FALSE, "summer");
  g_autoptr(SdTableOrder) after = NULL;

  ASSERT_ORDER (ann, 1);                     /* name and e-mail */
  ASSERT_ORDER (upper, 1);
  ASSERT_ORDER (percent, 3);                 /* literal, not a wildcard */
  ASSERT_ORDER (underscore, 3);
  g_assert_nonnull (backslash->rowids);
  g_assert_cmpuint (backslash->n, ==, 0);
  g_assert_nonnull (quote->rowids);
  g_assert_cmpuint (quote->n, ==, 0);
  ASSERT_ORDER (domain, 1, 2);
  ASSERT_ORDER (domain_desc, 2, 1);          /* searched and sorted */
  g_assert_cmpuint (not_searched->n, ==, 0); /* "Since" is searched only as a date */
  ASSERT_ORDER (joined, 1);                  /* the customer's external id, through the join */
  ASSERT_ORDER (country, 2, 1);              /* o1 by its country "DE", o2 by "shipped"; by total */
  ASSERT_ORDER (order_id, 2, 1);             /* o1's lines by quantity: 1, then 2 */
  ASSERT_ORDER (review, 3);
  ASSERT_ORDER (tags, 1);

  /* The text was only ever a bound value. */
  after = order_of (f->store, SD_TABLE_CUSTOMERS, -1, FALSE, NULL);
  assert_range (after, 1, 3);
}

static const SdTableValue *
value_of (GPtrArray *records,
          guint      row,
          guint      column)
{
  SdTableRecord *record = g_ptr_array_index (records, row);

  g_assert_cmpuint (column, <, record->n_values);
  return &record->values[column];
}

static void
assert_text (GPtrArray  *records,
             guint       row,
             guint       column,
             const char *text)
{
  const SdTableValue *value = value_of (records, row, column);

  if (text == NULL)
    {
      g_assert_true (value->is_null);
      g_assert_null (value->text);
    }
  else
    {
      g_assert_false (value->is_null);
      g_assert_cmpstr (value->text, ==, text);
    }
}

static void
assert_number (GPtrArray *records,
               guint      row,
               guint      column,
               gint64     number)
{
  const SdTableValue *value = value_of (records, row, column);

  g_assert_false (value->is_null);
  g_assert_null (value->text);
  g_assert_cmpint (value->number, ==, number);
}

static void
assert_null (GPtrArray *records,
             guint      row,
             guint      column)
{
  g_assert_true (value_of (records, row, column)->is_null);
}

static GPtrArray *
rows_of (SdStore      *store,
         SdTable       table,
         const gint64 *rowids,
         guint         n)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = sd_table_query_rows (store, table, rowids, n, &error);

  g_assert_no_error (error);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      SdTableRecord *record = g_ptr_array_index (records, i);
      g_assert_cmpint (record->rowid, ==, rowids[i]);
      g_assert_cmpuint (record->n_values, ==, sd_table_get_n_columns (table));
    }
  return records;
}

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  static const gint64 customer_ids[] = { 3, 1, 99 };
  static const gint64 product_ids[] = { 1, 2 };
  static const gint64 order_ids[] = { 2, 1 };
  static const gint64 line_ids[] = { 1, 2 };
  static const gint64 event_ids[] = { 3, 1 };
  g_autoptr(GPtrArray) customers = rows_of (f->store, SD_TABLE_CUSTOMERS, customer_ids, 3);
  g_autoptr(GPtrArray) products = rows_of (f->store, SD_TABLE_PRODUCTS, product_ids, 2);
  g_autoptr(GPtrArray) orders = rows_of (f->store, SD_TABLE_ORDERS, order_ids, 2);
  g_autoptr(GPtrArray) lines = rows_of (f->store, SD_TABLE_ORDER_LINES, line_ids, 2);
  g_autoptr(GPtrArray) events = rows_of (f->store, SD_TABLE_EVENTS, event_ids, 2);
  g_autoptr(GPtrArray) none = rows_of (f->store, SD_TABLE_EVENTS, NULL, 0);

  /* In the order asked; a rowid that is gone comes back not found, every value NULL. */
  g_assert_true (((SdTableRecord *) g_ptr_array_index (customers, 0))->found);
  assert_text (customers, 0, 0, "c3");
  assert_text (customers, 0, 1, "100% _cotton_ fan");
  assert_text (customers, 0, 2, NULL);
  assert_text (customers, 0, 3, "FR");
  assert_text (customers, 0, 4, "new");
  assert_number (customers, 0, 5, 1677000000);
  assert_text (customers, 1, 0, "c1");
  assert_text (customers, 1, 1, "Ann Lee");
  assert_text (customers, 1, 2, "ann@example.com");
  assert_text (customers, 1, 3, "DE");
  assert_text (customers, 1, 4, "vip");
  assert_number (customers, 1, 5, 1672876800);
  g_assert_false (((SdTableRecord *) g_ptr_array_index (customers, 2))->found);
  for (guint c = 0; c < 6; c++)
    assert_text (customers, 2, c, NULL);

  assert_text (products, 0, 0, "p1");
  assert_text (products, 0, 1, "Linen Shirt");
  assert_text (products, 0, 2, "Shirts");
  assert_text (products, 0, 3, "summer, linen");
  assert_number (products, 0, 4, 3990);
  assert_number (products, 0, 5, 12);
  assert_text (products, 1, 0, "p2");
  assert_text (products, 1, 1, "Canvas Tote");
  assert_text (products, 1, 3, NULL);
  assert_number (products, 1, 4, 1500);
  assert_number (products, 1, 5, 3);

  assert_text (orders, 0, 0, "o2");
  assert_text (orders, 0, 1, NULL);          /* a guest order */
  assert_number (orders, 0, 2, 1677758400);
  assert_text (orders, 0, 3, "shipped");
  assert_number (orders, 0, 4, 3990);
  assert_text (orders, 0, 5, "EUR");
  assert_text (orders, 0, 6, "FR");
  assert_text (orders, 1, 0, "o1");
  assert_text (orders, 1, 1, "c1");
  assert_number (orders, 1, 4, 9480);

  assert_text (lines, 0, 0, "o1");
  assert_number (lines, 0, 1, 1);
  assert_text (lines, 0, 2, "Linen Shirt");
  assert_number (lines, 0, 3, 2);
  assert_number (lines, 0, 4, 3990);
  assert_number (lines, 0, 5, 7980);         /* quantity × unit price */
  assert_text (lines, 1, 0, "o1");
  assert_number (lines, 1, 1, 2);
  assert_text (lines, 1, 2, "Canvas Tote");
  assert_number (lines, 1, 5, 1500);

  assert_number (events, 0, 0, 1677999600);
  assert_number (events, 0, 1, 3);           /* SD_EVENT_REVIEW */
  assert_text (events, 0, 2, "c2");
  assert_text (events, 0, 3, "Canvas Tote");
  assert_number (events, 0, 4, 1);
  assert_number (events, 0, 5, 4);
  assert_text (events, 0, 6, "Sturdy, roomy.");
  assert_number (events, 1, 1, 0);           /* SD_EVENT_VIEW */
  assert_null (events, 1, 5);
  assert_text (events, 1, 6, NULL);

  g_assert_cmpuint (none->len, ==, 0);
}

/* Cancellation is looked at every 65,536 rows, so the table needs more than that. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTableOrder) cancelled = NULL;
  g_autoptr(SdTableOrder) all = NULL;

  exec (f->store,
        "WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 70003)"
        " INSERT INTO customers (id, external_id, name) SELECT i, 'x' || i, 'Name ' || (i % 977) FROM n");
  g_cancellable_cancel (cancellable);
  cancelled = sd_table_query_order (f->store, SD_TABLE_CUSTOMERS, 1, FALSE, NULL, cancellable, &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  all = order_of (f->store, SD_TABLE_CUSTOMERS, 1, FALSE, NULL);
  g_assert_cmpuint (all->n, ==, 70003);
  g_assert_cmpint (sd_table_order_get (all, 0), ==, 3);   /* "100% _cotton_ fan" sorts first */
}

typedef struct {
  const char   *path;
  SdTableOrder *order;
} WorkerData;

static gpointer
worker_thread (gpointer user_data)
{
  WorkerData *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (w->path, &error);

  g_assert_no_error (error);
  w->order = sd_table_query_order (store, SD_TABLE_CUSTOMERS, 1, TRUE, "example", NULL, &error);
  g_assert_no_error (error);
  return NULL;
}

static void
test_in_worker (Fixture       *f,
                gconstpointer  data)
{
  WorkerData w = { f->path, NULL };
  g_autoptr(SdTableOrder) order = NULL;

  g_thread_join (g_thread_new ("table-query", worker_thread, &w));
  order = w.order;
  ASSERT_ORDER (order, 2, 1);
}

static guint64
filled_columns (SdStore *store,
                SdTable  table)
{
  g_autoptr(GError) error = NULL;
  guint64 filled = 0;

  g_assert_true (sd_table_query_filled_columns (store, table, &filled, NULL, &error));
  g_assert_no_error (error);
  return filled;
}

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

/* Which columns hold a value somewhere: the Data page hides the rest. */
static void
test_filled_columns (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint64 filled = 0;

  /* Every column has a value in some row: one NULL e-mail or segment hides nothing. */
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_CUSTOMERS), ==, 0x3f);
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_PRODUCTS), ==, 0x7f);
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_EVENTS), ==, 0x7f);

  /* An export without names, e-mails, segments or sign-up dates (Online Retail): empty
   * text is no value either. */
  exec (f->store, "UPDATE customers SET name = '', email = NULL, segment = NULL, created_at = NULL");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_CUSTOMERS), ==, BIT (0) | BIT (3));
  /* Data arrives: the column has a value again. */
  exec (f->store, "UPDATE customers SET segment = 'vip' WHERE id = 3");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_CUSTOMERS), ==, BIT (0) | BIT (3) | BIT (4));

  /* Stock 0 everywhere is an export without stock levels; one product in stock shows it. */
  exec (f->store, "UPDATE products SET stock = 0, tags = ''");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_PRODUCTS), ==, 0x7f & ~(BIT (3) | BIT (5)));
  exec (f->store, "UPDATE products SET stock = 1 WHERE id = 2");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_PRODUCTS), ==, 0x7f & ~BIT (3));

  /* Purchases only: no rating, no review; quantities are values, 0 included. */
  exec (f->store, "UPDATE events SET rating = NULL, review_text = NULL, quantity = 0");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_EVENTS), ==, 0x1f);
  /* A joined column: orders without a customer. */
  exec (f->store, "UPDATE orders SET customer_id = NULL");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_ORDERS), ==, 0x7f & ~BIT (1));
  /* An empty table has no value anywhere. */
  exec (f->store, "DELETE FROM order_lines");
  g_assert_cmphex (filled_columns (f->store, SD_TABLE_ORDER_LINES), ==, 0);

  g_cancellable_cancel (cancellable);
  g_assert_false (sd_table_query_filled_columns (f->store, SD_TABLE_CUSTOMERS, &filled, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  g_test_add_func ("/table-query/whitelist", test_whitelist);
  ADD ("/table-query/natural-order", test_natural_order);
  ADD ("/table-query/sort", test_sort);
  ADD ("/table-query/product-language", test_product_language);
  ADD ("/table-query/search", test_search);
  ADD ("/table-query/search-shown", test_search_shown);
  ADD ("/table-query/rows", test_rows);
  ADD ("/table-query/cancel", test_cancel);
  ADD ("/table-query/filled-columns", test_filled_columns);
  ADD ("/table-query/in-worker", test_in_worker);
#undef ADD

  return g_test_run ();
}
