/* sd-run-compare-dialog.c — training runs side by side, their differences highlighted */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sd-format.h"
#include "sd-json.h"
#include "sd-model-registry.h"
#include "sd-model-runs.h"
#include "sd-run-compare-dialog.h"

static GtkWidget *
cell (const char *text,
      gboolean    heading,
      gboolean    differs)
{
  GtkWidget *label = gtk_label_new (text && *text ? text : heading ? "" : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  if (differs)
    gtk_widget_add_css_class (label, "sd-differs");
  if (!text || !*text)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static char *
summary_number (const SdRunRecord *r,
                const char        *key)
{
  g_autoptr(SdJsonNode) root = r->summary ? sd_json_parse (r->summary, -1, "run summary", NULL) : NULL;
  SdJsonNode *n = root ? sd_json_node_get_member (root, key) : NULL;

  if (n == NULL || sd_json_node_get_node_type (n) != SD_JSON_NUMBER)
    return NULL;
  return sd_format_decimal (sd_json_node_get_number (n), 3);
}

static char *
data_seen (const SdRunRecord *r)
{
  g_autofree char *customers = NULL, *products = NULL, *newest = NULL;

  if (r->customers < 0)
    return NULL;
  customers = sd_format_count (r->customers);
  products = sd_format_count (r->products);
  newest = r->newest_event > 0 ? sd_format_time (r->newest_event) : g_strdup ("—");
  /* TRANSLATORS: what a training run learned from: customers, products, its newest event */
  return g_strdup_printf (_("%s customers × %s products, newest event %s"), customers, products, newest);
}

static char *
live_text (const SdRunRecord *r)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint p = 0; p < SD_N_MODEL_PURPOSES; p++)
    if (r->live_mask & (1u << p))
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", sd_model_purpose_get_label (p));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A row of values, highlighted when they are not all the same; none when no run has a
 * value. Returns the next row. */
static int
add_row (GtkGrid    *grid,
         int         row,
         const char *title,
         char      **values,
         guint       n)
{
  gboolean differs = FALSE, any = FALSE;

  for (guint c = 0; c < n; c++)
    any |= values[c] != NULL;
  if (!any)
    return row;

  for (guint c = 1; c < n; c++)
    differs |= g_strcmp0 (values[c], values[0]) != 0;
  gtk_grid_attach (grid, cell (title, TRUE, differs), 0, row, 1, 1);
  for (guint c = 0; c < n; c++)
    gtk_grid_attach (grid, cell (values[c], FALSE, differs), (int) c + 1, row, 1, 1);
  return row + 1;
}

GtkWidget *
sd_run_compare_dialog_new (GtkWindow *parent,
                           GPtrArray *records,
                           GPtrArray *titles)
{
  static const char *const metrics[] = { "ndcg@10", "recall@20", "precision@10", "coverage", "valid_accuracy" };
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Compare Runs"), NULL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree gboolean *differs = NULL;
  guint n = records->len, n_differing = 0;
  int row = 0;

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Settings that differ between the runs are highlighted."));
  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 6);

  gtk_grid_attach (grid, cell (NULL, TRUE, FALSE), 0, row, 1, 1);
  for (guint c = 0; c < n; c++)
    gtk_grid_attach (grid, cell (g_ptr_array_index (titles, c), TRUE, FALSE), (int) c + 1, row, 1, 1);
  row++;

#define ROW(title, expr) \
  G_STMT_START { \
    g_auto(GStrv) values = g_new0 (char *, n + 1); \
    for (guint c = 0; c < n; c++) \
      { \
        const SdRunRecord *r = g_ptr_array_index (records, c); \
        values[c] = (expr); \
      } \
    row = add_row (grid, row, title, values, n); \
  } G_STMT_END

  ROW (_("Model"), g_strdup (r->model));
  ROW (_("Started"), sd_format_time (r->started_at));
  ROW (_("Took"), r->finished_at > r->started_at
                  ? g_strdup_printf (_("%ld s"), (long) (r->finished_at - r->started_at)) : NULL);
  ROW (_("Data seen"), data_seen (r));
  ROW (_("Live for"), live_text (r));
  ROW (_("Note"), g_strdup (r->note));
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    ROW (metrics[m], summary_number (r, metrics[m]));

  keys = sd_model_runs_param_keys (records, &differs);
  for (guint k = 0; k < keys->len; k++)
    {
      const char *key = g_ptr_array_index (keys, k);
      ROW (key, sd_run_record_param (r, key));
      n_differing += differs[k];
    }
#undef ROW

  g_object_set_data (G_OBJECT (dialog), "sd-n-differing", GUINT_TO_POINTER (n_differing));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (grid));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), MIN (1000, 300 + 240 * (int) n), -1);
  return dialog;
}

guint
sd_run_compare_dialog_get_n_differing (GtkWidget *dialog)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "sd-n-differing"));
}
