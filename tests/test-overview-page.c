/* test-overview-page.c — the Overview's date range and the drill-down views on a demo shop:
 * the figures shown are the core's for the range chosen, a top product opens its product
 * view, and an order row of the Data page opens the order's lines */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sd-data-page.h"
#include "sd-format.h"
#include "sd-order-lines.h"
#include "sd-order-window.h"
#include "sd-overview-page.h"
#include "sd-product-view.h"
#include "sd-product-window.h"
#include "sd-shop-summary.h"
#include "sd-table-model.h"
#include "sd-table-query.h"
#include "sd-table-row.h"
#include "sd-time-chart.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static UiDemoWindow demo;

static SdOverviewPage *
overview (void)
{
  return SD_OVERVIEW_PAGE (sd_window_get_page (demo.window, "overview"));
}

static gpointer
child (GtkWidget  *widget,
       GType       type,
       const char *name)
{
  return gtk_widget_get_template_child (widget, type, name);
}

/* The core's summary of the demo shop over @range, on a connection of the test's own. */
static SdShopSummary *
core_summary (const SdRange *range)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (demo.shop_path, &error);
  SdShopSummary *summary = sd_shop_summary_load_range (store, range, 10, 0, NULL, &error);

  g_assert_no_error (error);
  return summary;
}

/* The value shown on the first figure card (revenue). */
static const char *
first_card_value (void)
{
  GtkWidget *box = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "figures_box");
  GtkWidget *flow = gtk_widget_get_first_child (box);
  GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (flow)));
  GtkWidget *value = gtk_widget_get_next_sibling (gtk_widget_get_first_child (card));

  return gtk_label_get_text (GTK_LABEL (value));
}

static guint
n_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

static void
test_range (void)
{
  SdRange last30 = { SD_RANGE_LAST_30_DAYS, 0, 0 };
  g_autoptr(SdShopSummary) core = core_summary (&last30);
  g_autofree char *newest = sd_time_format_date (core->newest_order_at);
  g_autofree char *expected = g_strdup_printf ("Last 30 days to %s, the newest order", newest);
  g_autofree char *revenue = sd_format_money_short (sd_shop_summary_main (core)->now.revenue_cents, core->currency);
  GtkLabel *label = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "range_label");
  GtkDropDown *dropdown = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "range_dropdown");
  GtkWidget *box = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "figures_box");
  SdTimeChart *chart = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "chart");

  UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);
  sd_overview_page_set_range (overview (), &last30);
  UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);

  g_assert_cmpstr (gtk_label_get_text (label), ==, expected);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  /* One currency: one line of five cards, the first the core's revenue */
  g_assert_cmpuint (n_children (box), ==, 1);
  g_assert_cmpuint (n_children (gtk_widget_get_first_child (box)), ==, 5);
  g_assert_cmpstr (first_card_value (), ==, revenue);
  /* The cards keep their height on a window taller than the page, rather than taking the
   * space left over. */
  g_assert_false (gtk_widget_compute_expand (box, GTK_ORIENTATION_VERTICAL));
  g_assert_nonnull (strstr (sd_time_chart_get_description (chart), "Revenue per day"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (demo.window));
  ui_test_save_screenshot (GTK_WIDGET (demo.window), "overview-last-30-days");

  /* A custom range: its days named, its figures the core's */
  {
    SdRange june = { SD_RANGE_CUSTOM, 0, 0 };
    g_autoptr(SdShopSummary) core_june = NULL;
    g_autofree char *june_revenue = NULL;

    g_assert_true (sd_range_from_string ("2026-06-01..2026-06-30", &june));
    core_june = core_summary (&june);
    june_revenue = sd_format_money_short (sd_shop_summary_main (core_june)->now.revenue_cents, core_june->currency);
    sd_overview_page_set_range (overview (), &june);
    UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);
    g_assert_cmpstr (gtk_label_get_text (label), ==, "1 Jun 2026 to 30 Jun 2026");
    g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 4);
    g_assert_cmpstr (first_card_value (), ==, june_revenue);
    g_assert_false (gtk_widget_get_visible (child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "chart_note")));
  }

  /* A range that starts and ends inside months: those two bars are told apart, drawn
   * lighter and named under the chart, so a month of 20 days does not read as a slump. */
  {
    SdRange part = { SD_RANGE_CUSTOM, 0, 0 };
    GtkLabel *note = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "chart_note");
    g_autoptr(SdShopSummary) core_part = NULL;
    guint n;

    g_assert_true (sd_range_from_string ("2026-03-10..2026-10-20", &part));
    core_part = core_summary (&part);
    n = core_part->series->len;
    sd_overview_page_set_range (overview (), &part);
    UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);
    g_assert_cmpint (core_part->bucket, ==, SD_TIME_BUCKET_MONTH);
    g_assert_cmpuint (n, ==, 8);
    g_assert_true (sd_time_chart_bar_is_partial (chart, 0));
    g_assert_false (sd_time_chart_bar_is_partial (chart, 1));
    g_assert_false (sd_time_chart_bar_is_partial (chart, n - 2));
    g_assert_true (sd_time_chart_bar_is_partial (chart, n - 1));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (note)));
    g_assert_cmpstr (gtk_label_get_text (note), ==,
                     "Lighter bars are months the range covers only in part (March 2026: 22 of its 31 days; "
                     "October 2026: 20 of its 31 days).");
    gtk_test_widget_wait_for_draw (GTK_WIDGET (demo.window));
    ui_test_save_screenshot (GTK_WIDGET (demo.window), "overview-partial-months");
  }
}

static SdProductWindow *
find_product_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SD_IS_PRODUCT_WINDOW (w))
        return SD_PRODUCT_WINDOW (w);
    }
  return NULL;
}

static SdOrderWindow *
find_order_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SD_IS_ORDER_WINDOW (w))
        return SD_ORDER_WINDOW (w);
    }
  return NULL;
}

/* A top product opens its product view, with the core's figures for it. */
static void
test_product_view (void)
{
  GtkListBox *top = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "top_list");
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (top, 0);
  SdRange all = { SD_RANGE_ALL, 0, 0 };
  g_autoptr(SdShopSummary) core = NULL;
  g_autoptr(SdProductView) view = NULL;
  g_autoptr(GError) error = NULL;
  const SdTopProduct *best;
  SdProductWindow *window;
  GtkListBox *buyers, *together;

  sd_overview_page_set_range (overview (), &all);
  UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);
  core = core_summary (&all);
  best = g_ptr_array_index (core->top_by_revenue, 0);
  {
    g_autoptr(SdStore) store = sd_store_open (demo.shop_path, &error);
    view = sd_product_view_load (store, best->product_id, 10, NULL, &error);
    g_assert_no_error (error);
  }

  row = gtk_list_box_get_row_at_index (top, 0);
  g_assert_true (gtk_list_box_row_get_activatable (row));
  g_signal_emit_by_name (top, "row-activated", row);
  UI_WAIT_UNTIL ((window = find_product_window ()) != NULL, 10);
  UI_WAIT_UNTIL (!sd_product_window_get_loading (window), 120);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, best->title);
  buyers = child (GTK_WIDGET (window), SD_TYPE_PRODUCT_WINDOW, "buyers_list");
  together = child (GTK_WIDGET (window), SD_TYPE_PRODUCT_WINDOW, "together_list");
  g_assert_cmpuint (n_children (GTK_WIDGET (buyers)), ==, view->buyers->len);
  g_assert_cmpuint (n_children (GTK_WIDGET (together)), ==, MAX (1, view->bought_together->len));
  {
    SdProductBuyer *first = g_ptr_array_index (view->buyers, 0);
    AdwPreferencesRow *first_row = ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (buyers, 0));
    g_assert_cmpstr (adw_preferences_row_get_title (first_row), ==, first->name ? first->name : first->external_id);
  }
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  ui_test_save_screenshot (GTK_WIDGET (window), "product-view");

  /* A buyer opens on the Recommendations page of the window the view came from */
  g_signal_emit_by_name (buyers, "row-activated", gtk_list_box_get_row_at_index (buyers, 0));
  UI_WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_parent (sd_window_get_page (demo.window, "recommendations")))),
                            "recommendations") == 0, 10);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Enter on an order row of the Data page opens the order's lines. */
static void
test_order_view (void)
{
  SdDataPage *data = SD_DATA_PAGE (sd_window_get_page (demo.window, "data"));
  GtkDropDown *tables = child (GTK_WIDGET (data), SD_TYPE_DATA_PAGE, "table_dropdown");
  GtkColumnView *view = child (GTK_WIDGET (data), SD_TYPE_DATA_PAGE, "column_view");
  GListModel *rows;
  SdOrderWindow *window;
  g_autoptr(SdOrderDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBox *lines;

  sd_window_show_page (demo.window, "data");
  gtk_drop_down_set_selected (tables, SD_TABLE_ORDERS);
  rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  UI_WAIT_UNTIL (g_list_model_get_n_items (rows) > 0, 30);
  {
    g_autoptr(GObject) first = g_list_model_get_item (rows, 0);
    g_autoptr(SdStore) store = sd_store_open (demo.shop_path, &error);
    detail = sd_order_detail_load (store, sd_table_row_get_rowid (SD_TABLE_ROW (first)), &error);
    g_assert_no_error (error);
  }
  g_signal_emit_by_name (view, "activate", 0);
  UI_WAIT_UNTIL ((window = find_order_window ()) != NULL, 10);
  UI_WAIT_UNTIL (!sd_order_window_get_loading (window), 30);
  {
    g_autofree char *title = g_strdup_printf ("Order %s", detail->external_id);
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
  }
  lines = child (GTK_WIDGET (window), SD_TYPE_ORDER_WINDOW, "lines_list");
  g_assert_cmpuint (n_children (GTK_WIDGET (lines)), ==, detail->lines->len);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  ui_test_save_screenshot (GTK_WIDGET (window), "order-view");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
find_widgets (GtkWidget *widget,
              GType      type,
              GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    find_widgets (c, type, out);
}

/* Export with Differential Privacy asks for ε and the threshold and says, as they change,
 * the ε each figure spends and the noise it gets; Cancel saves nothing. */
static void
test_private_export (void)
{
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *extra;
  const char *text = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview ()), "overview.export-private", NULL));
  UI_WAIT_UNTIL ((dialog = ui_test_find_message_dialog ()) != NULL, 10);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Export with Differential Privacy");
  extra = adw_message_dialog_get_extra_child (dialog);
  find_widgets (extra, GTK_TYPE_SPIN_BUTTON, spins);
  find_widgets (extra, GTK_TYPE_LABEL, labels);
  g_assert_cmpuint (spins->len, ==, 2);
  gtk_spin_button_set_value (spins->pdata[0], 0.5);
  gtk_spin_button_set_value (spins->pdata[1], 30);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (labels->pdata[i]), "ε spent"))
      text = gtk_label_get_text (labels->pdata[i]);
  g_assert_nonnull (text);
  /* ε 0.5 over three figures: 0.17 each, a count's Laplace scale 6 */
  g_assert_nonnull (strstr (text, "0.5 in all"));
  g_assert_nonnull (strstr (text, "0.17 on each"));
  g_assert_nonnull (strstr (text, "±6"));
  g_assert_nonnull (strstr (text, "under 30 customers"));
  /* ε said in words */
  text = NULL;
  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_text (labels->pdata[i]), "ε (epsilon) limits how much"))
      text = gtk_label_get_text (labels->pdata[i]);
  g_assert_nonnull (text);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  ui_test_save_screenshot (GTK_WIDGET (dialog), "overview-private-export");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A shop whose data has only purchases (an order export): no rows of views, carts and
 * reviews at 0, one line saying so. Last: it deletes the demo shop's other events. */
static void
test_purchases_only (void)
{
  GtkListBox *events = child (GTK_WIDGET (overview ()), SD_TYPE_OVERVIEW_PAGE, "events_list");
  SdStore *store = sd_overview_page_get_store (overview ());
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *row;

  sd_window_show_page (demo.window, "overview");
  UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);
  /* The demo shop has every kind: four rows, no note. */
  g_assert_cmpuint (n_children (GTK_WIDGET (events)), ==, 4);

  g_assert_true (sd_store_exec (store, "DELETE FROM events WHERE kind <> 2", &error));
  g_assert_no_error (error);
  sd_store_notify_changed_detail (store, SD_STORE_CHANGED_DATA);
  UI_WAIT_UNTIL (!sd_overview_page_get_loading (overview ()), 60);

  g_assert_cmpuint (n_children (GTK_WIDGET (events)), ==, 2);
  row = gtk_list_box_get_row_at_index (events, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Purchase");
  row = gtk_list_box_get_row_at_index (events, 1);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "purchases only"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  ui_demo_window_open (&demo, &argc, &argv, "600", 1280, 800);
  g_test_add_func ("/overview-page/range", test_range);
  g_test_add_func ("/overview-page/product-view", test_product_view);
  g_test_add_func ("/overview-page/order-view", test_order_view);
  g_test_add_func ("/overview-page/private-export", test_private_export);
  g_test_add_func ("/overview-page/purchases-only", test_purchases_only);
  status = g_test_run ();
  ui_demo_window_close (&demo);
  return status;
}
