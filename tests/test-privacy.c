/* test-privacy.c — a customer's rights: the export holds everything the shop has about
 * them, and after forgetting them no byte of their identity is left in the shop file or
 * its WAL, a re-import does not bring them back, and stored models lose their rows */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-customer-privacy.h"
#include "sd-demo.h"
#include "sd-dp-report.h"
#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-import.h"
#include "sd-interactions.h"
#include "sd-json.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-recommender.h"
#include "sd-store.h"
#include "sd-sync.h"
#include "temp-folder.h"

/* Identities distinctive enough that a hit in the raw file can only be them. */
#define ZED_ID    "cust-7741-zed"
#define ZED_NAME  "Zebulon Quayle"
#define ZED_EMAIL "zebulon.quayle@example.org"
#define AMY_ID    "cust-1002-amy"
#define AMY_NAME  "Amy Fairweather"

typedef struct {
  char    *dir;
  char    *path;
  char    *csv[4];
  SdStore *store;
} Shop;

static const char *const csv_names[] = { "customers.csv", "products.csv", "orders.csv", "events.csv" };
static const SdImportFormat csv_formats[] = { SD_IMPORT_CUSTOMERS, SD_IMPORT_PRODUCTS, SD_IMPORT_ORDERS, SD_IMPORT_EVENTS };
static const char *const csv_texts[] = {
  "customer_id,name,email,country,segment,created_at\n"
  ZED_ID "," ZED_NAME "," ZED_EMAIL ",NZ,vip,2023-01-05\n"
  AMY_ID "," AMY_NAME ",amy.fairweather@example.org,IE,,2023-02-10\n"
  "cust-2003-bo,Bo Tran,bo.tran@example.org,VN,,2023-02-11\n",
  "product_id,title,category,price\n"
  "p1,Linen Shirt,Shirts,39.90\np2,Canvas Tote,Bags,15.00\np3,Wool Scarf,Shirts,25.00\n",
  "order_id,customer_id,placed_at,status,currency,country,product_id,quantity,unit_price\n"
  "o1," ZED_ID ",2023-03-01 10:00:00,paid,EUR,NZ,p1,2,39.90\n"
  "o1," ZED_ID ",2023-03-01 10:00:00,paid,EUR,NZ,p2,1,15.00\n"
  "o2," AMY_ID ",2023-03-02 12:00:00,shipped,EUR,IE,p1,1,39.90\n"
  "o3,cust-2003-bo,2023-03-03 12:00:00,paid,EUR,VN,p3,1,25.00\n",
  "customer_id,product_id,kind,at,quantity,rating,review_text\n"
  ZED_ID ",p3,view,1677664800,,,\n"
  ZED_ID ",p2,review,1677665000,,5,Zebulon Quayle loves this tote\n"
  AMY_ID ",p2,view,1677664900,,,\n"
  "cust-2003-bo,p1,view,1677665100,,,\n",
};

static void
import_all (Shop *shop, guint64 *forgotten_skipped)
{
  if (forgotten_skipped)
    *forgotten_skipped = 0;
  for (guint i = 0; i < G_N_ELEMENTS (csv_names); i++)
    {
      g_autoptr(GError) error = NULL;
      SdImportOptions options = { csv_formats[i], FALSE };
      g_autoptr(SdImportReport) report = sd_import_file (shop->store, shop->csv[i], &options, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      if (forgotten_skipped)
        *forgotten_skipped += sd_import_report_get_count (report, "forgotten-customers-skipped");
    }
}

static gint64
count (SdStore *store, const char *sql, gint64 id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
customer_id (SdStore *store, const char *external_id)
{
  g_autoptr(GError) error = NULL;
  gint64 id = sd_store_find_customer (store, external_id, &error);

  g_assert_no_error (error);
  return id;
}

static void
train_and_store (SdStore *store, const char *name, const char *param, const char *value)
{
  g_autoptr(GError) error = NULL;
  SdInteractionWeights weights;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new (name, &error);

  g_assert_no_error (error);
  sd_interactions_weights_default (&weights);
  train = sd_interactions_from_store (store, &weights, NULL, &error);
  g_assert_no_error (error);
  if (param)
    g_assert_true (sd_recommender_set_param (model, param, value, &error));
  g_assert_true (sd_recommender_fit (model, train, &(SdFitContext) { 0 }, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_model_store_save (store, model, 0, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
shop_open (Shop *shop)
{
  g_autoptr(GError) error = NULL;
  gint64 zed;

  shop->dir = g_dir_make_tmp ("sd-privacy-XXXXXX", &error);
  g_assert_no_error (error);
  shop->path = g_build_filename (shop->dir, "shop.sqlite", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (csv_names); i++)
    {
      shop->csv[i] = g_build_filename (shop->dir, csv_names[i], NULL);
      g_assert_true (g_file_set_contents (shop->csv[i], csv_texts[i], -1, &error));
    }
  shop->store = sd_store_open (shop->path, &error);
  g_assert_no_error (error);
  import_all (shop, NULL);

  train_and_store (shop->store, "als", "factors", "4");
  train_and_store (shop->store, "userknn", NULL, NULL);
  train_and_store (shop->store, "popularity", NULL, NULL);

  /* what people and other parts leave about a customer */
  zed = customer_id (shop->store, ZED_ID);
  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (shop->store,
      "INSERT INTO chat_tests (name, customer_id, lang, transcript, created_at) VALUES"
      " ('order status', ?1, 'en', '[{\"user\": \"where is my order\", \"bot\": \"Hi " ZED_NAME ", it is on its way\"}]', 1),"
      " ('asked by email', NULL, 'en', '[{\"user\": \"I am " ZED_EMAIL "\", \"bot\": \"Thanks\"}]', 2),"
      " ('someone else', NULL, 'en', '[{\"user\": \"hello\", \"bot\": \"Hi " AMY_NAME "\"}]', 3);"
      , NULL);
    g_assert_nonnull (stmt);
    sqlite3_bind_int64 (stmt, 1, zed);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  }
  g_assert_true (sd_store_exec (shop->store,
      "INSERT INTO chat_intents (name, created_at) VALUES ('order_status', 1);"
      "INSERT INTO chat_examples (intent_id, lang, text, source, created_at)"
      " SELECT id, 'en', 'this is " ZED_NAME ", where is my parcel', 'correction', 1 FROM chat_intents;"
      "INSERT INTO chat_examples (intent_id, lang, text, source, created_at)"
      " SELECT id, 'en', 'where is my parcel please', 'correction', 1 FROM chat_intents;"
      "INSERT INTO audiences (name, source, created_at, updated_at) VALUES ('VIPs', 'list', 1, 1);"
      "INSERT INTO audience_members (audience_id, customer_id)"
      " SELECT a.id, c.id FROM audiences a, customers c;"
      "INSERT INTO runs (kind, model, params, started_at, status, summary)"
      " VALUES ('chatbot', 'chat', '{\"customer\": \"" ZED_ID "\"}', 1, 'finished', '{\"talked_to\": \"" ZED_NAME "\"}');",
      &error));
  g_assert_no_error (error);
}

static void
shop_close (Shop *shop)
{
  g_clear_object (&shop->store);
  temp_folder_remove (shop->dir);
  for (guint i = 0; i < G_N_ELEMENTS (shop->csv); i++)
    g_free (shop->csv[i]);
  g_free (shop->path);
  g_free (shop->dir);
}

/* ---- raw bytes ----------------------------------------------------------------------- */

static gboolean
contains (const guint8 *hay, gsize n, const guint8 *needle, gsize m)
{
  if (m == 0 || m > n)
    return FALSE;
  for (gsize i = 0; i + m <= n; i++)
    if (hay[i] == needle[0] && memcmp (hay + i, needle, m) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @text is in the shop file or its WAL, as UTF-8 (the shop's encoding), in
 * UTF-16 either way round, in lower and upper case, or as the hash the shop would make of
 * it: where the bytes are is named in *@where. */
static gboolean
shop_holds (Shop *shop, const char *text, char **where)
{
  const char *suffixes[] = { "", "-wal", "-journal" };
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_autofree char *upper = g_utf8_strup (text, -1);
  const char *forms[] = { text, lower, upper };

  for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
    {
      g_autofree char *path = g_strconcat (shop->path, suffixes[s], NULL);
      g_autofree guint8 *data = NULL;
      gsize size = 0;

      if (!g_file_get_contents (path, (char **) &data, &size, NULL))
        continue;
      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        {
          glong n16 = 0;
          g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (forms[f], -1, NULL, &n16, NULL);
          g_autofree guint16 *swapped = g_new (guint16, n16);

          for (glong i = 0; i < n16; i++)
            swapped[i] = GUINT16_SWAP_LE_BE (utf16[i]);
          if (contains (data, size, (const guint8 *) forms[f], strlen (forms[f])) ||
              contains (data, size, (const guint8 *) utf16, n16 * 2) ||
              contains (data, size, (const guint8 *) swapped, n16 * 2))
            {
              *where = g_strdup_printf ("%s (as “%s”)", path, forms[f]);
              return TRUE;
            }
        }
    }
  return FALSE;
}

static void
assert_no_trace (Shop *shop)
{
  const char *identity[] = { ZED_ID, ZED_NAME, ZED_EMAIL, "Zebulon", "Quayle" };

  for (guint i = 0; i < G_N_ELEMENTS (identity); i++)
    {
      g_autofree char *where = NULL;

      if (shop_holds (shop, identity[i], &where))
        g_error ("“%s” is still in %s", identity[i], where);
    }
}

/* ---- tests --------------------------------------------------------------------------- */

/* The export against the test's own SQL: every table with a customer column, and the
 * lines and coupon codes of their orders, as many rows as the shop has. */
static void
test_export_complete (void)
{
  Shop shop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  SdJsonNode *tables, *customers;
  gint64 zed;
  guint n_customer_tables = 0;

  shop_open (&shop);
  zed = customer_id (shop.store, ZED_ID);
  json = sd_customer_export_json (shop.store, zed, &error);
  g_assert_no_error (error);
  root = sd_json_parse (json, -1, NULL, &error);
  g_assert_no_error (error);
  tables = sd_json_node_get_member (root, "tables");
  g_assert_nonnull (tables);

  customers = sd_json_node_get_member (tables, "customers");
  g_assert_cmpuint (sd_json_node_get_length (customers), ==, 1);
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_element (customers, 0), "name"), ==, ZED_NAME);
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_element (customers, 0), "email"), ==, ZED_EMAIL);

  {
    /* Every table of the schema with a customer_id column, found here, not in the code. */
    g_autoptr(SdStmt) list = sd_store_prepare (shop.store,
      "SELECT m.name FROM sqlite_master m, pragma_table_info (m.name) c"
      " WHERE m.type = 'table' AND c.name = 'customer_id' ORDER BY m.name", NULL);
    g_assert_nonnull (list);
    while (sqlite3_step (list) == SQLITE_ROW)
      {
        const char *table = (const char *) sqlite3_column_text (list, 0);
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE customer_id = ?1", table);
        sqlite3_stmt *stmt = NULL;
        SdJsonNode *rows = sd_json_node_get_member (tables, table);
        gint64 expected;

        g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (shop.store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
        sqlite3_bind_int64 (stmt, 1, zed);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        expected = sqlite3_column_int64 (stmt, 0);
        sqlite3_finalize (stmt);
        if (rows == NULL)
          g_error ("the export has no “%s”, which names customers", table);
        g_assert_cmpint (sd_json_node_get_length (rows), ==, expected);
        n_customer_tables++;
      }
  }
  /* orders, events, chat_tests, coupon_redemptions, audience_members at least */
  g_assert_cmpuint (n_customer_tables, >=, 5);
  g_assert_cmpint (sd_json_node_get_length (sd_json_node_get_member (tables, "orders")), ==, 1);
  g_assert_cmpint (sd_json_node_get_length (sd_json_node_get_member (tables, "events")), ==, 4);
  g_assert_cmpint (sd_json_node_get_length (sd_json_node_get_member (tables, "order_lines")), ==,
                   count (shop.store, "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                                      " WHERE o.customer_id = ?1", zed));
  g_assert_cmpint (sd_json_node_get_length (sd_json_node_get_member (tables, "chat_tests")), ==, 1);
  g_assert_cmpint (sd_json_node_get_length (sd_json_node_get_member (tables, "audience_members")), ==, 1);
  /* nothing of anyone else */
  g_assert_null (strstr (json, AMY_ID));
  g_assert_null (strstr (json, AMY_NAME));
  shop_close (&shop);
}

static void
test_forget_leaves_no_trace (void)
{
  Shop shop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GPtrArray) models = NULL;
  const SdErasureReport *report;
  g_autofree char *where = NULL;
  gint64 zed, amy, n_customers;
  guint64 skipped = 0;
  guint marked = 0;

  shop_open (&shop);
  zed = customer_id (shop.store, ZED_ID);
  amy = customer_id (shop.store, AMY_ID);
  n_customers = count (shop.store, "SELECT count(*) FROM customers WHERE ?1 = ?1", 0);
  /* the search finds them before: a test that cannot fail proves nothing */
  g_assert_true (shop_holds (&shop, ZED_NAME, &where));
  g_clear_pointer (&where, g_free);
  g_assert_true (shop_holds (&shop, ZED_EMAIL, &where));
  g_clear_pointer (&where, g_free);

  /* As the app does it: a job on its own connection. The test's connection is closed
   * first, so VACUUM and the checkpoint have the file to themselves. */
  g_clear_object (&shop.store);
  job = sd_customer_forget_job_new (shop.path, zed);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  report = sd_customer_forget_job_get_report (job);
  g_assert_true (report->vacuumed);
  g_assert_cmpint (report->orders_unlinked, ==, 1);
  g_assert_cmpint (report->events, ==, 4);        /* view, review and two purchases */
  g_assert_cmpint (report->chat_tests, ==, 2);    /* theirs, and one naming their e-mail */
  g_assert_cmpint (report->chat_corrections, ==, 1);
  g_assert_cmpint (report->audience_memberships, ==, 1);
  g_assert_cmpint (report->models_scrubbed, ==, 2);  /* ALS and user kNN; popularity keeps no rows */
  g_assert_cmpint (report->models_marked, >=, 2);

  assert_no_trace (&shop);

  shop.store = sd_store_open (shop.path, &error);
  g_assert_no_error (error);
  /* others are untouched; the shop keeps its figures */
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM customers WHERE ?1 = ?1", 0), ==, n_customers);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM events WHERE customer_id = ?1", amy), ==, 2);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM orders WHERE ?1 = ?1", 0), ==, 3);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM chat_tests WHERE ?1 = ?1", 0), ==, 1);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM chat_examples WHERE ?1 = ?1", 0), ==, 1);
  g_assert_true (sd_erasure_is_forgotten (shop.store, ZED_ID));
  g_assert_false (sd_erasure_is_forgotten (shop.store, AMY_ID));
  g_assert_true (sd_sync_customer_is_forgotten (shop.store, ZED_ID));
  g_assert_false (sd_sync_customer_is_forgotten (shop.store, AMY_ID));
  /* the audit log says what was done, not to whom */
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM audit_log WHERE action = 'forget-customer' AND ?1 = ?1", 0), ==, 1);

  /* stored models: marked, and they still load on the shop as it is now */
  models = sd_model_registry_list (shop.store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < models->len; i++)
    {
      const SdModelInfo *m = g_ptr_array_index (models, i);
      marked += m->needs_retraining;
      if (g_str_equal (m->kind, "recommender"))
        {
          SdInteractionWeights weights;
          g_autoptr(SdInteractions) train = NULL;
          g_autoptr(SdRecommender) model = NULL;

          sd_interactions_weights_default (&weights);
          train = sd_interactions_from_store (shop.store, &weights, NULL, &error);
          g_assert_no_error (error);
          model = sd_model_store_load_id (shop.store, m->id, train, &error);
          g_assert_no_error (error);
          if (g_str_equal (m->algorithm, "als"))
            {
              /* their factor row is gone: every score for them is 0 */
              g_autofree float *scores = g_new (float, train->n_items);
              int user = sd_interactions_user_index (train, zed);

              g_assert_cmpint (user, >=, 0);
              sd_recommender_score (model, user, scores);
              for (guint it = 0; it < train->n_items; it++)
                g_assert_cmpfloat (scores[it], ==, 0);
            }
        }
    }
  g_assert_cmpuint (marked, >=, 2);

  /* the same files again: they stay forgotten, the others are as they were */
  import_all (&shop, &skipped);
  g_assert_cmpuint (skipped, ==, 3);  /* once in each file that names them */
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM customers WHERE ?1 = ?1", 0), ==, n_customers);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM events WHERE customer_id = ?1", amy), ==, 2);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM events WHERE customer_id = ?1", zed), ==, 0);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM orders WHERE customer_id IS NULL AND ?1 = ?1", 0), ==, 1);
  g_assert_true (sd_store_exec (shop.store, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_clear_object (&shop.store);
  assert_no_trace (&shop);

  /* forgetting twice is refused */
  shop.store = sd_store_open (shop.path, &error);
  g_assert_no_error (error);
  {
    SdErasureReport again;
    g_assert_false (sd_customer_forget (shop.store, zed, NULL, NULL, &again, &error));
    g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  }
  shop_close (&shop);
}

/* Cancelled before the commit: the shop is exactly as it was. */
static void
test_forget_cancelled (void)
{
  Shop shop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SdErasureReport report;
  gint64 zed;

  shop_open (&shop);
  zed = customer_id (shop.store, ZED_ID);
  g_cancellable_cancel (cancellable);
  g_assert_false (sd_customer_forget (shop.store, zed, NULL, cancellable, &report, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_erasure_count (shop.store), ==, 0);
  g_assert_cmpint (customer_id (shop.store, ZED_ID), ==, zed);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM events WHERE customer_id = ?1", zed), ==, 4);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM chat_tests WHERE ?1 = ?1", 0), ==, 3);
  g_assert_cmpint (count (shop.store, "SELECT count(*) FROM model_retraining WHERE ?1 = ?1", 0), ==, 0);
  g_assert_false (sd_erasure_is_forgotten (shop.store, ZED_ID));
  shop_close (&shop);
}

/* ---- private aggregates -------------------------------------------------------------- */

static SdStore *
demo_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SdStore *store;
  SdDemoOptions options;

  *dir = g_dir_make_tmp ("sd-dp-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "shop.sqlite", NULL);
  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return store;
}

static void
demo_close (SdStore *store, char *dir)
{
  g_autofree char *path = g_strdup (sd_store_get_path (store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_object_unref (store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
  g_free (dir);
}

/* No country shown is computed from fewer than the threshold of customers, over many
 * releases (with noise a small group would now and then pass a noisy threshold alone), and
 * the budget spent is the one asked for. */
static void
test_dp_threshold_and_budget (void)
{
  char *dir = NULL;
  SdStore *store = demo_store (&dir);
  g_autoptr(GHashTable) truth = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  SdDpOptions options;
  guint below = 0, shown_total = 0;

  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT coalesce (nullif (country, ''), '?'), count(*) FROM customers"
      " WHERE external_id NOT LIKE 'forgotten-%' GROUP BY 1", NULL);
    g_assert_nonnull (stmt);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 n = sqlite3_column_int64 (stmt, 1);
        g_hash_table_insert (truth, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), GINT_TO_POINTER ((int) n));
      }
  }
  sd_dp_options_init (&options);
  /* a threshold inside the spread of the demo's country sizes, so both sides are tested */
  options.threshold = 25;
  options.epsilon = 0.5;
  {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init (&iter, truth);
    while (g_hash_table_iter_next (&iter, &key, &value))
      below += GPOINTER_TO_INT (value) < options.threshold;
  }
  g_assert_cmpuint (below, >, 0);
  g_assert_cmpuint (below, <, g_hash_table_size (truth));

  for (guint run = 0; run < 60; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdDpReport) report = sd_dp_report_shop (store, &options, &error);

      g_assert_no_error (error);
      g_assert_cmpfloat (report->epsilon_spent, <=, options.epsilon + 1e-12);
      g_assert_cmpfloat_with_epsilon (report->epsilon_spent, options.epsilon, 1e-12);
      g_assert_cmpuint (report->n_queries, ==, 3);
      g_assert_cmpfloat_with_epsilon (report->count_scale, 3 / options.epsilon, 1e-9);
      for (guint i = 0; i < report->cells->len; i++)
        {
          const SdDpCell *cell = g_ptr_array_index (report->cells, i);
          int n = GPOINTER_TO_INT (g_hash_table_lookup (truth, cell->name));

          g_assert_cmpint (n, >=, options.threshold);
        }
      shown_total += report->cells->len;
      g_assert_cmpuint (report->cells->len + report->n_suppressed, ==, g_hash_table_size (truth));
    }
  /* the big countries do show */
  g_assert_cmpuint (shown_total, >, 0);
  demo_close (store, dir);
}

/* The released total revenue is unbiased around the test's own sum of clamped revenue,
 * with the spread its ε gives: Laplace(b) per country, summed over the countries. */
static void
test_dp_revenue_noise (void)
{
  char *dir = NULL;
  SdStore *store = demo_store (&dir);
  SdDpOptions options;
  double truth = 0, sum = 0, sum_sq = 0, b, expected_var;
  guint n_countries, runs = 200;

  sd_dp_options_init (&options);
  options.revenue_bound_cents = 20000;
  options.epsilon = 3;
  {
    g_autofree char *currency = NULL;
    g_autoptr(SdStmt) stmt = NULL;

    /* revenue per customer in the shop's currency: merchandise lines that count, clamped */
    stmt = sd_store_prepare (store,
      "SELECT min (max (coalesce ((SELECT sum (l.quantity * l.unit_price_cents) FROM orders o"
      "  JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id"
      "  WHERE o.customer_id = c.id AND coalesce (p.kind, 'merchandise') = 'merchandise'"
      "  AND ((o.status NOT IN ('cancelled', 'refunded', 'pending') AND l.quantity > 0)"
      "       OR (l.quantity < 0 AND o.status <> 'pending'))), 0), 0), 20000)"
      " FROM customers c", NULL);
    g_assert_nonnull (stmt);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      truth += sqlite3_column_double (stmt, 0);
  }
  g_assert_cmpfloat (truth, >, 0);
  n_countries = (guint) count (store, "SELECT count (DISTINCT coalesce (nullif (country, ''), '?')) FROM customers WHERE ?1 = ?1", 0);
  b = options.revenue_bound_cents / (options.epsilon / 3);
  expected_var = n_countries * 2 * b * b;
  for (guint run = 0; run < runs; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdDpReport) report = sd_dp_report_shop (store, &options, &error);
      double d;

      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (report->revenue_scale, b, 1e-6);
      d = report->total.revenue_cents - truth;
      sum += d;
      sum_sq += d * d;
    }
  /* mean within 4 standard errors of 0; variance within 40 % of n·2b² (its standard error
   * over 200 runs of a sum of Laplace draws is about 11 %; noise at ε/2 or 2ε would be
   * off by 300 % or 75 %) */
  g_assert_cmpfloat (fabs (sum / runs), <, 4 * sqrt (expected_var / runs));
  g_assert_cmpfloat (fabs (sum_sq / runs / expected_var - 1), <, 0.40);
  demo_close (store, dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/privacy/export-complete", test_export_complete);
  g_test_add_func ("/privacy/forget-leaves-no-trace", test_forget_leaves_no_trace);
  g_test_add_func ("/privacy/forget-cancelled", test_forget_cancelled);
  g_test_add_func ("/privacy/dp-threshold-and-budget", test_dp_threshold_and_budget);
  g_test_add_func ("/privacy/dp-revenue-noise", test_dp_revenue_noise);
  return g_test_run ();
}
