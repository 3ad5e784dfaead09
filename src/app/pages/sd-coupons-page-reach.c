/* sd-coupons-page-reach.c — the customers a coupon rule reaches: a searchable list, each
 * customer's profile, export as CSV */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-condition-row.h"
#include "sd-coupon-interest.h"
#include "sd-coupons-page-private.h"
#include "sd-csv.h"

/* ---------------------------------------------------------------- customers reached */

typedef struct {
  GtkStringList *all;      /* one line per customer: "id\tname\tcountry\tsegment\tspend" */
} CustomersDialog;

static gboolean
customer_filter (gpointer item,
                 gpointer user_data)
{
  GtkEditable *search = user_data;
  const char *query = gtk_editable_get_text (search);
  const char *line = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  g_autofree char *fold_line = NULL, *fold_query = NULL;

  if (query == NULL || *query == '\0')
    return TRUE;
  fold_line = g_utf8_casefold (line, -1);
  fold_query = g_utf8_casefold (query, -1);
  return strstr (fold_line, fold_query) != NULL;
}

static void
setup_customer_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_customer_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  const char *line = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) f = g_strsplit (line, "\t", -1);
  g_autofree char *markup = NULL;

  if (g_strv_length (f) < 5)
    return;
  markup = g_markup_printf_escaped ("<b>%s</b>  %s\n<small>%s · %s · %s</small>", f[1], f[0], f[2], f[3], f[4]);
  gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (item)), markup);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    GListModel      *model)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(SdCsvWriter) writer = sd_csv_writer_new (csv);
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      /* Every text field quoted: ids such as 00123 stay text in a spreadsheet. */
      sd_csv_writer_set_quote_all (writer, TRUE);
      sd_csv_writer_add_row (writer, "customer", "name", "country", "segment", "spend", NULL);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
          g_auto(GStrv) f = g_strsplit (gtk_string_object_get_string (item), "\t", -1);
          for (guint c = 0; f[c]; c++)
            sd_csv_writer_add_string (writer, f[c]);
          sd_csv_writer_end_row (writer);
        }
      if (!g_file_replace_contents (file, csv->str, csv->len, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        g_warning ("Could not export the customers: %s", error->message);
    }
  g_object_unref (chooser);
  g_object_unref (model);
}

static void
export_clicked_cb (GtkButton  *button,
                   GListModel *model)
{
  GtkNativeDialog *chooser;

  chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Export Customers"),
                                                            GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                            GTK_FILE_CHOOSER_ACTION_SAVE,
                                                            _("_Export"), _("_Cancel")));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "customers.csv");
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (model));
  gtk_native_dialog_show (chooser);
}

static void
customer_activated_cb (GtkListView *view,
                       guint        position,
                       gpointer     user_data)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GtkStringObject) item = g_list_model_get_item (model, position);
  g_auto(GStrv) f = g_strsplit (gtk_string_object_get_string (item), "\t", 2);
  GtkWidget *dialog = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view)));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  /* The Recommendations page shows the customer's recommendations and offers. */
  if (parent && gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-customer", "s", f[0]))
    gtk_window_close (GTK_WINDOW (dialog));
}

void
sd_coupons_page_show_customers_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  SdCustomerFacts *facts;
  g_autoptr(GtkStringList) lines = gtk_string_list_new (NULL);
  GtkWidget *window, *box, *header, *search, *scroller, *list, *export;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  g_autofree char *title = NULL;

  if (self->facts == NULL || self->edit_preview == NULL)
    return;
  facts = self->facts->facts;
  for (guint c = 0; c < facts->n_customers; c++)
    if (sd_rule_preview_reaches (self->edit_preview, c))
      {
        const SdCustomerFact *cf = &facts->customers[c];
        g_autofree char *spend = sd_coupons_page_money_text (self, cf->spend_cents);
        g_autofree char *line = g_strdup_printf ("%s\t%s\t%s\t%s\t%s", cf->external_id,
                                                 cf->name ? cf->name : "—",
                                                 cf->country >= 0 ? (char *) g_ptr_array_index (facts->countries, cf->country) : "—",
                                                 cf->segment >= 0 ? (char *) g_ptr_array_index (facts->segments, cf->segment) : "—",
                                                 spend);
        gtk_string_list_append (lines, line);
      }

  title = g_strdup_printf (_("%s — Customers Reached"), self->edit_preview->name);
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 560);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  export = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), export);
  gtk_box_append (GTK_BOX (box), header);
  search = gtk_search_entry_new ();
  gtk_widget_set_margin_start (search, 12);
  gtk_widget_set_margin_end (search, 12);
  gtk_widget_set_margin_top (search, 6);
  gtk_widget_set_margin_bottom (search, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search customers"), -1);
  gtk_box_append (GTK_BOX (box), search);

  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_steal_pointer (&lines)),
                                        GTK_FILTER (gtk_custom_filter_new (customer_filter, search, NULL)));
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (gtk_filter_changed),
                            gtk_filter_list_model_get_filter (filtered));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_customer_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_customer_cb), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (filtered))), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  gtk_widget_add_css_class (list, "navigation-sidebar");
  g_signal_connect (list, "activate", G_CALLBACK (customer_activated_cb), NULL);
  g_signal_connect (export, "clicked", G_CALLBACK (export_clicked_cb),
                    gtk_single_selection_get_model (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list)))));
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}
