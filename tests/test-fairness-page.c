/* test-fairness-page.c — the Fairness page on a demo shop with a live model: the report
 * fills in from its job, choosing the exposure floor measures again and shows before and
 * after (coverage up), saving serves the re-ranking with the live model, and screenshots
 * of the page before and after re-ranking at 1024×700 */
#include "config.h"

#include "sd-fairness-page.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-train-job.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static UiDemoWindow t;

static void
train_and_promote (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (t.shop_path, &error);
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdRecommender) model = NULL;
  gint64 id;

  g_assert_no_error (error);
  all = sd_interactions_from_store (store, NULL, NULL, &error);
  g_assert_no_error (error);
  model = sd_recommender_new ("ease", &error);
  g_assert_no_error (error);
  g_assert_true (sd_recommender_fit (model, all, NULL, &error));
  id = sd_model_store_save (store, model, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sd_model_registry_promote (store, id, SD_MODEL_PURPOSE_RECOMMENDATIONS, "test", NULL, &error));
  g_assert_no_error (error);
}

static GtkScrolledWindow *
find_scrolled (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found;
      if (GTK_IS_SCROLLED_WINDOW (child) && gtk_widget_get_mapped (child))
        return GTK_SCROLLED_WINDOW (child);
      if ((found = find_scrolled (child)))
        return found;
    }
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *prefix)
{
  return ui_test_has_label (widget, prefix, FALSE);
}

static void
test_page (void)
{
  SdFairnessPage *page;
  const SdFairnessReport *report;
  SdRerankSpec spec = { SD_RERANK_EXPOSURE, 0.6 };
  double coverage_before;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  train_and_promote ();
  gtk_widget_activate_action (GTK_WIDGET (t.window), "win.show-page", "s", "fairness");
  page = SD_FAIRNESS_PAGE (sd_window_get_page (t.window, "fairness"));
  g_assert_nonnull (page);
  UI_WAIT_UNTIL (sd_fairness_page_get_report (page) != NULL && !sd_fairness_page_get_loading (page), 120);
  report = sd_fairness_page_get_report (page);
  g_assert_cmpstr (report->source, ==, "live");
  g_assert_null (report->after);
  /* The model named as the Training page names it, not by its identifier ("ease #1"). */
  {
    g_autofree char *expected = g_strdup_printf ("The live model, EASE (closed form) #%" G_GINT64_FORMAT ".",
                                                 (gint64) report->model_id);
    g_assert_true (has_label (GTK_WIDGET (page), expected));
  }
  g_assert_cmpuint (report->before->dimensions->len, >=, 4);
  /* the figures' names are explained in words on the page, not only on hover */
  g_assert_true (has_label (GTK_WIDGET (page), "0: every product recommended as often"));
  g_assert_true (has_label (GTK_WIDGET (page), "How high the products each customer went on to choose"));
  /* Recall@20 named in plain words, its own name kept in the explanation under it */
  g_assert_true (has_label (GTK_WIDGET (page), "Found again in the top 20"));
  g_assert_false (has_label (GTK_WIDGET (page), "Recall@20"));
  g_assert_true (has_label (GTK_WIDGET (page), "Share of each customer’s held-out products found in their top twenty (Recall@20)"));
  coverage_before = report->before->coverage;
  sd_fairness_page_show_groups (page, "segment");
  ui_test_spin (1000);
  /* segments named as people read them, not as stored */
  g_assert_true (has_label (GTK_WIDGET (page), "VIP"));
  g_assert_false (has_label (GTK_WIDGET (page), "vip"));
  ui_test_save_screenshot (GTK_WIDGET (t.window), "fairness-before");

  sd_fairness_page_set_rerank (page, &spec);
  UI_WAIT_UNTIL (!sd_fairness_page_get_loading (page) && sd_fairness_page_get_report (page)->after != NULL, 120);
  report = sd_fairness_page_get_report (page);
  g_assert_cmpfloat (report->rerank.strength, ==, 0.6);
  g_assert_cmpfloat (report->before->coverage, ==, coverage_before);
  g_assert_cmpfloat (report->after->coverage, >, report->before->coverage);
  g_assert_cmpfloat (report->after->tail_share, >, report->before->tail_share);
  sd_fairness_page_show_groups (page, "segment");
  ui_test_spin (1000);
  ui_test_save_screenshot (GTK_WIDGET (t.window), "fairness-after");
  {
    /* The groups and categories, further down the same page. */
    GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (find_scrolled (GTK_WIDGET (page)));
    gtk_adjustment_set_value (v, 360);
    ui_test_spin (500);
    ui_test_save_screenshot (GTK_WIDGET (t.window), "fairness-after-groups");
  }

  /* Saved with the live model, through the page's action. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fairness.save", NULL);
  saved = sd_model_registry_get_rerank (sd_window_get_store (t.window), report->model_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, "exposure=0.6");

  /* The private export asks for its budget first. */
  gtk_widget_activate_action (GTK_WIDGET (page), "fairness.export-private", NULL);
  ui_test_spin (300);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
    AdwMessageDialog *dialog = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_MESSAGE_DIALOG (w))
          dialog = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (dialog);
    g_assert_true (adw_message_dialog_has_response (dialog, "export"));
    /* ε said in words */
    g_assert_true (has_label (adw_message_dialog_get_extra_child (dialog), "ε (epsilon) limits how much"));
    adw_message_dialog_response (dialog, "cancel");
  }
}

/* A shop whose products have neither categories nor tags (Online Retail): MMR has nothing
 * to tell alike products by, and the re-ranking row says it changes nothing rather than
 * leaving a row of zeros to puzzle over. After test_page: the model is live. */
static void
test_nothing_to_go_by (void)
{
  SdFairnessPage *page = SD_FAIRNESS_PAGE (sd_window_get_page (t.window, "fairness"));
  SdRerankSpec mmr = { SD_RERANK_MMR, 0.5 };
  const SdFairnessReport *report;
  const char *futile = "This shop’s products have no categories or tags";

  g_assert_false (has_label (GTK_WIDGET (page), futile));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (t.shop_path, &error);
    g_assert_no_error (error);
    g_assert_true (sd_store_exec (store, "UPDATE products SET category = NULL, tags = NULL", &error));
    g_assert_no_error (error);
  }
  sd_store_notify_changed_detail (sd_window_get_store (t.window), SD_STORE_CHANGED_DATA);
  sd_fairness_page_set_rerank (page, &mmr);
  UI_WAIT_UNTIL (!sd_fairness_page_get_loading (page) && sd_fairness_page_get_report (page)->after != NULL &&
                 sd_fairness_page_get_report (page)->rerank.kind == SD_RERANK_MMR, 120);
  report = sd_fairness_page_get_report (page);
  g_assert_cmpuint (report->n_categorised, ==, 0);
  g_assert_cmpuint (report->n_tagged, ==, 0);
  g_assert_cmpfloat (report->after->coverage, ==, report->before->coverage);
  ui_test_spin (300);
  g_assert_true (has_label (GTK_WIDGET (page), futile));
}

int
main (int    argc,
      char **argv)
{
  int status;

  ui_demo_window_open (&t, &argc, &argv, "600", 1024, 700);
  g_test_add_func ("/fairness-page/report-rerank-save", test_page);
  g_test_add_func ("/fairness-page/nothing-to-go-by", test_nothing_to_go_by);
  status = g_test_run ();
  ui_demo_window_close (&t);
  return status;
}
