/* sd-tune-dialog.c — trials of a hyperparameter search as they finish */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-format.h"
#include "sd-scatter.h"
#include "sd-tune-dialog.h"

typedef struct {
  GtkListBox *list;
  SdScatter  *chart;
  GArray     *x, *y;          /* double */
  GArray     *categories;     /* guint: the second setting's value, by first appearance */
  GPtrArray  *labels;         /* char * */
  GPtrArray  *category_names; /* char *, NULL-terminated when handed over */
  char       *metric;
} TuneView;

static void
tune_view_free (TuneView *v)
{
  g_array_unref (v->x);
  g_array_unref (v->y);
  g_array_unref (v->categories);
  g_ptr_array_unref (v->labels);
  g_ptr_array_unref (v->category_names);
  g_free (v->metric);
  g_free (v);
}

static TuneView *
view_of (GtkWidget *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "sd-tune-view");
}

GtkWidget *
sd_tune_dialog_new (GtkWindow  *parent,
                    const char *title,
                    const char *metric)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, title, _("Each setting is tried on a validation split cut "
                                                               "from the shop's data; trials appear as they finish."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  TuneView *v = g_new0 (TuneView, 1);
  g_autofree char *upper = g_ascii_strup (metric, -1);

  v->x = g_array_new (FALSE, FALSE, sizeof (double));
  v->y = g_array_new (FALSE, FALSE, sizeof (double));
  v->categories = g_array_new (FALSE, FALSE, sizeof (guint));
  v->labels = g_ptr_array_new_with_free_func (g_free);
  v->category_names = g_ptr_array_new_with_free_func (g_free);
  v->metric = g_strdup (metric);
  v->chart = SD_SCATTER (sd_scatter_new ());
  gtk_widget_set_size_request (GTK_WIDGET (v->chart), 420, 200);
  gtk_accessible_update_property (GTK_ACCESSIBLE (v->chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Validation score of each trial against the setting searched"), -1);
  sd_scatter_set_axis_titles (v->chart, _("Setting"), upper);
  v->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (v->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (v->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (v->list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trials"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (v->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 220);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (v->chart));
  gtk_box_append (GTK_BOX (box), scroller);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data_full (G_OBJECT (dialog), "sd-tune-view", v, (GDestroyNotify) tune_view_free);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"),
                                    "use", _("_Use These Values"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "use", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  return dialog;
}

/* The number after "KEY=" in an assignment, else its position among the values seen. */
static double
setting_value (const char *assignment)
{
  const char *eq = assignment ? strchr (assignment, '=') : NULL;
  char *end = NULL;
  double v;

  if (eq == NULL)
    return 0;
  v = g_ascii_strtod (eq + 1, &end);
  return end && end != eq + 1 ? v : (double) g_str_hash (eq + 1) / G_MAXUINT;
}

static void
redraw (TuneView *v)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < v->category_names->len; i++)
    g_ptr_array_add (names, g_ptr_array_index (v->category_names, i));
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (v->labels, NULL);
  sd_scatter_set_points (v->chart, (double *) v->x->data, (double *) v->y->data,
                         (guint *) v->categories->data, (const char * const *) v->labels->pdata, v->x->len);
  g_ptr_array_set_size (v->labels, v->labels->len - 1);
  sd_scatter_set_categories (v->chart, v->category_names->len > 1 ? (const char * const *) names->pdata : NULL);
}

void
sd_tune_dialog_add_trial (GtkWidget         *dialog,
                          const SdTuneTrial *trial)
{
  TuneView *v = view_of (dialog);
  g_autofree char *settings = g_strjoinv (", ", trial->assignments);
  g_autofree char *score = sd_format_decimal (trial->value, 4);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *value = gtk_label_new (score);
  double x = trial->assignments[0] ? setting_value (trial->assignments[0]) : (double) v->x->len;
  guint category = 0;

  if (trial->assignments[0] && trial->assignments[1])
    {
      const char *second = trial->assignments[1];
      for (category = 0; category < v->category_names->len; category++)
        if (g_str_equal (g_ptr_array_index (v->category_names, category), second))
          break;
      if (category == v->category_names->len)
        g_ptr_array_add (v->category_names, g_strdup (second));
    }
  g_array_append_val (v->x, x);
  g_array_append_val (v->y, trial->value);
  g_array_append_val (v->categories, category);
  g_ptr_array_add (v->labels, g_strdup_printf ("%s → %s", settings, score));
  redraw (v);
  if (v->x->len == 1 && trial->assignments[0])
    {
      const char *eq = strchr (trial->assignments[0], '=');
      g_autofree char *key = eq ? g_strndup (trial->assignments[0], eq - trial->assignments[0]) : NULL;
      g_autofree char *upper = g_ascii_strup (v->metric, -1);
      sd_scatter_set_axis_titles (v->chart, key ? key : _("Setting"), upper);
    }

  {
    /* TRANSLATORS: a trial of a hyperparameter search in a list, %u is its number */
    g_autofree char *title = g_strdup_printf (_("Trial %u"), v->x->len);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), settings);
  gtk_widget_add_css_class (value, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  gtk_list_box_append (v->list, row);
}

void
sd_tune_dialog_finish (GtkWidget          *dialog,
                       const SdTuneResult *result,
                       const char         *body)
{
  TuneView *v = view_of (dialog);
  GtkListBoxRow *best;

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  /* Trials the dialog missed (it opened late) are added now. */
  for (guint i = v->x->len; i < result->trials->len; i++)
    sd_tune_dialog_add_trial (dialog, g_ptr_array_index (result->trials, i));
  if ((best = gtk_list_box_get_row_at_index (v->list, (int) result->best)))
    {
      GtkWidget *tag = gtk_label_new (_("chosen"));
      gtk_widget_add_css_class (tag, "accent");
      gtk_widget_add_css_class (tag, "caption-heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (best), tag);
    }
  sd_scatter_set_selected (v->chart, (int) result->best);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "use", TRUE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
}

guint
sd_tune_dialog_get_n_trials (GtkWidget *dialog)
{
  return view_of (dialog)->x->len;
}
