/* sd-order-window.c — one order, read in a job on its own connection */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-format.h"
#include "sd-job-result.h"
#include "sd-list-rows.h"
#include "sd-order-lines.h"
#include "sd-order-window.h"
#include "sd-product-kind.h"
#include "sd-product-window.h"

typedef struct {
  char          *db_path;
  gint64         order_id;
  SdOrderDetail *detail;
} Load;

static void
load_free (Load *load)
{
  g_free (load->db_path);
  g_clear_pointer (&load->detail, sd_order_detail_free);
  g_free (load);
}

struct _SdOrderWindow
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkListBox      *facts_list;
  AdwPreferencesGroup *lines_group;
  GtkListBox      *lines_list;
  GtkListBox      *totals_list;

  SdStore         *store;
  GWeakRef         opener;
  SdJob           *job;
  SdOrderDetail   *detail;
};

G_DEFINE_FINAL_TYPE (SdOrderWindow, sd_order_window, ADW_TYPE_WINDOW)

static gboolean
load_order (SdJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Load *load = data;
  g_autoptr(SdStore) store = sd_store_open_full (load->db_path, SD_STORE_OPEN_EXISTING, error);

  if (store == NULL)
    return FALSE;
  load->detail = sd_order_detail_load (store, load->order_id, error);
  return load->detail != NULL;
}

static void
add_total (SdOrderWindow *self,
           const char    *title,
           gint64         cents,
           gboolean       always)
{
  g_autofree char *value = NULL;
  GtkWidget *row;

  if (cents == 0 && !always)
    return;
  value = sd_format_money (cents, self->detail->currency);
  row = sd_value_row_new (title, NULL, value, FALSE);
  gtk_list_box_append (self->totals_list, row);
}

static void
show_detail (SdOrderWindow *self)
{
  SdOrderDetail *d = self->detail;
  g_autofree char *when = sd_format_time (d->placed_at);
  g_autofree char *title = g_strdup_printf (_("Order %s"), d->external_id ? d->external_id : "");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", sd_format_order_status (d->status), when);
  g_autofree char *n_lines = NULL;
  GtkWidget *row;

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);

  sd_list_box_remove_all (self->facts_list);
  if (d->customer_external_id)
    {
      row = sd_value_row_new (_("Customer"), d->customer_name ? d->customer_external_id : NULL,
                      d->customer_name ? d->customer_name : d->customer_external_id, TRUE);
      gtk_widget_set_tooltip_text (row, _("Open this customer on the Recommendations page"));
      gtk_list_box_append (self->facts_list, row);
    }
  else
    gtk_list_box_append (self->facts_list, sd_value_row_new (_("Customer"), NULL, _("None recorded"), FALSE));
  gtk_list_box_append (self->facts_list, sd_value_row_new (_("Status"), NULL, sd_format_order_status (d->status), FALSE));
  gtk_list_box_append (self->facts_list, sd_value_row_new (_("Placed"), NULL, when, FALSE));
  if (d->country)
    gtk_list_box_append (self->facts_list, sd_value_row_new (_("Country"), NULL, sd_format_country (d->country), FALSE));
  {
    /* What was charged, in the order's own currency, before the lines that make it up. */
    g_autofree char *total = sd_format_money (d->total_cents, d->currency);
    g_autofree char *currency = g_strdup_printf (_("In %s"), d->currency ? d->currency : "—");
    row = sd_value_row_new (_("Total"), currency, total, FALSE);
    gtk_list_box_append (self->facts_list, row);
  }

  sd_list_box_remove_all (self->lines_list);
  n_lines = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line", "%u lines", d->lines->len), d->lines->len);
  adw_preferences_group_set_description (self->lines_group, n_lines);
  for (guint i = 0; i < d->lines->len; i++)
    {
      const SdOrderLine *line = g_ptr_array_index (d->lines, i);
      g_autofree char *quantity = sd_format_count (line->quantity);
      g_autofree char *price = sd_format_money (line->unit_price_cents, d->currency);
      g_autofree char *amount = sd_format_money (line->amount_cents, d->currency);
      /* TRANSLATORS: an order line: "2 × £3.90 = £7.80" */
      g_autofree char *value = g_strdup_printf (_("%s × %s = %s"), quantity, price, amount);
      SdProductKind kind = SD_PRODUCT_MERCHANDISE;
      g_autofree char *sub = NULL;

      sd_product_kind_from_string (line->kind, &kind);
      sub = kind == SD_PRODUCT_MERCHANDISE
            ? g_strdup (line->external_id)
            : g_strdup_printf ("%s · %s", line->external_id ? line->external_id : "", sd_product_kind_label (kind));
      row = sd_value_row_new (line->title ? line->title : line->external_id ? line->external_id : _("A deleted product"),
                      sub, value, line->product_id != 0);
      if (line->quantity < 0)
        gtk_widget_set_tooltip_text (row, _("A negative quantity cancels or returns what an earlier order sold"));
      else if (line->product_id != 0)
        gtk_widget_set_tooltip_text (row, _("Open this product"));
      g_object_set_data_full (G_OBJECT (row), "product-id", g_memdup2 (&line->product_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->lines_list, row);
    }

  sd_list_box_remove_all (self->totals_list);
  add_total (self, _("Lines"), d->lines_cents, TRUE);
  add_total (self, _("Discount"), -d->discount_cents, FALSE);
  add_total (self, _("Shipping"), d->shipping_cents, FALSE);
  add_total (self, _("Tax"), d->tax_cents, FALSE);
  {
    g_autofree char *total = sd_format_money (d->total_cents, d->currency);
    row = sd_value_row_new (_("Charged"), _("What the shop's export says the customer paid"), total, FALSE);
    gtk_widget_add_css_class (row, "heading");
    gtk_list_box_append (self->totals_list, row);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdOrderWindow) self = user_data;
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
  self->detail = g_steal_pointer (&((Load *) sd_job_get_data (job))->detail);
  show_detail (self);
}

static void
fact_activated_cb (SdOrderWindow *self,
                   GtkListBoxRow *row)
{
  g_autoptr(GtkWidget) opener = g_weak_ref_get (&self->opener);

  if (self->detail == NULL || self->detail->customer_external_id == NULL || opener == NULL)
    return;
  if (gtk_widget_activate_action (opener, "win.show-customer", "s", self->detail->customer_external_id))
    gtk_window_present (GTK_WINDOW (opener));
}

static void
line_activated_cb (SdOrderWindow *self,
                   GtkListBoxRow *row)
{
  const gint64 *product_id = g_object_get_data (G_OBJECT (row), "product-id");
  g_autoptr(GtkWidget) opener = g_weak_ref_get (&self->opener);

  if (product_id && *product_id && self->store)
    sd_product_window_show (opener ? opener : GTK_WIDGET (self), self->store, *product_id);
}

gboolean
sd_order_window_get_loading (SdOrderWindow *self)
{
  g_return_val_if_fail (SD_IS_ORDER_WINDOW (self), FALSE);
  return self->job != NULL;
}

SdOrderWindow *
sd_order_window_show (GtkWidget *from,
                      SdStore   *store,
                      gint64     order_id)
{
  GtkRoot *root = from ? gtk_widget_get_root (from) : NULL;
  SdOrderWindow *self;
  Load *load;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  self = g_object_new (SD_TYPE_ORDER_WINDOW, NULL);
  self->store = g_object_ref (store);
  if (GTK_IS_WINDOW (root))
    {
      /* As large as suits it, but never larger than the window it opens over. */
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MIN (720, MAX (360, gtk_widget_get_width (GTK_WIDGET (root)) - 60)),
                                   MIN (640, MAX (300, gtk_widget_get_height (GTK_WIDGET (root)) - 40)));
      gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
      g_weak_ref_set (&self->opener, root);
    }
  load = g_new0 (Load, 1);
  load->db_path = g_strdup (sd_store_get_path (store));
  load->order_id = order_id;
  self->job = sd_job_new (_("Order"), load_order, load, (GDestroyNotify) load_free);
  gtk_spinner_start (self->spinner);
  sd_job_run_async (self->job, load_done_cb, g_object_ref (self));
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

static void
sd_order_window_dispose (GObject *object)
{
  SdOrderWindow *self = SD_ORDER_WINDOW (object);

  if (self->job)
    sd_job_cancel (self->job);
  g_clear_object (&self->job);
  g_clear_object (&self->store);
  g_clear_pointer (&self->detail, sd_order_detail_free);
  G_OBJECT_CLASS (sd_order_window_parent_class)->dispose (object);
}

static void
sd_order_window_finalize (GObject *object)
{
  g_weak_ref_clear (&SD_ORDER_WINDOW (object)->opener);
  G_OBJECT_CLASS (sd_order_window_parent_class)->finalize (object);
}

static void
sd_order_window_class_init (SdOrderWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_order_window_dispose;
  object_class->finalize = sd_order_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-order-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, facts_list);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, lines_group);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, lines_list);
  gtk_widget_class_bind_template_child (widget_class, SdOrderWindow, totals_list);
  gtk_widget_class_bind_template_callback (widget_class, fact_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, line_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sd_order_window_init (SdOrderWindow *self)
{
  g_weak_ref_init (&self->opener, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
