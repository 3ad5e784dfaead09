/* sd-product-window.c — a product's view, loaded in two jobs: its sales (SQL over its
 * lines, quick) and its similar items (the interaction matrix and a model, seconds on a
 * large shop), each with its own spinner */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-format.h"
#include "sd-job-result.h"
#include "sd-kpi-card.h"
#include "sd-list-rows.h"
#include "sd-product-kind.h"
#include "sd-product-view.h"
#include "sd-product-window.h"
#include "sd-time-chart.h"

#define TOP_N 10
#define N_SIMILAR 8

typedef struct {
  char          *db_path;
  gint64         product_id;
  SdProductView *view;
  GPtrArray     *similar;     /* SdProductPeer */
  const char    *source;      /* "itemknn" or "content" */
} Load;

static void
load_free (Load *load)
{
  g_free (load->db_path);
  g_clear_pointer (&load->view, sd_product_view_free);
  g_clear_pointer (&load->similar, g_ptr_array_unref);
  g_free (load);
}

struct _SdProductWindow
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkLabel        *kind_label;
  GtkFlowBox      *figures;
  GtkToggleButton *chart_revenue;
  SdTimeChart     *chart;
  GtkListBox      *buyers_list;
  GtkListBox      *together_list;
  AdwPreferencesGroup *similar_group;
  GtkSpinner      *similar_spinner;
  GtkListBox      *similar_list;

  char            *db_path;
  GWeakRef         opener;        /* the window a buyer is shown in */
  gint64           product_id;
  SdJob           *job;
  SdJob           *similar_job;
  SdProductView   *view;
};

G_DEFINE_FINAL_TYPE (SdProductWindow, sd_product_window, ADW_TYPE_WINDOW)

/* ---- Workers ---------------------------------------------------------------------- */

static gboolean
load_view (SdJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Load *load = data;
  g_autoptr(SdStore) store = sd_store_open_full (load->db_path, SD_STORE_OPEN_EXISTING, error);

  if (store == NULL)
    return FALSE;
  load->view = sd_product_view_load (store, load->product_id, TOP_N, cancellable, error);
  return load->view != NULL;
}

static gboolean
load_similar (SdJob         *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Load *load = data;
  g_autoptr(SdStore) store = sd_store_open_full (load->db_path, SD_STORE_OPEN_EXISTING, error);

  if (store == NULL)
    return FALSE;
  load->similar = sd_product_similar_load (store, load->product_id, N_SIMILAR, &load->source,
                                           cancellable, error);
  return load->similar != NULL;
}

/* ---- Showing ---------------------------------------------------------------------- */

static void
add_peer_rows (GtkListBox *list,
               GPtrArray  *peers,
               gboolean    counts)
{
  for (guint i = 0; i < peers->len; i++)
    {
      const SdProductPeer *peer = g_ptr_array_index (peers, i);
      g_autofree char *value = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (counts)
        {
          g_autofree char *n = sd_format_count ((gint64) peer->score);
          value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s order", "%s orders", (gulong) peer->score), n);
        }
      else
        /* TRANSLATORS: how alike two products are, from 0 to 100 % */
        value = g_strdup_printf (_("%.0f %% alike"), 100 * peer->score);
      subtitle = peer->category ? g_strdup_printf ("%s · %s", peer->external_id ? peer->external_id : "", peer->category)
                                : g_strdup (peer->external_id);
      row = sd_value_row_new (peer->title ? peer->title : peer->external_id, subtitle, value, TRUE);
      gtk_widget_set_tooltip_text (row, _("Open this product"));
      g_object_set_data_full (G_OBJECT (row), "product-id", g_memdup2 (&peer->product_id, sizeof (gint64)), g_free);
      gtk_list_box_append (list, row);
    }
}

static void
show_figures (SdProductWindow *self)
{
  SdProductView *v = self->view;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures))))
    gtk_flow_box_remove (self->figures, child);

  {
    g_autofree char *value = sd_format_money_short (v->revenue_cents, v->currency);
    gtk_flow_box_append (self->figures, sd_kpi_card_new (_("Revenue"), value, _("net of returns, all time"), NULL));
  }
  {
    g_autofree char *value = sd_format_count (v->units);
    gtk_flow_box_append (self->figures, sd_kpi_card_new (_("Units Sold"), value, _("net of returns"), NULL));
  }
  {
    g_autofree char *value = sd_format_count (v->orders);
    gtk_flow_box_append (self->figures, sd_kpi_card_new (_("Orders"), value, _("sales with it"), NULL));
  }
  {
    g_autofree char *value = sd_format_count (v->customers);
    gtk_flow_box_append (self->figures, sd_kpi_card_new (_("Customers"), value, _("who bought it"), NULL));
  }
  {
    g_autofree char *value = sd_format_money (v->price_cents, v->currency);
    g_autofree char *first = sd_time_format_date (v->first_sold_at);
    g_autofree char *last = sd_time_format_date (v->last_sold_at);
    g_autofree char *detail = v->first_sold_at
                              /* TRANSLATORS: "sold 1 Dec 2010 to 9 Dec 2011" */
                              ? g_strdup_printf (_("sold %s to %s"), first, last)
                              : g_strdup (_("never sold"));
    gtk_flow_box_append (self->figures, sd_kpi_card_new (_("Price"), value, detail, NULL));
  }
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->figures)); child;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

static void
show_chart (SdProductWindow *self)
{
  SdProductView *v = self->view;
  gboolean revenue = gtk_toggle_button_get_active (self->chart_revenue);
  g_autofree gint64 *starts = NULL, *values = NULL;
  g_autofree char *title = NULL;
  const char *per;

  if (v == NULL)
    return;
  starts = g_new (gint64, MAX (1, v->series->len));
  values = g_new (gint64, MAX (1, v->series->len));
  for (guint i = 0; i < v->series->len; i++)
    {
      const SdProductBucket *b = &g_array_index (v->series, SdProductBucket, i);
      starts[i] = b->start;
      values[i] = revenue ? b->revenue_cents : b->units;
    }
  per = v->bucket == SD_TIME_BUCKET_DAY ? _("per day")
        : v->bucket == SD_TIME_BUCKET_WEEK ? _("per week") : _("per month");
  title = revenue && v->currency ? g_strdup_printf (_("Revenue %s (%s)"), per, v->currency)
          : revenue ? g_strdup_printf (_("Revenue %s"), per)
          : g_strdup_printf (_("Units %s"), per);
  sd_time_chart_set_y_title (self->chart, title);
  sd_time_chart_set_bars (self->chart, v->bucket, starts, values, v->series->len, revenue, v->currency);
}

static void
chart_toggled_cb (SdProductWindow *self)
{
  show_chart (self);
}

static void
show_view (SdProductWindow *self)
{
  SdProductView *v = self->view;
  SdProductKind kind = SD_PRODUCT_MERCHANDISE;
  g_autofree char *subtitle = NULL;
  const char *kind_label;

  sd_product_kind_from_string (v->kind, &kind);
  kind_label = sd_product_kind_label (kind);
  subtitle = g_strdup_printf ("%s · %s%s%s", v->external_id ? v->external_id : "", kind_label,
                              v->category ? " · " : "", v->category ? v->category : "");
  adw_window_title_set_title (self->window_title, v->title ? v->title : v->external_id);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), v->title ? v->title : v->external_id);

  if (kind != SD_PRODUCT_MERCHANDISE)
    {
      g_autofree char *text = g_strdup_printf (_("A product of kind %s is not merchandise: it counts in no revenue, "
                                                 "top products, recommendations or coupon item counts."), kind_label);
      gtk_label_set_text (self->kind_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->kind_label), kind != SD_PRODUCT_MERCHANDISE);

  show_figures (self);
  show_chart (self);

  sd_list_box_remove_all (self->buyers_list);
  if (v->buyers->len == 0)
    gtk_list_box_append (self->buyers_list, sd_note_row_new (_("No customer has bought it yet.")));
  for (guint i = 0; i < v->buyers->len; i++)
    {
      const SdProductBuyer *b = g_ptr_array_index (v->buyers, i);
      g_autofree char *units = sd_format_count (b->units);
      g_autofree char *value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s unit", "%s units", (gulong) b->units), units);
      g_autofree char *orders = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld order", "%ld orders", (gulong) b->orders),
                                                 (long) b->orders);
      g_autoptr(GStrvBuilder) parts = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      /* A customer with a name shows their id too: the id is what the shop's exports use. */
      if (b->name)
        g_strv_builder_add (parts, b->external_id);
      if (b->country)
        g_strv_builder_add (parts, sd_format_country (b->country));
      g_strv_builder_add (parts, orders);
      strv = g_strv_builder_end (parts);
      subtitle = g_strjoinv (" · ", strv);
      row = sd_value_row_new (b->name ? b->name : b->external_id, subtitle, value, TRUE);

      gtk_widget_set_tooltip_text (row, _("Open this customer on the Recommendations page"));
      g_object_set_data_full (G_OBJECT (row), "customer", g_strdup (b->external_id), g_free);
      gtk_list_box_append (self->buyers_list, row);
    }

  sd_list_box_remove_all (self->together_list);
  if (v->bought_together->len == 0)
    gtk_list_box_append (self->together_list, sd_note_row_new (_("Nothing else was bought in the same orders.")));
  add_peer_rows (self->together_list, v->bought_together, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
view_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdProductWindow) self = user_data;
  SdJob *job = SD_JOB (object);

  if (job != self->job)
    {
      sd_job_run_finish (job, result, NULL);
      return;
    }
  g_clear_object (&self->job);
  gtk_spinner_stop (self->spinner);
  if (!sd_job_result_show (job, result, self->stack, self->error_page))
    return;
  g_clear_pointer (&self->view, sd_product_view_free);
  self->view = g_steal_pointer (&((Load *) sd_job_get_data (job))->view);
  show_view (self);
}

static void
similar_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdProductWindow) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);
  Load *load = sd_job_get_data (job);

  if (job != self->similar_job)
    return;
  g_clear_object (&self->similar_job);
  gtk_spinner_stop (self->similar_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->similar_spinner), FALSE);
  sd_list_box_remove_all (self->similar_list);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_list_box_append (self->similar_list, sd_note_row_new (error->message));
      return;
    }
  adw_preferences_group_set_description (self->similar_group,
                                         g_strcmp0 (load->source, "itemknn") == 0
                                         ? _("Bought by the same customers (the stored item kNN model)")
                                         : _("By their titles and descriptions"));
  if (load->similar->len == 0)
    gtk_list_box_append (self->similar_list, sd_note_row_new (_("No similar merchandise: nobody has bought or viewed it yet.")));
  add_peer_rows (self->similar_list, load->similar, FALSE);
}

static void
reload (SdProductWindow *self)
{
  Load *load;

  if (self->job)
    sd_job_cancel (self->job);
  g_clear_object (&self->job);
  if (self->similar_job)
    sd_job_cancel (self->similar_job);
  g_clear_object (&self->similar_job);

  load = g_new0 (Load, 1);
  load->db_path = g_strdup (self->db_path);
  load->product_id = self->product_id;
  self->job = sd_job_new (_("Product view"), load_view, load, (GDestroyNotify) load_free);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sd_job_run_async (self->job, view_done_cb, g_object_ref (self));

  load = g_new0 (Load, 1);
  load->db_path = g_strdup (self->db_path);
  load->product_id = self->product_id;
  self->similar_job = sd_job_new (_("Similar items"), load_similar, load, (GDestroyNotify) load_free);
  sd_list_box_remove_all (self->similar_list);
  adw_preferences_group_set_description (self->similar_group, _("Looking for similar items…"));
  gtk_widget_set_visible (GTK_WIDGET (self->similar_spinner), TRUE);
  gtk_spinner_start (self->similar_spinner);
  sd_job_run_async (self->similar_job, similar_done_cb, g_object_ref (self));
}

/* ---- Going elsewhere -------------------------------------------------------------- */

static void
buyer_activated_cb (SdProductWindow *self,
                    GtkListBoxRow   *row)
{
  const char *customer = g_object_get_data (G_OBJECT (row), "customer");
  g_autoptr(GtkWidget) opener = g_weak_ref_get (&self->opener);

  if (customer == NULL || opener == NULL)
    return;
  if (gtk_widget_activate_action (opener, "win.show-customer", "s", customer))
    gtk_window_present (GTK_WINDOW (opener));
}

static void
product_activated_cb (SdProductWindow *self,
                      GtkListBoxRow   *row)
{
  const gint64 *product_id = g_object_get_data (G_OBJECT (row), "product-id");

  if (product_id)
    sd_product_window_set_product (self, *product_id);
}

void
sd_product_window_set_product (SdProductWindow *self,
                               gint64           product_id)
{
  g_return_if_fail (SD_IS_PRODUCT_WINDOW (self));

  self->product_id = product_id;
  reload (self);
}

gboolean
sd_product_window_get_loading (SdProductWindow *self)
{
  g_return_val_if_fail (SD_IS_PRODUCT_WINDOW (self), FALSE);
  return self->job != NULL || self->similar_job != NULL;
}

SdProductWindow *
sd_product_window_show (GtkWidget *from,
                        SdStore   *store,
                        gint64     product_id)
{
  GtkRoot *root = from ? gtk_widget_get_root (from) : NULL;
  SdProductWindow *self;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  self = g_object_new (SD_TYPE_PRODUCT_WINDOW, NULL);
  self->db_path = g_strdup (sd_store_get_path (store));
  if (GTK_IS_WINDOW (root))
    {
      /* As large as suits it, but never larger than the window it opens over. */
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MIN (1240, MAX (360, gtk_widget_get_width (GTK_WIDGET (root)) - 60)),
                                   MIN (860, MAX (300, gtk_widget_get_height (GTK_WIDGET (root)) - 40)));
      gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
      g_weak_ref_set (&self->opener, root);
      /* One application: the view closes with the window it belongs to. */
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }
  sd_product_window_set_product (self, product_id);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* ---- Life -------------------------------------------------------------------------- */

static void
sd_product_window_dispose (GObject *object)
{
  SdProductWindow *self = SD_PRODUCT_WINDOW (object);

  if (self->job)
    sd_job_cancel (self->job);
  g_clear_object (&self->job);
  if (self->similar_job)
    sd_job_cancel (self->similar_job);
  g_clear_object (&self->similar_job);
  g_clear_pointer (&self->view, sd_product_view_free);
  G_OBJECT_CLASS (sd_product_window_parent_class)->dispose (object);
}

static void
sd_product_window_finalize (GObject *object)
{
  SdProductWindow *self = SD_PRODUCT_WINDOW (object);

  g_weak_ref_clear (&self->opener);
  g_free (self->db_path);
  G_OBJECT_CLASS (sd_product_window_parent_class)->finalize (object);
}

static void
sd_product_window_class_init (SdProductWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_product_window_dispose;
  object_class->finalize = sd_product_window_finalize;

  g_type_ensure (SD_TYPE_TIME_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-product-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, figures);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, chart_revenue);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, buyers_list);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, together_list);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, similar_group);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, similar_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdProductWindow, similar_list);
  gtk_widget_class_bind_template_callback (widget_class, chart_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, buyer_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, product_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sd_product_window_init (SdProductWindow *self)
{
  g_weak_ref_init (&self->opener, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
