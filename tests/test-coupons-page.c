/* test-coupons-page.c — the Coupons page on the demo shop: the preview of each rule
 * agrees with the engine, an edit previews against the saved rule, saving makes a
 * version, and a rule that cannot work is refused */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "sd-application.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-store.h"
#include "sd-condition-row.h"
#include "sd-coupons-page.h"
#include "sd-demo.h"
#include "sd-format.h"
#include "sd-shop-summary.h"
#include "sd-window.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static const char *shop_path;
static SdWindow *window;

static SdCouponsPage *
page (void)
{
  return SD_COUPONS_PAGE (sd_window_get_page (window, "coupons"));
}

static gpointer
child (const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (page ()), SD_TYPE_COUPONS_PAGE, name);
}

/* The page's "Discard Changes?" dialog, or NULL when it is not asking. */
static AdwMessageDialog *
discard_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), "Discard Changes?") == 0)
      return l->data;
  return NULL;
}

static void
answer_discard (const char *response)
{
  AdwMessageDialog *dialog;

  UI_WAIT_UNTIL (discard_dialog () != NULL, 10);
  dialog = discard_dialog ();
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* What the engine says directly, without the page: the rule's reach, and its cost. */
static guint
engine_reach_cost (const char *rule_name,
                   gint64     *cost_cents)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdCustomerFacts) facts = sd_customer_facts_load (store, NULL, &error);
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (facts);
  g_autoptr(SdCouponPreview) preview = NULL;

  g_assert_no_error (error);
  g_assert_true (sd_coupon_engine_load_rules (engine, store, &error));
  preview = sd_coupon_engine_preview (engine, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < preview->n_rules; i++)
    if (g_strcmp0 (preview->rules[i].name, rule_name) == 0)
      {
        if (cost_cents)
          *cost_cents = preview->rules[i].estimated_cost_cents;
        return preview->rules[i].customers;
      }
  g_error ("no rule “%s”", rule_name);
  return 0;
}

static void
test_preview_and_save (void)
{
  const char *name = "VIP thank-you: £5 off over £50";
  GtkEditable *name_row = child ("name_row");
  GtkWidget *problem = child ("problem_label");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *currency = NULL, *expected_cost = NULL;
  gint64 id = 0, cost = -1;

  sd_window_show_page (window, "coupons");
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 60);
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_cmpint (sd_coupons_page_get_reach (page ()), ==, engine_reach_cost (name, &cost));
  /* the cost in the shop's own currency, as every money figure on screen */
  store = sd_store_open (shop_path, &error);
  g_assert_no_error (error);
  currency = sd_shop_currency (store);
  g_assert_nonnull (currency);
  expected_cost = sd_format_money (cost, currency);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child ("cost_label"))), ==, expected_cost);
  g_clear_object (&store);
  g_assert_true (gtk_widget_is_sensitive (child ("customers_button")));
  ui_test_save_screenshot (GTK_WIDGET (window), "page-coupons");

  /* A new rule's first condition has no value yet: it is refused on the spot, saying
   * which condition needs one. */
  gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.new-rule", NULL);
  gtk_editable_set_text (GTK_EDITABLE (child ("percent_row")), "150");
  UI_WAIT_UNTIL (gtk_widget_get_visible (problem), 10);
  g_test_message ("refused: %s", gtk_label_get_text (GTK_LABEL (problem)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "Segment is"));
  /* as a hint while it is written, not as an error */
  g_assert_true (gtk_widget_has_css_class (problem, "dim-label"));
  g_assert_false (gtk_widget_has_css_class (problem, "error"));
  /* and shows no figures: not the previous rule's reach and cost beside it */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child ("reach_label"))), ==, "—");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child ("cost_label"))), ==, "—");
  g_assert_cmpint (sd_coupons_page_get_reach (page ()), ==, -1);
  /* nobody to list while it cannot be previewed */
  g_assert_false (gtk_widget_is_sensitive (child ("customers_button")));

  /* Back to the saved rule: the edits of the new one are not thrown away unasked. */
  g_assert_true (sd_coupons_page_has_unsaved_changes (page ()));
  g_assert_true (sd_coupons_page_select_rule (page (), name));
  answer_discard ("discard");
  /* Rename it and save: a second version. */
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 30);
  g_assert_false (sd_coupons_page_has_unsaved_changes (page ()));
  gtk_editable_set_text (name_row, "VIP thank-you, renamed");
  /* Once the edit has been checked and previewed, save it. */
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.save", NULL));
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), "VIP thank-you, renamed"), 30);

  store = sd_store_open (shop_path, &error);
  rules = sd_coupon_rules_load (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rules->len; i++)
    if (g_strcmp0 (((SdCouponRule *) g_ptr_array_index (rules, i))->name, "VIP thank-you, renamed") == 0)
      id = ((SdCouponRule *) g_ptr_array_index (rules, i))->id;
  g_assert_cmpint (id, >, 0);
  history = sd_coupon_rule_history (store, id, &error);
  g_assert_cmpuint (history->len, ==, 2);
}

/* A condition's names are checked against the shop: a typo gets the closest country, which
 * a click applies; an edit marks the rule "•" and switching away asks first, "Keep
 * Editing" staying on it. */
static void
test_checks_and_unsaved (void)
{
  const char *name = "Welcome: 10 % off a first order";
  GtkWidget *rules = child ("rules_list");
  SdConditionRow *row;
  GtkWidget *selected;
  GtkWidget *mark;

  sd_window_show_page (window, "coupons");
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 60);
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_false (sd_coupons_page_has_unsaved_changes (page ()));
  selected = GTK_WIDGET (gtk_list_box_get_selected_row (GTK_LIST_BOX (rules)));
  mark = g_object_get_data (G_OBJECT (selected), "unsaved-mark");
  g_assert_false (gtk_widget_get_visible (mark));

  gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.add-condition", NULL);
  row = NULL;
  for (GtkWidget *r = gtk_widget_get_first_child (child ("conditions_list")); r; r = gtk_widget_get_next_sibling (r))
    if (SD_IS_CONDITION_ROW (r))
      row = SD_CONDITION_ROW (r);   /* the last: the one just added */
  g_assert_nonnull (row);
  g_assert_true (sd_coupons_page_has_unsaved_changes (page ()));
  g_assert_true (gtk_widget_get_visible (mark));

  /* the new row is "Segment is" on this shop (it has segments); make it a country */
  {
    GtkDropDown *kind = NULL;
    GtkEntry *value = NULL;
    GtkWidget *w = GTK_WIDGET (row);
    GtkWidget *stack[64];
    guint n = 0;
    stack[n++] = w;
    while (n)
      {
        GtkWidget *x = stack[--n];
        if (GTK_IS_DROP_DOWN (x) && kind == NULL && gtk_drop_down_get_selected (GTK_DROP_DOWN (x)) == 0 &&
            g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (x))) > 10)
          kind = GTK_DROP_DOWN (x);
        if (GTK_IS_ENTRY (x))
          value = GTK_ENTRY (x);
        for (GtkWidget *c = gtk_widget_get_first_child (x); c && n < G_N_ELEMENTS (stack); c = gtk_widget_get_next_sibling (c))
          stack[n++] = c;
      }
    g_assert_nonnull (kind);
    g_assert_nonnull (value);
    gtk_drop_down_set_selected (kind, 1);   /* Country is */
    gtk_editable_set_text (GTK_EDITABLE (value), "United Kingdom, Frnace");
    g_test_message ("hint: %s", sd_condition_row_get_hint (row));
    g_assert_nonnull (sd_condition_row_get_hint (row));
    g_assert_nonnull (strstr (sd_condition_row_get_hint (row), "Frnace"));
    g_assert_nonnull (strstr (sd_condition_row_get_hint (row), "France"));
    g_assert_true (sd_condition_row_apply_suggestion (row));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (value)), ==, "United Kingdom, France");
    g_assert_null (sd_condition_row_get_hint (row));
    /* far from every country: said, with nothing to apply */
    gtk_editable_set_text (GTK_EDITABLE (value), "Atlantis");
    g_assert_nonnull (sd_condition_row_get_hint (row));
    g_assert_false (sd_condition_row_apply_suggestion (row));
  }

  /* Another rule: asked first; "Keep Editing" stays on this one with its edits. */
  g_assert_true (sd_coupons_page_has_unsaved_changes (page ()));
  g_assert_true (sd_coupons_page_select_rule (page (), "VIP thank-you: £5 off over £50"));
  answer_discard ("cancel");
  g_assert_true (sd_coupons_page_has_unsaved_changes (page ()));
  g_assert_true (gtk_list_box_get_selected_row (GTK_LIST_BOX (rules)) == GTK_LIST_BOX_ROW (selected));
  /* Revert: nothing unsaved any more, the mark goes. */
  gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.revert", NULL);
  g_assert_false (sd_coupons_page_has_unsaved_changes (page ()));
  g_assert_false (gtk_widget_get_visible (mark));
}

/* A German user sees the amount as 5,00 and types 7,50: the rule saves 750 cents (the
 * editor once cut the text at the comma and saved 7 pounds as 700). */
static void
test_comma_decimal_money (void)
{
  const char *name = "VIP thank-you, renamed";
  g_autofree char *saved_numeric = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *saved_monetary = g_strdup (setlocale (LC_MONETARY, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  GtkEditable *amount = child ("amount_row");
  gint64 cents = -1;

  if (!setlocale (LC_NUMERIC, "de_DE.UTF-8"))
    {
      g_test_skip ("no de_DE.UTF-8 locale (.ci/deps.sh generates it)");
      return;
    }
  setlocale (LC_MONETARY, "de_DE.UTF-8");
  sd_window_show_page (window, "coupons");
  /* Another rule first, so the form is filled again under this locale. */
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), "Welcome: 10 % off a first order"), 30);
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 30);
  g_assert_cmpstr (gtk_editable_get_text (amount), ==, "5,00");
  gtk_editable_set_text (amount, "7,50");
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.save", NULL));
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 30);
  setlocale (LC_NUMERIC, saved_numeric);
  setlocale (LC_MONETARY, saved_monetary);

  store = sd_store_open (shop_path, &error);
  rules = sd_coupon_rules_load (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rules->len; i++)
    if (g_strcmp0 (((SdCouponRule *) g_ptr_array_index (rules, i))->name, name) == 0)
      cents = ((SdCouponRule *) g_ptr_array_index (rules, i))->action.amount_cents;
  g_assert_cmpint (cents, ==, 750);
}

/* The status line of the selected rule in the list: "On · 56 customers". */
static const char *
rule_status (void)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (GTK_LIST_BOX (child ("rules_list")));

  g_assert_nonnull (row);
  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), "status-label"));
}

/* The first entry inside @widget: a condition row's value. */
static GtkEditable *
first_entry (GtkWidget *widget)
{
  if (GTK_IS_ENTRY (widget))
    return GTK_EDITABLE (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkEditable *found = first_entry (c);
      if (found)
        return found;
    }
  return NULL;
}

/* Whether the engine, with the shop's saved rules, gives the rule @name to a customer it
 * matches (its conditions hold): what `coupons apply` and the Recommendations page's
 * offers say. */
static gboolean
given_to_a_match (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdCustomerFacts) facts = sd_customer_facts_load (store, NULL, &error);
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (facts);
  const SdCouponRule *rule = NULL;

  g_assert_no_error (error);
  g_assert_true (sd_coupon_engine_load_rules (engine, store, &error));
  for (guint i = 0; i < sd_coupon_engine_get_n_rules (engine); i++)
    if (g_strcmp0 (sd_coupon_engine_get_rule (engine, i)->name, name) == 0)
      rule = sd_coupon_engine_get_rule (engine, i);
  g_assert_nonnull (rule);
  for (guint c = 0; c < facts->n_customers; c++)
    if (sd_coupon_engine_matches (engine, rule, c, NULL))
      {
        g_autoptr(GPtrArray) applied = sd_coupon_engine_apply (engine, c, NULL);
        for (guint i = 0; i < applied->len; i++)
          if (((SdCouponApplication *) g_ptr_array_index (applied, i))->rule == rule)
            return TRUE;
        return FALSE;
      }
  g_error ("nobody matches “%s”", name);
  return FALSE;
}

/* A new rule starts off, with a condition to fill in: a half-made rule never goes live.
 * The preview says what it would do once on, and how to switch it on; saved, it is
 * given to nobody until it is switched on and saved again. */
static void
test_new_rule_starts_off (void)
{
  const char *name = "Half-made";
  GtkWidget *off = child ("off_label");
  GtkWidget *first;
  GtkEditable *value;

  sd_window_show_page (window, "coupons");
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), "Welcome: 10 % off a first order"), 60);
  /* the reloads the last test's save started are over: none refills the editor under us */
  UI_WAIT_UNTIL (!sd_coupons_page_is_loading (page ()), 60);
  gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.new-rule", NULL);
  g_assert_false (gtk_switch_get_active (child ("enabled_switch")));
  /* the condition comes first: there is one to fill in, and nothing to save until it is */
  first = gtk_widget_get_first_child (child ("conditions_list"));
  g_assert_true (SD_IS_CONDITION_ROW (first));
  UI_WAIT_UNTIL (gtk_widget_get_visible (child ("problem_label")), 10);

  value = first_entry (first);
  g_assert_nonnull (value);
  gtk_editable_set_text (value, "vip");
  gtk_editable_set_text (GTK_EDITABLE (child ("name_row")), name);
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_cmpint (sd_coupons_page_get_reach (page ()), >, 0);
  g_assert_true (gtk_widget_get_visible (off));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (off)), "Switch on Enabled"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child ("reach_heading"))), ==, "Would Reach Once On");
  ui_test_save_screenshot (GTK_WIDGET (window), "page-coupons-new-rule");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.save", NULL));
  UI_WAIT_UNTIL (!sd_coupons_page_is_loading (page ()), 60);
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 30);
  g_assert_false (gtk_switch_get_active (child ("enabled_switch")));
  g_assert_false (given_to_a_match (name));
  /* the list says whom it would reach, not that it reaches them */
  UI_WAIT_UNTIL (g_str_has_prefix (rule_status (), "Off · would reach "), 30);

  /* on: the note goes, and the coupon is given */
  gtk_switch_set_active (child ("enabled_switch"), TRUE);
  UI_WAIT_UNTIL (sd_coupons_page_get_reach (page ()) >= 0, 30);
  g_assert_false (gtk_widget_get_visible (off));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child ("reach_heading"))), ==, "Customers Reached");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page ()), "coupons.save", NULL));
  UI_WAIT_UNTIL (!sd_coupons_page_is_loading (page ()), 60);
  UI_WAIT_UNTIL (sd_coupons_page_select_rule (page (), name), 30);
  g_assert_true (given_to_a_match (name));
  UI_WAIT_UNTIL (g_str_has_prefix (rule_status (), "On · "), 30);
  g_assert_true (g_str_has_suffix (rule_status (), " customers"));
}

int
main (int    argc,
      char **argv)
{
  UiDemoWindow t = { NULL };
  int status;

  ui_demo_window_open (&t, &argc, &argv, "small", 1280, 800);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  window = t.window;
  shop_path = t.shop_path;

  g_test_add_func ("/coupons-page/checks-and-unsaved", test_checks_and_unsaved);
  g_test_add_func ("/coupons-page/preview-and-save", test_preview_and_save);
  g_test_add_func ("/coupons-page/comma-decimal-money", test_comma_decimal_money);
  g_test_add_func ("/coupons-page/new-rule-starts-off", test_new_rule_starts_off);
  status = g_test_run ();

  ui_demo_window_close (&t);
  return status;
}
