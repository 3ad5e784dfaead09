/* sd-data-page.c — every table of the shop, and imports of the shop's exports
 *
 * The tables are GtkColumnViews over SdTableModel, which computes the row order in a
 * worker and reads rows a page at a time, so a million rows scroll smoothly. Sorting
 * is by clicking a column header; GTK 4.8 does not say which header was clicked, so
 * each sortable column carries a probe sorter that notes when the view consults it
 * (see sorter_changed_cb). Imports run as SdJobs through the window's task list.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-data-page.h"
#include "sd-product-kind.h"
#include "sd-format.h"
#include "sd-import-report-window.h"
#include "sd-import.h"
#include "sd-line-chart.h"
#include "sd-order-window.h"
#include "sd-page-host.h"
#include "sd-product-window.h"

struct _SdDataPage
{
  GtkWidget       parent_instance;

  GtkDropDown    *table_dropdown;
  GtkMenuButton  *kind_button;
  GtkSearchEntry *search_entry;
  GtkLabel       *count_label;
  GtkSpinner     *busy_spinner;
  GtkButton      *import_button;
  GtkRevealer    *import_revealer;
  GtkLabel       *import_title;
  GtkLabel       *import_status;
  GtkButton      *import_cancel;
  GtkProgressBar *import_progress;
  GtkBox         *chart_slot;
  GtkScrolledWindow *scroller;
  GtkColumnView  *column_view;
  AdwStatusPage  *empty_status;
  GtkSpinner     *loading_spinner;

  SdStore        *store;
  SdTableModel   *model;
  GtkSingleSelection *selection;

  GObject        *probe_a;
  GObject        *probe_b;
  int             probed_column;
  guint64         shown_columns;  /* the filled columns the view was built for */
  gboolean        rebuilding;

  SdJob          *import_job;
  double          import_rate;    /* last "rows/s" point */
  SdLineChart    *rate_chart;
  guint           rate_series;
};

G_DEFINE_FINAL_TYPE (SdDataPage, sd_data_page, GTK_TYPE_WIDGET)

static void update_kind_button (SdDataPage *self);

enum {
  PROP_0,
  PROP_STORE,
  PROP_IMPORTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Columns ---------------------------------------------------------------------- */

#define PACK(column, kind) GUINT_TO_POINTER ((column) | ((guint) (kind) << 16))
#define PACKED_COLUMN(p) (GPOINTER_TO_UINT (p) & 0xffff)
#define PACKED_KIND(p) (GPOINTER_TO_UINT (p) >> 16)

static gboolean
kind_is_numeric (SdColumnKind kind)
{
  return kind == SD_COLUMN_INTEGER || kind == SD_COLUMN_MONEY;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  packed)
{
  GtkWidget *label = gtk_label_new (NULL);
  SdColumnKind kind = PACKED_KIND (packed);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), kind_is_numeric (kind) ? 1.0 : 0.0);
  if (kind_is_numeric (kind) || kind == SD_COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  if (kind == SD_COLUMN_RATING)
    gtk_widget_add_css_class (label, "sd-rating");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  packed)
{
  SdTableRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = row ? sd_table_row_get_value (row, PACKED_COLUMN (packed)) : "";

  gtk_label_set_text (GTK_LABEL (label), text);
  /* Long reviews, titles and e-mails are cut to their column; the whole text is a hover away. */
  gtk_widget_set_tooltip_text (label, g_utf8_strlen (text, -1) > 16 ? text : NULL);
}

typedef struct {
  SdDataPage *self;
  int         column;
} Probe;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Probe *probe = user_data;

  probe->self->probed_column = probe->column;
  return GTK_ORDERING_SMALLER;
}

/* A value of @kind about as wide as the widest a shop has, as the page shows it. */
static char *
widest_value (SdColumnKind kind,
              const char  *currency)
{
  static const char *const segments[] = { "new", "regular", "vip", "at-risk" };
  const char *widest = "";

  switch (kind)
    {
    case SD_COLUMN_TIME:
      return sd_format_time (1859062080);            /* 28 Nov 2028 22:08: wide digits and month */
    case SD_COLUMN_MONEY:
      return sd_format_money (-8888888, currency);   /* an order of a few thousand, refunded */
    case SD_COLUMN_INTEGER:
      return sd_format_count (888888);
    case SD_COLUMN_RATING:
      return g_strdup (sd_format_stars (5));
    case SD_COLUMN_CURRENCY:
      return g_strdup ("GBP");
    case SD_COLUMN_EVENT_KIND:
      for (SdEventKind k = 0; k < SD_N_EVENT_KINDS; k++)
        if (g_utf8_strlen (sd_format_event_kind (k), -1) > g_utf8_strlen (widest, -1))
          widest = sd_format_event_kind (k);
      return g_strdup (widest);
    case SD_COLUMN_PRODUCT_KIND:
      for (SdProductKind k = 0; k < SD_N_PRODUCT_KINDS; k++)
        if (g_utf8_strlen (sd_product_kind_label (k), -1) > g_utf8_strlen (widest, -1))
          widest = sd_product_kind_label (k);
      return g_strdup (widest);
    case SD_COLUMN_ORDER_STATUS:
      return g_strdup (sd_format_order_status ("delivered"));
    case SD_COLUMN_SEGMENT:
      /* the demo shop's; a shop's own names are as long as it likes */
      for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
        if (g_utf8_strlen (sd_format_segment (segments[i]), -1) > g_utf8_strlen (widest, -1))
          widest = sd_format_segment (segments[i]);
      return g_strdup (widest);
    case SD_COLUMN_COUNTRY:
      return g_strdup (sd_format_country ("United Kingdom"));
    case SD_COLUMN_TEXT:
    default:
      /* ids and short names (CUS-0000001, 536365, United Kingdom): longer ones ellipsize */
      return g_strdup ("CUS-0000001");
    }
}

/* The width of a column that does not expand: its title (with room for the sort arrow) or
 * its widest value, whichever is wider, in the page's font, plus the cell's padding. A
 * fixed width for a table that fits its view at 1024 px and keeps it when rows scroll by;
 * expanding columns start at a few words and share what is left. */
static int
column_width (SdDataPage *self,
              SdTable     table,
              guint       column)
{
  SdColumnKind kind = sd_table_get_column_kind (table, column);
  g_autofree char *value = widest_value (kind, sd_table_model_get_currency (self->model));
  g_autoptr(PangoLayout) layout = NULL;
  int title_width, value_width;

  if (sd_table_get_column_expands (table, column))
    return 120;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->column_view), sd_table_get_column_title (table, column));
  pango_layout_get_pixel_size (layout, &title_width, NULL);
  pango_layout_set_text (layout, value, -1);
  pango_layout_get_pixel_size (layout, &value_width, NULL);
  /* the sort arrow beside the title; the cell's padding (6 px a side in Adwaita) and a little air */
  return MAX (title_width + 20, value_width) + 16;
}

static gboolean
column_shown (guint64 filled,
              guint   column)
{
  return column >= 64 || (filled >> column) & 1;
}

/* A column no row has a value in says nothing (Online Retail's customers have no name,
 * e-mail, segment or sign-up date): it is left out until a value arrives. Left out, not
 * hidden: GTK 4.8's column view still counts a hidden column's width. When the wide
 * columns are the ones left out, the last one shown takes the room. */
static void
rebuild_columns (SdDataPage *self,
                 SdTable     table)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  guint64 filled = sd_table_model_get_filled_columns (self->model);
  gboolean any_expands = FALSE;
  guint last_shown = 0;

  self->rebuilding = TRUE;
  self->shown_columns = filled;
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->column_view, column);
    }

  for (guint i = 0; i < sd_table_get_n_columns (table); i++)
    if (column_shown (filled, i))
      {
        any_expands |= sd_table_get_column_expands (table, i);
        last_shown = i;
      }

  for (guint i = 0; i < sd_table_get_n_columns (table); i++)
    {
      SdColumnKind kind = sd_table_get_column_kind (table, i);
      GtkListItemFactory *factory;
      g_autoptr(GtkColumnViewColumn) column = NULL;

      if (!column_shown (filled, i))
        continue;
      factory = gtk_signal_list_item_factory_new ();
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), PACK (i, kind));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), PACK (i, kind));
      column = gtk_column_view_column_new (sd_table_get_column_title (table, i), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, column_width (self, table, i));
      if (sd_table_get_column_expands (table, i) || (!any_expands && i == last_shown))
        gtk_column_view_column_set_expand (column, TRUE);

      if (sd_table_get_column_sortable (table, i))
        {
          Probe *probe = g_new0 (Probe, 1);
          g_autoptr(GtkSorter) sorter = NULL;
          probe->self = self;
          probe->column = i;
          sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, probe, g_free));
          gtk_column_view_column_set_sorter (column, sorter);
        }
      gtk_column_view_append_column (self->column_view, column);
      /* Rebuilt while sorted (a column filled by an import): the header keeps its arrow. */
      if ((int) i == sd_table_model_get_sort_column (self->model))
        gtk_column_view_sort_by_column (self->column_view, column,
                                        sd_table_model_get_descending (self->model)
                                          ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
    }
  self->rebuilding = FALSE;
}

static void
filled_columns_cb (SdDataPage *self)
{
  if (sd_table_model_get_filled_columns (self->model) != self->shown_columns)
    rebuild_columns (self, sd_table_model_get_table (self->model));
}

/* GTK 4.8 has no API for the clicked header (GtkColumnViewSorter's getters are 4.10),
 * so the view's sorter is asked to compare two dummies: the first column sorter it
 * consults is the primary one, and the sign of the answer is the direction. */
static void
sorter_changed_cb (GtkSorter       *sorter,
                   GtkSorterChange  change,
                   SdDataPage      *self)
{
  int order;

  if (self->rebuilding)
    return;
  self->probed_column = -1;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  sd_table_model_set_sort (self->model, self->probed_column, order == GTK_ORDERING_LARGER);
}

/* ---- State shown around the table ------------------------------------------------- */

static void
update_status (SdDataPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean loading = sd_table_model_get_loading (self->model);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const char *error = sd_table_model_get_error (self->model);
  SdTable table = sd_table_model_get_table (self->model);
  g_autofree char *count = sd_format_count (n);
  g_autofree char *text = NULL;

  if (*search)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s match", "%s matches", n), count);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", n), count);
  gtk_label_set_text (self->count_label, self->store ? text : "");

  /* A first load shows a big spinner over the empty table; a re-sort or a search keeps
   * the old rows on screen and says it is working next to the row count. */
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading && n == 0);
  gtk_spinner_set_spinning (self->loading_spinner, loading && n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), loading && n > 0);
  gtk_spinner_set_spinning (self->busy_spinner, loading && n > 0);

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_status, "dialog-error-symbolic");
      adw_status_page_set_title (self->empty_status, _("Could Not Read the Table"));
      adw_status_page_set_description (self->empty_status, error);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_status), TRUE);
    }
  else if (n == 0 && !loading && self->store != NULL)
    {
      g_autofree char *description = NULL;

      if (*search)
        {
          adw_status_page_set_icon_name (self->empty_status, "edit-find-symbolic");
          adw_status_page_set_title (self->empty_status, _("No Matches"));
          description = g_strdup_printf (_("No row of %s contains “%s”."),
                                         sd_table_get_title (table), search);
        }
      else
        {
          adw_status_page_set_icon_name (self->empty_status, "document-open-symbolic");
          adw_status_page_set_title (self->empty_status, _("Nothing Here Yet"));
          description = g_strdup_printf (_("%s is empty. Import a shop export (Ctrl+I) to fill it."),
                                         sd_table_get_title (table));
        }
      adw_status_page_set_description (self->empty_status, description);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_status), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->empty_status), FALSE);
}

static void
table_selected_cb (SdDataPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->table_dropdown);
  g_autofree char *placeholder = NULL;

  if (selected >= SD_N_TABLES)
    return;
  sd_data_page_show_table (self, selected);
  placeholder = g_strdup_printf (_("Search %s…"), sd_table_get_title (selected));
  g_object_set (self->search_entry, "placeholder-text", placeholder, NULL);
}

void
sd_data_page_show_table (SdDataPage *self,
                         SdTable     table)
{
  g_return_if_fail (SD_IS_DATA_PAGE (self));
  g_return_if_fail (table < SD_N_TABLES);

  if (gtk_drop_down_get_selected (self->table_dropdown) != table)
    {
      gtk_drop_down_set_selected (self->table_dropdown, table);
      return;   /* table_selected_cb comes back here */
    }
  if (sd_table_model_get_table (self->model) == table &&
      g_list_model_get_n_items (gtk_column_view_get_columns (self->column_view)) > 0)
    return;

  self->rebuilding = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  sd_table_model_set_table (self->model, table);
  rebuild_columns (self, table);
  self->rebuilding = FALSE;
  update_status (self);
  update_kind_button (self);
}

static void
search_changed_cb (SdDataPage *self)
{
  if (self->rebuilding)
    return;
  sd_table_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_status (self);
}

static void
stop_search_cb (SdDataPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (SD_DATA_PAGE (widget)->search_entry));
}

/* ---- Import ----------------------------------------------------------------------- */

gboolean
sd_data_page_get_importing (SdDataPage *self)
{
  g_return_val_if_fail (SD_IS_DATA_PAGE (self), FALSE);
  return self->import_job != NULL;
}

static GtkWindow *
get_window (SdDataPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (SdDataPage *self,
       const char *message)
{
  sd_page_host_toast (GTK_WIDGET (self), message);
}

static void
message_dialog (SdDataPage *self,
                const char *heading,
                const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (get_window (self)), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_import_panel (SdDataPage *self)
{
  SdJob *job = self->import_job;
  const char *text;
  g_autofree char *status = NULL;

  if (job == NULL)
    return;
  text = sd_job_get_text (job);
  if (self->import_rate > 0)
    {
      g_autofree char *rate = sd_format_count ((gint64) self->import_rate);
      status = g_strdup_printf (_("%s · %s rows/s"), text ? text : _("Reading…"), rate);
    }
  else
    status = g_strdup (text ? text : _("Reading…"));
  gtk_label_set_text (self->import_status, status);
  gtk_progress_bar_set_fraction (self->import_progress, sd_job_get_fraction (job));
}

static void
import_job_notify_cb (SdDataPage *self)
{
  update_import_panel (self);
}

static void
import_metric_cb (SdJob      *job,
                  int         step,
                  const char *name,
                  double      value,
                  SdDataPage *self)
{
  if (g_strcmp0 (name, "rows/s") == 0)
    {
      self->import_rate = value;
      sd_line_chart_append (self->rate_chart, self->rate_series,
                            sd_job_get_elapsed_us (job) / (double) G_USEC_PER_SEC, value);
    }
  update_import_panel (self);
}

static void
import_cancel_cb (SdDataPage *self)
{
  if (self->import_job)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel-import", FALSE);
      gtk_label_set_text (self->import_status, _("Cancelling…"));
      sd_job_cancel (self->import_job);
    }
}

static void
cancel_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  import_cancel_cb (SD_DATA_PAGE (widget));
}

static void
end_import (SdDataPage *self)
{
  if (self->import_job)
    g_signal_handlers_disconnect_by_data (self->import_job, self);
  g_clear_object (&self->import_job);
  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.import", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel-import", FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMPORTING]);
}

static void
show_report (SdDataPage *self,
             SdJob      *job)
{
  GtkWindow *report = sd_import_report_window_new (GTK_WINDOW (get_window (self)), job);
  gtk_window_present (report);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdDataPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = g_strdup (g_object_get_data (G_OBJECT (job), "sd-db-path"));
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job == self->import_job)
    end_import (self);

  if (ok)
    {
      SdImportReport *report = sd_import_job_get_report (job);
      g_autofree char *rows = sd_format_count (report ? report->rows_imported : 0);
      g_autofree char *message = g_strdup_printf (_("Import finished: %s rows"), rows);

      toast (self, message);
      /* The shop may have been switched meanwhile: only the imported one changed. */
      if (self->store && g_strcmp0 (sd_store_get_path (self->store), db_path) == 0)
        sd_store_notify_changed (self->store);
      if (report)
        show_report (self, job);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("Import cancelled: the shop was left as it was"));
  else
    message_dialog (self, _("Import Failed"), error->message);
}

gboolean
sd_data_page_import_file (SdDataPage     *self,
                          const char     *path,
                          SdImportFormat  format,
                          gboolean        hash_identities)
{
  SdImportOptions options = { format, hash_identities };
  GtkWindow *window = get_window (self);
  g_autofree char *base = NULL, *title = NULL;
  SdJob *job;

  g_return_val_if_fail (SD_IS_DATA_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->store == NULL || self->import_job != NULL || window == NULL)
    return FALSE;

  job = sd_import_job_new (sd_store_get_path (self->store), path, &options);
  g_object_set_data_full (G_OBJECT (job), "sd-db-path",
                          g_strdup (sd_store_get_path (self->store)), g_free);
  self->import_job = job;
  self->import_rate = 0;
  sd_line_chart_clear_series (self->rate_chart, self->rate_series);

  base = g_path_get_basename (path);
  title = g_strdup_printf (_("Importing “%s”"), base);
  gtk_label_set_text (self->import_title, title);
  gtk_label_set_text (self->import_status, _("Reading…"));
  gtk_progress_bar_set_fraction (self->import_progress, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel-import", TRUE);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.import", FALSE);

  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (import_job_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::text", G_CALLBACK (import_job_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "metric", G_CALLBACK (import_metric_cb), self, 0);

  sd_job_set_ask_before_quit (job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), job, import_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMPORTING]);
  return TRUE;
}

static void
options_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SdDataPage       *self)
{
  AdwComboRow *format_row = g_object_get_data (G_OBJECT (dialog), "sd-format-row");
  GtkSwitch *hash_switch = g_object_get_data (G_OBJECT (dialog), "sd-hash-switch");
  const char *path = g_object_get_data (G_OBJECT (dialog), "sd-path");

  if (g_strcmp0 (response, "import") != 0)
    return;
  /* The combo lists every format but AUTO, in enum order. */
  sd_data_page_import_file (self, path, adw_combo_row_get_selected (format_row) + 1,
                            gtk_switch_get_active (hash_switch));
}

static void
ask_import_options (SdDataPage *self,
                    const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) formats = gtk_string_list_new (NULL);
  SdImportFormat detected = SD_IMPORT_AUTO;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *body = NULL;
  GtkWidget *dialog, *group, *format_row, *hash_row, *hash_switch;

  for (int f = SD_IMPORT_AUTO + 1; f < SD_N_IMPORT_FORMATS; f++)
    gtk_string_list_append (formats, sd_import_format_get_label (f));

  if (sd_import_detect_format (path, &detected, &error) && detected != SD_IMPORT_AUTO)
    body = g_strdup_printf (_("“%s” looks like a %s file. Change the format below if it is not."),
                            base, sd_import_format_get_label (detected));
  else
    body = g_strdup_printf (_("The format of “%s” could not be recognised (%s). Choose it below."),
                            base, error ? error->message : _("unknown header"));

  dialog = adw_message_dialog_new (GTK_WINDOW (get_window (self)), _("Import a Shop Export"), body);
  group = adw_preferences_group_new ();

  format_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (format_row), _("_Format"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (format_row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (format_row), G_LIST_MODEL (formats));
  adw_combo_row_set_selected (ADW_COMBO_ROW (format_row), detected != SD_IMPORT_AUTO ? detected - 1 : 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), format_row);

  hash_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hash_row), _("_Hash names and e-mails"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (hash_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (hash_row),
                               _("Customers stay distinguishable, but who they are is not stored"));
  hash_switch = gtk_switch_new ();
  gtk_widget_set_valign (hash_switch, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (hash_row), hash_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (hash_row), hash_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), hash_row);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "import");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "sd-format-row", format_row);
  g_object_set_data (G_OBJECT (dialog), "sd-hash-switch", hash_switch);
  g_object_set_data_full (G_OBJECT (dialog), "sd-path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (options_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            gpointer         user_data)
{
  g_autoptr(SdDataPage) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        ask_import_options (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i]; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdDataPage *self = SD_DATA_PAGE (widget);
  static const char *const exports[] = { "*.csv", "*.tsv", "*.txt", "*.data", "*.item",
                                         "*.csv.gz", "*.tsv.gz", "*.gz", NULL };
  static const char *const csv[] = { "*.csv", "*.csv.gz", NULL };
  static const char *const tsv[] = { "*.tsv", "*.tsv.gz", "*.data", NULL };
  static const char *const gz[] = { "*.gz", NULL };
  static const char *const all[] = { "*", NULL };
  GtkFileChooserNative *chooser;

  if (self->store == NULL || self->import_job != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Import a Shop Export"), GTK_WINDOW (get_window (self)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (chooser), _("Shop exports (CSV, TSV, compressed)"), exports);
  add_filter (GTK_FILE_CHOOSER (chooser), _("CSV files"), csv);
  add_filter (GTK_FILE_CHOOSER (chooser), _("Tab-separated files"), tsv);
  add_filter (GTK_FILE_CHOOSER (chooser), _("Compressed files (.gz)"), gz);
  add_filter (GTK_FILE_CHOOSER (chooser), _("All files"), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}


/* ---- Store ------------------------------------------------------------------------ */

static void
store_changed_cb (SdDataPage *self)
{
  sd_table_model_reload (self->model);
}

SdStore *
sd_data_page_get_store (SdDataPage *self)
{
  g_return_val_if_fail (SD_IS_DATA_PAGE (self), NULL);
  return self->store;
}

void
sd_data_page_set_store (SdDataPage *self,
                        SdStore    *store)
{
  g_return_if_fail (SD_IS_DATA_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store)
    {
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_SETTINGS, G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
    }
  sd_table_model_set_store (self->model, store);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.import",
                                 store != NULL && self->import_job == NULL);
  update_status (self);
  update_kind_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

SdTableModel *
sd_data_page_get_model (SdDataPage *self)
{
  g_return_val_if_fail (SD_IS_DATA_PAGE (self), NULL);
  return self->model;
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
sd_data_page_dispose (GObject *object)
{
  SdDataPage *self = SD_DATA_PAGE (object);

  if (self->import_job)
    g_signal_handlers_disconnect_by_data (self->import_job, self);
  g_clear_object (&self->import_job);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  if (self->column_view)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_DATA_PAGE);
  /* dispose_template leaves the unnamed top child in place: unparent whatever is left. */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  if (self->model)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);

  G_OBJECT_CLASS (sd_data_page_parent_class)->dispose (object);
}

static void
sd_data_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SdDataPage *self = SD_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_IMPORTING:
      g_value_set_boolean (value, self->import_job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_data_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SdDataPage *self = SD_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_data_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- A product's kind --------------------------------------------------------------- */

/* The kind menu is for products, and acts on the selected one. */
static void
update_kind_button (SdDataPage *self)
{
  gboolean products = sd_table_model_get_table (self->model) == SD_TABLE_PRODUCTS;

  gtk_widget_set_visible (GTK_WIDGET (self->kind_button), products && self->store != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_button),
                            gtk_single_selection_get_selected_item (self->selection) != NULL);
}

/* The rules' choice is kept over a re-import; the merchandiser's choice here is final, and
 * every page's figures follow (SdStore::changed). */
static void
set_product_kind_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  SdDataPage *self = SD_DATA_PAGE (widget);
  SdTableRow *row = gtk_single_selection_get_selected_item (self->selection);
  SdProductKind kind;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (row == NULL || self->store == NULL ||
      !sd_product_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    return;
  if (!sd_product_kind_set (self->store, sd_table_row_get_rowid (row), kind, &error))
    {
      toast (self, error->message);
      return;
    }
  /* TRANSLATORS: "P23843 is now Shipping" */
  message = g_strdup_printf (_("%s is now %s"), sd_table_row_get_value (row, 0), sd_product_kind_label (kind));
  toast (self, message);
  sd_store_notify_changed (self->store);
}

/* Enter or a double click opens a row: a customer on the Recommendations page (their
 * history, offers and recommendations), an order in a window of its lines, a product in its
 * product view (sales over time, buyers, bought together, similar items). */
static void
row_activated_cb (SdDataPage *self,
                  guint       position)
{
  g_autoptr(SdTableRow) row = NULL;
  const char *external_id;

  if (self->store == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    return;
  row = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  switch (sd_table_model_get_table (self->model))
    {
    case SD_TABLE_CUSTOMERS:
      external_id = sd_table_row_get_value (row, 0);
      if (external_id && *external_id)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-customer", "s", external_id);
      break;
    case SD_TABLE_ORDERS:
      sd_order_window_show (GTK_WIDGET (self), self->store, sd_table_row_get_rowid (row));
      break;
    case SD_TABLE_PRODUCTS:
      sd_product_window_show (GTK_WIDGET (self), self->store, sd_table_row_get_rowid (row));
      break;
    default:
      break;
    }
}

static GMenuModel *
kind_menu_new (void)
{
  GMenu *menu = g_menu_new ();

  for (SdProductKind k = 0; k < SD_N_PRODUCT_KINDS; k++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (sd_product_kind_label (k), NULL);
      g_menu_item_set_action_and_target (item, "data.set-product-kind", "s", sd_product_kind_to_string (k));
      g_menu_append_item (menu, item);
    }
  return G_MENU_MODEL (menu);
}

static void
sd_data_page_class_init (SdDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_data_page_dispose;
  object_class->get_property = sd_data_page_get_property;
  object_class->set_property = sd_data_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IMPORTING] =
    g_param_spec_boolean ("importing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, table_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, kind_button);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_title);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_status);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_cancel);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, import_progress);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, chart_slot);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, SdDataPage, loading_spinner);
  gtk_widget_class_bind_template_callback (widget_class, table_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "data.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "data.search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "data.cancel-import", NULL, cancel_import_action);
  gtk_widget_class_install_action (widget_class, "data.set-product-kind", "s", set_product_kind_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "data.search", NULL);
}

static void
sd_data_page_init (SdDataPage *self)
{
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);
  self->model = sd_table_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, 0);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::error", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::filled-columns", G_CALLBACK (filled_columns_cb),
                           self, G_CONNECT_SWAPPED);

  for (guint t = 0; t < SD_N_TABLES; t++)
    gtk_string_list_append (titles, sd_table_get_title (t));
  gtk_drop_down_set_model (self->table_dropdown, G_LIST_MODEL (titles));
  {
    g_autoptr(GMenuModel) kinds = kind_menu_new ();
    gtk_menu_button_set_menu_model (self->kind_button, kinds);
  }
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_kind_button), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  self->rate_chart = SD_LINE_CHART (sd_line_chart_new ());
  self->rate_series = sd_line_chart_add_series (self->rate_chart, "rows/s", _("Rows per second"));
  sd_line_chart_set_axis_titles (self->rate_chart, _("Seconds"), _("Rows per second"));
  gtk_widget_set_size_request (GTK_WIDGET (self->rate_chart), -1, 160);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rate_chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Import rate"), -1);
  gtk_box_append (self->chart_slot, GTK_WIDGET (self->rate_chart));
  gtk_widget_set_visible (GTK_WIDGET (self->chart_slot), TRUE);

  /* set_selected on a fresh dropdown with 0 already selected does not notify. */
  rebuild_columns (self, SD_TABLE_CUSTOMERS);
  table_selected_cb (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel-import", FALSE);
  update_status (self);
}
