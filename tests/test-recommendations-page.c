/* test-recommendations-page.c — the Recommendations page on a demo shop, under Xvfb
 *
 * Makes a small demo shop and trains two quick models on it (item-kNN and EASE) as the
 * app would, opens a customer through "win.show-customer", and checks what the page
 * shows against the shop itself: N items, each with an explanation, none the customer
 * already bought; the customer's offers; two models side by side with their overlap
 * counted from the lists; similar items; a CSV export read back; a model that was never
 * trained falls back to popularity with a note. Screenshots of the page are saved under
 * the build directory (screenshots/).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-application.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-csv.h"
#include "sd-demo.h"
#include "sd-model-registry.h"
#include "sd-recommendations-page.h"
#include "sd-shop-summary.h"
#include "sd-train-job.h"
#include "sd-window.h"
#include "ui-test-util.h"
#include "zh-catalogue.h"

static char *tmp_dir;
static char *shop_path;
static SdApplication *app;
static SdWindow *window;

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;
  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(cond, seconds)                                                \
  G_STMT_START {                                                                 \
    gboolean timed_out_ = FALSE;                                                 \
    guint id_ = g_timeout_add_seconds ((seconds), timeout_cb, &timed_out_);      \
    while (!(cond) && !timed_out_)                                               \
      g_main_context_iteration (NULL, TRUE);                                     \
    if (!timed_out_)                                                             \
      g_source_remove (id_);                                                     \
    if (!(cond))                                                                 \
      g_error ("timed out after %d s waiting for: %s", (seconds), #cond);       \
  } G_STMT_END

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  for (int attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      if ((node = gtk_snapshot_free_to_node (snapshot)) == NULL)
        gtk_test_widget_wait_for_draw (widget);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static void
shoot (const char *name)
{
  spin (400);   /* past the stack's crossfade */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  save_screenshot (GTK_WIDGET (window), name);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect (c, type, out);
}

static SdRecommendationsPage *
page (void)
{
  return SD_RECOMMENDATIONS_PAGE (sd_window_get_page (window, "recommendations"));
}

/* However much the page holds, it never pushes the window's sidebar away at 1200 px. */
static void
assert_sidebar_shown (void)
{
  g_autoptr(GPtrArray) leaflets = g_ptr_array_new ();

  collect (GTK_WIDGET (window), ADW_TYPE_LEAFLET, leaflets);
  g_assert_cmpuint (leaflets->len, >=, 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_false (adw_leaflet_get_folded (g_ptr_array_index (leaflets, 0)));
}

static void
wait_for_view (void)
{
  WAIT_UNTIL (!sd_recommendations_page_get_loading (page ()), 120);
  spin (50);
  assert_sidebar_shown ();
}

/* The products @customer bought: purchase events and lines of orders that stood (the
 * page hides reviewed ones too; a test of that is a subset of this). */
static GHashTable *
bought_by (const char *customer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdStmt) stmt = NULL;
  GHashTable *bought = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_assert_no_error (error);
  stmt = sd_store_prepare (store,
      "SELECT e.product_id FROM events e JOIN customers c ON c.id = e.customer_id"
      " WHERE c.external_id = ?1 AND e.kind = 2"
      " UNION SELECT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id"
      " JOIN customers c ON c.id = o.customer_id"
      " WHERE c.external_id = ?1 AND o.status NOT IN ('cancelled', 'refunded')", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, customer, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (bought, g_memdup2 (&id, sizeof id));
    }
  return bought;
}

/* The customer with the most purchases: the "already bought" filter has most to do. */
static char *
busiest_buyer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdStmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = sd_store_prepare (store,
      "SELECT c.external_id FROM events e JOIN customers c ON c.id = e.customer_id WHERE e.kind = 2"
      " GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* The coupon engine over the test shop, as the page builds it. */
typedef struct {
  SdStore         *store;
  SdCustomerFacts *facts;
  SdCouponEngine  *engine;
} Engine;

static void
engine_open (Engine *e)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *currency = NULL;

  e->store = sd_store_open (shop_path, &error);
  g_assert_no_error (error);
  e->facts = sd_customer_facts_load (e->store, NULL, &error);
  g_assert_no_error (error);
  e->engine = sd_coupon_engine_new (e->facts);
  currency = sd_shop_currency (e->store);
  sd_coupon_engine_set_currency (e->engine, currency);
  sd_coupon_engine_set_interest (e->engine, sd_interest_lookup, sd_interest_new (shop_path, e->facts),
                                 (GDestroyNotify) sd_interest_free);
  g_assert_true (sd_coupon_engine_load_rules (e->engine, e->store, &error));
}

static void
engine_close (Engine *e)
{
  g_clear_pointer (&e->engine, sd_coupon_engine_free);
  g_clear_pointer (&e->facts, sd_customer_facts_free);
  g_clear_object (&e->store);
}

/* What the coupon engine itself says: how many offers each customer gets, and the
 * first customer (by id) who gets at least @min. */
static guint
engine_offers (const char *customer,
               char      **first_with_offers,
               guint       min)
{
  Engine e;
  guint n = 0;

  engine_open (&e);
  for (guint c = 0; c < e.facts->n_customers; c++)
    {
      g_autoptr(GPtrArray) applied = sd_coupon_engine_apply (e.engine, c, NULL);
      if (g_strcmp0 (e.facts->customers[c].external_id, customer) == 0)
        n = applied->len;
      if (first_with_offers && *first_with_offers == NULL && applied->len >= min)
        *first_with_offers = g_strdup (e.facts->customers[c].external_id);
    }
  engine_close (&e);
  return n;
}

static void
test_empty (void)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "recommendations");
  g_assert_cmpint (sd_recommendations_page_get_customer_id (page ()), ==, -1);
  g_assert_cmpuint (sd_recommendations_page_get_n_items (page (), 0), ==, 0);
  spin (500);
  shoot ("recommendations-empty");
}

static GtkWidget *
visible_popover (void)
{
  g_autoptr(GPtrArray) popovers = g_ptr_array_new ();

  collect (GTK_WIDGET (page ()), GTK_TYPE_POPOVER, popovers);
  for (guint i = 0; i < popovers->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (popovers, i)))
      return g_ptr_array_index (popovers, i);
  return NULL;
}

static guint
count_rows (GtkWidget *root)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  if (root)
    collect (root, ADW_TYPE_ACTION_ROW, rows);
  return rows->len;
}

/* Typing in the search entry suggests customers (name or id, at most 20); Enter opens
 * the first. The text is data, never SQL: "%" matches only a literal percent sign. */
static void
test_search (void)
{
  SdRecommendationsPage *p = page ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GtkWidget *entry;
  GtkWidget *popover;

  /* Dropdowns hold search entries of their own, in their popovers: the page's is on screen. */
  collect (GTK_WIDGET (p), GTK_TYPE_SEARCH_ENTRY, entries);
  for (guint i = entries->len; i > 0; i--)
    if (!gtk_widget_get_mapped (g_ptr_array_index (entries, i - 1)))
      g_ptr_array_remove_index (entries, i - 1);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  gtk_widget_activate_action (GTK_WIDGET (p), "recommendations.search", NULL);
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (gtk_widget_get_first_child (entry)) ||
                 gtk_widget_get_focus_child (entry) != NULL);

  gtk_editable_set_text (GTK_EDITABLE (entry), "CUS-000000");
  WAIT_UNTIL ((popover = visible_popover ()) != NULL && count_rows (popover) > 0, 10);
  g_print ("# “CUS-000000”: %u suggestions\n", count_rows (popover));
  g_assert_cmpuint (count_rows (popover), ==, 9);   /* CUS-0000001 … CUS-0000009 */
  spin (200);
  save_screenshot (popover, "recommendations-search");

  gtk_editable_set_text (GTK_EDITABLE (entry), "CUS-");
  WAIT_UNTIL (count_rows (visible_popover ()) == 20, 10);

  gtk_editable_set_text (GTK_EDITABLE (entry), "%");
  WAIT_UNTIL (visible_popover () != NULL && count_rows (visible_popover ()) == 0, 10);

  gtk_editable_set_text (GTK_EDITABLE (entry), "CUS-0000003");
  WAIT_UNTIL (count_rows (visible_popover ()) >= 1, 10);
  g_signal_emit_by_name (entry, "activate");
  g_assert_null (visible_popover ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  wait_for_view ();
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_assert_cmpint (sd_recommendations_page_get_customer_id (p), ==,
                     sd_store_find_customer (store, "CUS-0000003", &error));
  }
}

static void
read_text_cb (GObject      *clipboard,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("(nothing)");
}

/* The profile's "CUS-0000721 · 英国 · …" is kept from breaking inside a part by attributes,
 * not by word joiners (U+2060) in the text: selected and copied, it is the text a person
 * reads. */
static void
set_country (const char *customer,
             const char *country)
{
  g_autoptr(GError) error = NULL;
  SdStore *store = sd_window_get_store (window);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "UPDATE customers SET country = ?2 WHERE external_id = ?1", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, customer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, country, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

static void
check_profile_copies_clean (SdRecommendationsPage *p,
                            const char            *customer)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkLabel *detail = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *country = NULL;

  /* a country named as no iso-codes table knows it, so it shows as stored, in Chinese */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStmt) stmt = sd_store_prepare (sd_window_get_store (window),
                                               "SELECT country FROM customers WHERE external_id = ?1", &error);
    g_assert_no_error (error);
    sqlite3_bind_text (stmt, 1, customer, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    country = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  }
  set_country (customer, "中华民国商店");
  sd_store_notify_changed (sd_window_get_store (window));
  wait_for_view ();

  collect (GTK_WIDGET (p), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      const char *text = gtk_label_get_text (label);

      g_assert_null (strstr (text, "\u2060"));
      if (detail == NULL && gtk_label_get_selectable (label) && strstr (text, " · ") &&
          gtk_widget_get_mapped (GTK_WIDGET (label)))
        detail = label;
    }
  g_assert_nonnull (detail);
  g_assert_nonnull (gtk_label_get_attributes (detail));
  gtk_label_select_region (detail, 0, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (detail), "clipboard.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (detail)), NULL, read_text_cb, &copied);
  WAIT_UNTIL (copied != NULL, 10);
  g_test_message ("copied: %s", copied);
  g_assert_cmpstr (copied, ==, gtk_label_get_text (detail));
  g_assert_nonnull (strstr (copied, "中华民国商店"));
  g_assert_null (strstr (copied, "\u2060"));
  set_country (customer, country);
  sd_store_notify_changed (sd_window_get_store (window));
  wait_for_view ();
}

static void
test_show_customer (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = busiest_buyer ();
  g_autoptr(GHashTable) bought = bought_by (customer);
  guint n;

  g_assert_cmpuint (g_hash_table_size (bought), >, 10);
  /* An unknown customer changes nothing. */
  {
    gint64 before = sd_recommendations_page_get_customer_id (p);
    g_assert_false (sd_recommendations_page_show_customer (p, "no-such-customer"));
    g_assert_cmpint (sd_recommendations_page_get_customer_id (p), ==, before);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "overview");
  g_assert_true (sd_recommendations_page_select_model (p, 0, "itemknn"));
  sd_recommendations_page_set_count (p, 12);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  g_assert_cmpstr (sd_window_get_visible_page (window), ==, "recommendations");
  g_assert_cmpint (sd_recommendations_page_get_customer_id (p), >, 0);
  wait_for_view ();

  n = sd_recommendations_page_get_n_items (p, 0);
  g_assert_cmpuint (n, ==, 12);
  for (guint i = 0; i < n; i++)
    {
      gint64 product = sd_recommendations_page_get_item_product (p, 0, i);
      const char *why = sd_recommendations_page_get_item_explanation (p, 0, i);

      g_assert_cmpint (product, >, 0);
      g_assert_false (g_hash_table_contains (bought, &product));
      g_assert_nonnull (why);
      g_assert_cmpuint (strlen (why), >, 5);
      if (i < 3)
        g_test_message ("%u. product %" G_GINT64_FORMAT ": %s", i + 1, product, why);
    }
  g_print ("# %s: %u offers\n", customer, sd_recommendations_page_get_n_offers (p));
  g_assert_cmpuint (sd_recommendations_page_get_n_offers (p), ==, engine_offers (customer, NULL, 0));
  shoot ("recommendations-customer");
  check_profile_copies_clean (p, customer);

  /* The customer's recent activity closes the page. */
  {
    g_autoptr(GPtrArray) scrollers = g_ptr_array_new ();

    collect (GTK_WIDGET (p), GTK_TYPE_SCROLLED_WINDOW, scrollers);
    for (guint i = 0; i < scrollers->len; i++)
      {
        GtkWidget *scroller = g_ptr_array_index (scrollers, i);
        if (gtk_widget_get_mapped (scroller) && gtk_widget_get_height (scroller) > 300)
          {
            GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
            gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
            shoot ("recommendations-activity");
            gtk_adjustment_set_value (adj, 0);
          }
      }
  }
}

/* Once a customer is open, the most active customers come back as a GNOME app goes back
 * from an item to its list: the back button, Escape in the empty search, Alt+←. */
static GtkStack *
page_stack (void)
{
  g_autoptr(GPtrArray) stacks = g_ptr_array_new ();

  collect (GTK_WIDGET (page ()), GTK_TYPE_STACK, stacks);
  g_assert_cmpuint (stacks->len, >, 0);
  return g_ptr_array_index (stacks, 0);
}

static GtkWidget *
back_button (void)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (page ()), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "recommendations.back") == 0)
      return g_ptr_array_index (buttons, i);
  g_assert_not_reached ();
}

static void
test_back (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = busiest_buyer ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GtkWidget *entry;

  collect (GTK_WIDGET (p), GTK_TYPE_SEARCH_ENTRY, entries);
  entry = g_ptr_array_index (entries, 0);

  for (guint way = 0; way < 2; way++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (page_stack ()), ==, "content");
      g_assert_true (gtk_widget_get_visible (back_button ()));
      if (way == 0)
        g_signal_emit_by_name (back_button (), "clicked");
      else
        {
          /* Escape with text in the search clears it first, and only then goes back. */
          gtk_editable_set_text (GTK_EDITABLE (entry), "zz");
          g_signal_emit_by_name (entry, "stop-search");
          g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
          g_assert_cmpint (sd_recommendations_page_get_customer_id (p), >, 0);
          g_signal_emit_by_name (entry, "stop-search");
        }
      g_assert_cmpint (sd_recommendations_page_get_customer_id (p), ==, -1);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (page_stack ()), ==, "empty");
      g_assert_false (gtk_widget_get_visible (back_button ()));
      g_assert_false (sd_recommendations_page_get_loading (p));
    }
  /* and the start lists customers (or says they are being counted) */
  g_assert_cmpuint (count_rows (gtk_stack_get_child_by_name (page_stack (), "empty")), >, 0);
}

static void
test_offers (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = NULL;
  g_autofree char *busiest = busiest_buyer ();
  guint n;

  /* A customer who gets two coupons, if any does; else one. */
  engine_offers ("", &customer, 2);
  if (customer == NULL)
    engine_offers ("", &customer, 1);
  g_assert_nonnull (customer);
  n = engine_offers (customer, NULL, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  g_print ("# %s: %u offers from the engine, %u on the page\n", customer, n, sd_recommendations_page_get_n_offers (p));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (sd_recommendations_page_get_n_offers (p), ==, n);
  /* One basket, named: the discounts are on the customer's last order, and the caption says
   * that order's amount (computed here by SQL over its merchandise lines). */
  {
    GtkLabel *caption = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                   "offers_caption"));
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_autoptr(SdStmt) stmt = sd_store_prepare (store,
        "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l"
        " LEFT JOIN products p ON p.id = l.product_id"
        " WHERE coalesce(p.kind, 'merchandise') = 'merchandise' AND l.order_id ="
        "  (SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id"
        "   WHERE c.external_id = ?1 AND o.status NOT IN ('cancelled', 'refunded', 'pending')"
        "   ORDER BY o.placed_at DESC, o.id DESC LIMIT 1)", &error);
    gint64 cents;
    g_autofree char *amount = NULL;

    g_assert_no_error (error);
    sqlite3_bind_text (stmt, 1, customer, -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    cents = sqlite3_column_int64 (stmt, 0);
    amount = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", cents / 100, (int) (cents % 100));
    g_print ("# caption: %s\n", gtk_label_get_text (caption));
    g_assert_nonnull (strstr (gtk_label_get_text (caption), "last order"));
    g_assert_nonnull (strstr (gtk_label_get_text (caption), amount));
  }
  shoot ("recommendations-offers");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", busiest));
  wait_for_view ();
}

/* A customer who has ordered but whom no rule reaches: the caption says no rule applies
 * rather than quoting their last order as if a discount were worked out on it, and each
 * rule switched on says why it leaves them out, as the engine tells it. */
static void
test_no_offer (void)
{
  SdRecommendationsPage *p = page ();
  GtkLabel *caption = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                 "offers_caption"));
  g_autofree char *customer = NULL;
  g_autofree char *why = NULL;
  const char *rule = NULL;
  Engine e;

  engine_open (&e);
  for (guint c = 0; c < e.facts->n_customers && customer == NULL; c++)
    {
      g_autoptr(GPtrArray) applied = sd_coupon_engine_apply (e.engine, c, NULL);
      if (applied->len > 0 || e.facts->customers[c].basket_len == 0)
        continue;
      customer = g_strdup (e.facts->customers[c].external_id);
      for (guint r = 0; r < sd_coupon_engine_get_n_rules (e.engine) && why == NULL; r++)
        if (sd_coupon_engine_get_rule (e.engine, r)->enabled)
          {
            rule = sd_coupon_engine_get_rule (e.engine, r)->name;
            why = sd_coupon_engine_why_not (e.engine, sd_coupon_engine_get_rule (e.engine, r), c, NULL);
          }
      rule = g_intern_string (rule);
    }
  engine_close (&e);
  g_assert_nonnull (customer);
  g_assert_nonnull (why);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  g_print ("# %s: %s\n#   %s: %s\n", customer, gtk_label_get_text (caption), rule, why);
  g_assert_cmpuint (sd_recommendations_page_get_n_offers (p), ==, 0);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (caption), "No coupon rule applies to this customer"));
  g_assert_null (strstr (gtk_label_get_text (caption), "last order"));
  g_assert_true (ui_test_has_label (GTK_WIDGET (p), rule, TRUE));
  g_assert_true (ui_test_has_label (GTK_WIDGET (p), why, TRUE));
  shoot ("recommendations-no-offer");
}

static void
test_include_bought (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = busiest_buyer ();
  g_autoptr(GHashTable) bought = bought_by (customer);
  GtkWidget *check = NULL;
  guint found = 0;

  /* The check button is the one labelled for it: drive it as a user would. */
  for (GtkWidget *w = GTK_WIDGET (p); w; )
    {
      if (GTK_IS_CHECK_BUTTON (w) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (w)),
                                                 "Hide _bought or reviewed") == 0)
        {
          check = w;
          break;
        }
      if (gtk_widget_get_first_child (w))
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w && w != GTK_WIDGET (p) && !gtk_widget_get_next_sibling (w))
            w = gtk_widget_get_parent (w);
          w = (w && w != GTK_WIDGET (p)) ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  g_assert_nonnull (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  wait_for_view ();
  for (guint i = 0; i < sd_recommendations_page_get_n_items (p, 0); i++)
    {
      gint64 product = sd_recommendations_page_get_item_product (p, 0, i);
      found += g_hash_table_contains (bought, &product);
    }
  g_print ("# with bought items allowed: %u of %u are bought ones\n", found, sd_recommendations_page_get_n_items (p, 0));
  g_assert_cmpuint (found, >, 0);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  wait_for_view ();
}

static void
test_compare (void)
{
  SdRecommendationsPage *p = page ();
  guint overlap = 0;

  g_assert_true (sd_recommendations_page_select_model (p, 1, "ease"));
  sd_recommendations_page_set_compare (p, TRUE);
  wait_for_view ();
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 0), ==, 12);
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 1), ==, 12);
  for (guint a = 0; a < 12; a++)
    for (guint b = 0; b < 12; b++)
      overlap += sd_recommendations_page_get_item_product (p, 0, a) == sd_recommendations_page_get_item_product (p, 1, b);
  g_print ("# item-kNN and EASE share %u of 12 items\n", overlap);
  g_assert_cmpuint (sd_recommendations_page_get_overlap (p), ==, overlap);
  shoot ("recommendations-compare");
}

static void
test_untrained_model (void)
{
  SdRecommendationsPage *p = page ();

  /* ALS was never trained on this shop: popularity answers, with a note and a Train button. */
  g_assert_true (sd_recommendations_page_select_model (p, 1, "als"));
  wait_for_view ();
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 1), ==, 12);
  g_assert_nonnull (strstr (sd_recommendations_page_get_item_explanation (p, 1, 0), "opular"));
  shoot ("recommendations-untrained");

  /* Its Train button trains it in the background; the page then shows its own list. */
  gtk_widget_activate_action (GTK_WIDGET (p), "recommendations.train", "s", "als");
  WAIT_UNTIL (!sd_recommendations_page_get_loading (p) &&
              sd_recommendations_page_get_n_items (p, 1) == 12 &&
              strstr (sd_recommendations_page_get_item_explanation (p, 1, 0), "opular") == NULL, 180);
  g_test_message ("after training ALS: %s", sd_recommendations_page_get_item_explanation (p, 1, 0));
  /* A reason says in words how much of the reason an item is, not ALS's raw contribution ("contribution
   * 0.06" beside a score of 1.42); that figure is on hover. */
  g_assert_nonnull (strstr (sd_recommendations_page_get_item_explanation (p, 1, 0), "ly because of "));
  g_assert_null (strstr (sd_recommendations_page_get_item_explanation (p, 1, 0), "%"));
  g_assert_null (strstr (sd_recommendations_page_get_item_explanation (p, 1, 0), "contribution"));
  {
    const char *numbers = NULL;
    sd_recommendations_page_get_item_reasons (p, 1, 0, &numbers);
    g_assert_true (g_str_has_prefix (numbers, "• contribution "));
  }
  sd_recommendations_page_set_compare (p, FALSE);
  wait_for_view ();
}

static void
test_similar (void)
{
  SdRecommendationsPage *p = page ();

  sd_recommendations_page_show_similar (p, 0, 0);
  WAIT_UNTIL (sd_recommendations_page_get_n_similar (p) > 0, 60);
  g_assert_cmpuint (sd_recommendations_page_get_n_similar (p), <=, 8);
  {
    /* A popover is a surface of its own: the window's picture leaves it out. */
    g_autoptr(GPtrArray) popovers = g_ptr_array_new ();
    GtkWidget *shown = NULL;

    collect (GTK_WIDGET (p), GTK_TYPE_POPOVER, popovers);
    for (guint i = 0; i < popovers->len; i++)
      if (gtk_widget_get_visible (g_ptr_array_index (popovers, i)))
        shown = g_ptr_array_index (popovers, i);
    g_assert_nonnull (shown);
    spin (300);
    gtk_test_widget_wait_for_draw (shown);
    save_screenshot (shown, "recommendations-similar");
    gtk_popover_popdown (GTK_POPOVER (shown));
  }
}

static void
test_export (void)
{
  SdRecommendationsPage *p = page ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, "recommendations.csv", NULL);
  g_autoptr(SdCsvReader) reader = NULL;
  guint rows = 0;

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (sd_recommendations_page_export_csv (p, path, &error));
  g_assert_no_error (error);
  reader = sd_csv_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_csv_reader_next (reader, &error));
  g_assert_cmpuint (sd_csv_reader_get_n_fields (reader), ==, 7);
  g_assert_cmpstr (sd_csv_reader_get_field (reader, 0, NULL), ==, "customer");
  g_assert_cmpstr (sd_csv_reader_get_field (reader, 6, NULL), ==, "explanation");
  while (sd_csv_reader_next (reader, &error))
    {
      g_autofree char *rank = g_strdup_printf ("%u", rows + 1);
      gint64 product = sd_recommendations_page_get_item_product (p, 0, rows);
      g_autofree char *title = NULL;

      g_assert_cmpuint (sd_csv_reader_get_n_fields (reader), ==, 7);
      g_assert_cmpstr (sd_csv_reader_get_field (reader, 1, NULL), ==, "itemknn");
      g_assert_cmpstr (sd_csv_reader_get_field (reader, 2, NULL), ==, rank);
      g_assert_cmpint (product, >, 0);
      g_assert_cmpuint (strlen (sd_csv_reader_get_field (reader, 4, NULL)), >, 0);
      /* The explanation survives the quoting: its lines are joined with ';'. */
      title = g_strdup (sd_recommendations_page_get_item_explanation (p, 0, rows));
      g_strdelimit (title, "\n", ';');
      g_assert_cmpstr (sd_csv_reader_get_field (reader, 6, NULL), ==, title);
      rows++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, sd_recommendations_page_get_n_items (p, 0));
  g_test_message ("exported %u rows to %s", rows, path);
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  sd_recommendations_page_set_compare (page (), TRUE);
  g_assert_true (sd_recommendations_page_select_model (page (), 1, "ease"));
  wait_for_view ();
  shoot ("recommendations-dark");
  sd_recommendations_page_set_compare (page (), FALSE);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}


static gint64
stored_model_id (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT MAX (id) FROM models WHERE name = ?1", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
promote (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);

  g_assert_true (sd_model_registry_promote (store, stored_model_id (name), SD_MODEL_PURPOSE_RECOMMENDATIONS,
                                            "test", NULL, &error));
  g_assert_no_error (error);
  /* What the Training page does after a promotion. */
  sd_store_notify_changed (sd_window_get_store (window));
}

/* The picker starts on the live model, marked so, and lists what that model says. */
static void
test_live_model (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = busiest_buyer ();
  g_autoptr(GArray) as_itemknn = g_array_new (FALSE, FALSE, sizeof (gint64));

  sd_recommendations_page_set_compare (p, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  g_assert_true (sd_recommendations_page_select_model (p, 0, "itemknn"));
  wait_for_view ();
  for (guint i = 0; i < sd_recommendations_page_get_n_items (p, 0); i++)
    {
      gint64 id = sd_recommendations_page_get_item_product (p, 0, i);
      g_array_append_val (as_itemknn, id);
    }

  /* EASE live: the picker starts on it (the store changed, so the page reloads). */
  promote ("ease");
  wait_for_view ();
  g_assert_cmpstr (sd_recommendations_page_get_model (p, 0), ==, "live:ease");
  shoot ("recommendations-live");

  /* Item kNN live: it is what the page shows, though EASE is newer and first otherwise. */
  promote ("itemknn");
  wait_for_view ();
  g_assert_cmpstr (sd_recommendations_page_get_model (p, 0), ==, "live:itemknn");
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 0), ==, as_itemknn->len);
  for (guint i = 0; i < as_itemknn->len; i++)
    g_assert_cmpint (sd_recommendations_page_get_item_product (p, 0, i), ==, g_array_index (as_itemknn, gint64, i));

  /* Rolled back past the first promotion: no live model, the picker's usual first. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, NULL, &error));
    g_assert_true (sd_model_registry_rollback (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    sd_store_notify_changed (sd_window_get_store (window));
  }
  wait_for_view ();
  g_assert_false (g_str_has_prefix (sd_recommendations_page_get_model (p, 0), "live:"));
}

/* Pages agree: when coupon rules change (the Coupons page deletes one, then tells the
 * shop, as here), the customer on show gets the new offers without a refresh. */
static void
test_follows_coupons (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = NULL;

  engine_offers ("", &customer, 1);
  g_assert_nonnull (customer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  g_assert_cmpuint (sd_recommendations_page_get_n_offers (p), >, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_autoptr(GPtrArray) rules = sd_coupon_rules_load (store, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < rules->len; i++)
      {
        const SdCouponRule *rule = g_ptr_array_index (rules, i);
        g_assert_true (sd_coupon_rule_delete (store, rule->id, &error));
      }
  }
  sd_store_notify_changed_detail (sd_window_get_store (window), SD_STORE_CHANGED_COUPONS);
  g_assert_true (sd_recommendations_page_get_loading (p));
  wait_for_view ();
  g_assert_cmpint (sd_recommendations_page_get_customer_id (p), >=, 0);
  g_assert_cmpuint (sd_recommendations_page_get_n_offers (p), ==, 0);
}

static void
make_demo_shop (const char *path)
{
  g_autoptr(GError) error = NULL;
  SdDemoOptions options;
  const char *models[] = { "itemknn", "ease" };

  {
    g_autoptr(SdStore) store = sd_store_open (path, &error);
    g_assert_no_error (error);
    sd_demo_options_init (&options);
    g_assert_true (sd_demo_options_for_size (&options, "600", &error));
    g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      SdTrainOptions train;
      g_autoptr(SdJob) job = NULL;

      sd_train_options_init (&train);
      train.db_path = path;
      train.model = models[i];
      train.store_model = TRUE;
      job = sd_train_job_new (&train, &error);
      g_assert_no_error (error);
      g_assert_true (sd_job_run_sync (job, &error));
      g_assert_no_error (error);
    }
}

static gboolean
customer_exists (const char *customer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);

  g_assert_no_error (error);
  return sd_store_find_customer (store, customer, NULL) > 0;
}

/* Forget Customer asks first, naming what goes; Cancel changes nothing, Forget runs the
 * job and the page leaves the customer. Last: it changes the shop. */
static void
test_forget (void)
{
  SdRecommendationsPage *p = page ();
  g_autofree char *customer = busiest_buyer ();
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (p), "recommendations.forget-customer", NULL));
  WAIT_UNTIL ((dialog = ui_test_find_message_dialog ()) != NULL, 10);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), customer));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "orders"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "recommendations-forget");
  /* as a click does: the response, then the dialog closes */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin (100);
  g_assert_true (customer_exists (customer));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (p), "recommendations.forget-customer", NULL));
  WAIT_UNTIL ((dialog = ui_test_find_message_dialog ()) != NULL, 10);
  adw_message_dialog_response (dialog, "forget");
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_UNTIL (!customer_exists (customer), 60);
  WAIT_UNTIL (sd_recommendations_page_get_customer_id (p) < 0, 10);
}

/* The labels under the page whose text starts with @prefix. */
static guint
count_labels (const char *prefix)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = 0;

  collect (GTK_WIDGET (page ()), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    n += g_str_has_prefix (gtk_label_get_text (g_ptr_array_index (labels, i)), prefix);
  return n;
}

/* The labels under @widget whose text has @part in it. */
static guint
count_labels_with (GtkWidget  *widget,
                   const char *part)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = 0;

  collect (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    n += strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), part) != NULL;
  return n;
}

/* A shop like Online Retail's order export: none of its products has a category, so no
 * "No category" on every line, and Boost and Bury, which would hold only None, are greyed
 * out saying why; it has purchases only, so a customer's activity does not count 0 carts,
 * views and reviews, and the customer's figures and the most active customers count
 * purchases, not "events". Last: it changes the shop. */
static void
test_order_export (void)
{
  SdRecommendationsPage *p = page ();
  GtkWidget *boost = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE, "boost_dropdown");
  GtkWidget *bury = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE, "bury_dropdown");
  g_autofree char *customer = busiest_buyer ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  g_assert_true (gtk_widget_get_sensitive (boost));
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 0), >, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_assert_no_error (error);
    g_assert_true (sd_store_exec (store, "UPDATE products SET category = NULL", &error));
    g_assert_true (sd_store_exec (store, "DELETE FROM events WHERE kind <> 2", &error));
    g_assert_no_error (error);
  }
  sd_store_notify_changed (sd_window_get_store (window));
  wait_for_view ();
  g_assert_cmpuint (sd_recommendations_page_get_n_items (p, 0), >, 0);
  g_assert_cmpuint (count_labels ("No category"), ==, 0);
  {
    GtkLabel *caption = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                  "history_caption"));
    g_assert_true (g_str_has_suffix (gtk_label_get_text (caption), " purchases in all; the latest 12:"));
    g_assert_null (strstr (gtk_label_get_text (caption), "carts"));
  }
  g_assert_false (gtk_widget_get_sensitive (boost));
  g_assert_false (gtk_widget_get_sensitive (bury));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (boost), ==, "This shop's products have no categories");
  {
    GtkWidget *figures = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                      "figures_box");
    g_assert_cmpuint (count_labels_with (figures, "purchase"), ==, 1);
    g_assert_cmpuint (count_labels_with (figures, "event"), ==, 0);
  }
  shoot ("recommendations-order-export");

  /* The shop opened anew: the page starts empty, with the most active customers. */
  {
    GtkWidget *quick = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                    "quick_list");
    SdStore *before = sd_window_get_store (window);

    g_assert_true (sd_window_open_shop (window, shop_path));
    WAIT_UNTIL (sd_window_get_store (window) != before, 60);
    WAIT_UNTIL (count_labels_with (quick, " purchases") > 0, 60);
    g_assert_cmpuint (count_labels_with (quick, " event"), ==, 0);
  }
}

/* Recent Activity in Chinese on an order export at 1024x700, as Online Retail shows it:
 * English titles over "购买 ×2 · 2011年12月8日 12:07". Its rows were AdwActionRows, whose
 * title box GTK 4.8 measured inconsistently ("GtkBox reports a minimum width of 18, but
 * minimum width for height of 1048576 is 31. Expect overlapping widgets", fatal here).
 * (The customer card's "自 2025年11月29日 起成为客户" has a like warning, left for now.) After
 * order-export: it reuses that shop. */
static void
test_activity_chinese (void)
{
  SdRecommendationsPage *p = page ();
  GtkWidget *history = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (p), SD_TYPE_RECOMMENDATIONS_PAGE,
                                                                    "history_list");
  g_autofree char *customer = busiest_buyer ();

  if (!use_build_zh_catalogue ())
    return;
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
    g_assert_no_error (error);
    /* Online Retail's customers are an id and a country; its titles are upper case */
    g_assert_true (sd_store_exec (store, "UPDATE products SET title = 'SET OF 2 TRAYS HOME SWEET HOME'", &error));
    g_assert_true (sd_store_exec (store, "UPDATE customers SET name = NULL, segment = NULL, created_at = NULL", &error));
    g_assert_no_error (error);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer));
  wait_for_view ();
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpuint (count_labels_with (history, "购买"), >=, 12);
  shoot ("recommendations-activity-zh");
  g_unsetenv ("LANGUAGE");
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 860);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("shopdesk-recs-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  shop_path = g_build_filename (tmp_dir, "demo.sqlite", NULL);
  make_demo_shop (shop_path);

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = sd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 860);
  g_assert_true (sd_window_open_shop (window, shop_path));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_test_add_func ("/recommendations-page/empty", test_empty);
  g_test_add_func ("/recommendations-page/search", test_search);
  g_test_add_func ("/recommendations-page/show-customer", test_show_customer);
  g_test_add_func ("/recommendations-page/back", test_back);
  g_test_add_func ("/recommendations-page/offers", test_offers);
  g_test_add_func ("/recommendations-page/no-offer-says-why", test_no_offer);
  g_test_add_func ("/recommendations-page/include-bought", test_include_bought);
  g_test_add_func ("/recommendations-page/compare", test_compare);
  g_test_add_func ("/recommendations-page/untrained-model", test_untrained_model);
  g_test_add_func ("/recommendations-page/similar", test_similar);
  g_test_add_func ("/recommendations-page/export", test_export);
  g_test_add_func ("/recommendations-page/dark", test_dark);
  g_test_add_func ("/recommendations-page/live-model", test_live_model);
  g_test_add_func ("/recommendations-page/follows-coupons", test_follows_coupons);
  g_test_add_func ("/recommendations-page/forget", test_forget);
  g_test_add_func ("/recommendations-page/order-export", test_order_export);
  g_test_add_func ("/recommendations-page/activity-chinese", test_activity_chinese);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  {
    const char *names[] = { "demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *child = g_build_filename (tmp_dir, names[i], NULL);
        g_remove (child);
      }
  }
  g_rmdir (tmp_dir);
  g_free (shop_path);
  g_free (tmp_dir);
  return status;
}
