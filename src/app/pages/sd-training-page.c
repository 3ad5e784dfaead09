/* sd-training-page.c — train recommenders in the background and compare them
 *
 * The hyperparameter editor edits a scratch instance of the chosen model: every field
 * goes through sd_recommender_set_param(), so the model itself decides what it accepts
 * and its message is what the field shows. Train turns the scratch model's values into
 * KEY=VALUE pairs for sd_train_job_new(). The runs list, the curves and the comparison
 * table ask sd-run-history on the main thread: its queries are capped and take well under
 * a millisecond; training and tuning run as jobs.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-chart-controls.h"
#include "sd-dialogue.h"
#include "sd-format.h"
#include "sd-recommender.h"
#include "sd-model-presets.h"
#include "sd-model-registry.h"
#include "sd-model-runs.h"
#include "sd-model-compare.h"
#include "sd-promote-dialog.h"
#include "sd-run-compare-dialog.h"
#include "sd-tune-dialog.h"
#include "sd-run-history.h"
#include "sd-table-row.h"
#include "sd-train-job.h"
#include "sd-columns.h"
#include "sd-training-page.h"
#include "sd-tune.h"
#include "sd-page-host.h"
#include "sd-list-rows.h"
#include "sd-summary.h"

#define MAX_RUNS 40
#define MAX_COMPARED 50
#define MAX_CURVE_POINTS 100000

struct _SdTrainingPage
{
  GtkWidget            parent_instance;

  AdwPreferencesGroup *model_group;
  AdwComboRow         *model_row;
  AdwPreferencesGroup *params_group;
  GtkWidget           *weights_group;
  GtkWidget           *eval_group;
  GtkSpinButton       *view_spin;
  GtkSpinButton       *cart_spin;
  GtkSpinButton       *purchase_spin;
  GtkSpinButton       *review_spin;
  GtkSwitch           *validate_switch;
  GtkSpinButton       *tune_budget_spin;
  GtkDropDown         *tune_budget_unit;
  GtkWidget           *tune_dialog;   /* weak: the running search's trials */
  GtkLabel            *settings_error;
  GtkButton           *tune_button;
  SdColumns           *columns;
  GtkRevealer         *progress_revealer;
  guint                follow_progress_id;   /* tick callback scrolling to the panel */
  GtkLabel            *progress_title;
  GtkLabel            *progress_status;
  GtkProgressBar      *progress_bar;
  SdLineChart         *loss_chart;
  SdLineChart         *ndcg_chart;
  SdLineChart         *classifier_chart;
  GtkWidget           *loss_empty;
  GtkWidget           *ndcg_empty;
  GtkWidget           *classifier_empty;
  GtkListBox          *runs_list;
  GtkListBox          *live_list;
  GtkStack            *metrics_stack;
  GtkColumnView       *metrics_view;

  SdStore             *store;
  SdRecommender       *scratch;       /* the model being edited */
  GPtrArray           *param_rows;    /* one row per hyperparameter */
  GPtrArray           *group_rows;    /* what params_group holds: preset, everyday rows, expert expander */
  GtkWidget           *preset_row;    /* in group_rows, or NULL for a model without presets */
  gboolean             expert_expanded;
  gboolean             updating;

  SdJob               *train_job;     /* running, or the last one (its points stay drawn) */
  gboolean             training;
  gboolean             training_chatbot;   /* train_job is sd_dialogue_train_job_new's */
  SdJob               *tune_job;
  char                *live_label;
  guint                n_live_loss;
  double               live_first_loss;   /* the running training's first loss: the scale it is drawn on */

  GHashTable          *overlaid;      /* run id (gint64 *) → TRUE */
  GArray              *validated;     /* run ids (gint64) of the comparison table's rows */
  GListStore          *metrics;       /* SdTableRow */
  guint                n_runs;
  gboolean             has_data;      /* the shop has events or order lines to learn from */
  gint64               newest_run;
  gboolean             newest_has_loss;
  gint64               retrain_of;    /* the model a running retrain would replace; 0 otherwise */
};

G_DEFINE_FINAL_TYPE (SdTrainingPage, sd_training_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TRAINING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean find_grid (const char *model, const char * const **grid,
                           const char * const **fixed, guint *n_random);
static void rebuild_charts (SdTrainingPage *self);
static void start_training (SdTrainingPage *self, const char *label);
static void reload_runs (SdTrainingPage *self);
static void update_actions (SdTrainingPage *self);
static void update_empty (SdTrainingPage *self);
static void rebuild_param_rows (SdTrainingPage *self);
static gboolean rebuild_idle_cb (gpointer data);
static void expert_expanded_cb (AdwExpanderRow *row, GParamSpec *pspec, SdTrainingPage *self);
static void update_preset_row (SdTrainingPage *self);
static void reload_live (SdTrainingPage *self);
static GtkWidget *run_menu_button (gint64 run_id, gboolean has_model, const char *title);
static void auto_promote_toggled_cb (GtkSwitch *sw, GParamSpec *pspec, SdTrainingPage *self);
static void compare_runs_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void promote_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void rename_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void delete_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void rollback_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void retrain_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
static void maybe_auto_promote (SdTrainingPage *self, SdJob *job);

/* ---- Helpers ---------------------------------------------------------------------- */

/* Text as Pango markup: &, < and > escaped, and nothing else. g_markup_escape_text()
 * also turns ' into &apos;, which some labels then show literally ("customer&apos;s"). */
static char *
escape_markup (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    switch (*p)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      default:  g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

static GtkWindow *
get_window (SdTrainingPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (SdTrainingPage *self,
       const char     *message)
{
  sd_page_host_toast (GTK_WIDGET (self), message);
}

static const char *
selected_name (SdTrainingPage *self)
{
  const char **names = sd_recommender_list_names ();
  guint selected = adw_combo_row_get_selected (self->model_row);

  for (guint i = 0; names[i]; i++)
    if (i == selected)
      return names[i];
  return NULL;
}

/* The model picker lists the recommenders, then the chatbot's intent classifier. */
static gboolean
chatbot_selected (SdTrainingPage *self)
{
  return adw_combo_row_get_selected (self->model_row) == g_strv_length ((char **) sd_recommender_list_names ());
}

/* A model name as people read it: the recommender's label, else the name itself. */
static char *
model_label (const char *kind,
             const char *name)
{
  if (g_strcmp0 (kind, "recommender") == 0 && name)
    {
      g_autoptr(SdRecommender) model = sd_recommender_new (name, NULL);
      if (model)
        return g_strdup (_(sd_recommender_get_label (model)));   /* marked with N_() in core */
    }
  if (g_strcmp0 (kind, "chatbot") == 0 && g_strcmp0 (name, "intent") == 0)
    return g_strdup (_("Chatbot intent classifier"));
  if (g_strcmp0 (kind, "chatbot") == 0)
    /* TRANSLATORS: a chatbot model in the list of training runs, %s is its name */
    return g_strdup_printf (_("Chatbot: %s"), name ? name : _("intent classifier"));
  return g_strdup (name ? name : _("Unknown model"));
}

/* What the runs list and the charts call a run: the name it was given, else its model's. */
static char *
run_title (SdStore         *store,
           const SdRunInfo *run)
{
  char *label = store ? sd_model_runs_get_label (store, run->id) : NULL;

  return label ? label : model_label (run->kind, run->model);
}

/* A metric on screen, in the user's locale: a large loss as a grouped whole number
 * ("871,521", not "8.72e+05"), others with three decimals. */
static char *
format_metric (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e4 && fabs (value) < 1e15)
    return sd_format_count ((gint64) llround (value));
  if (fabs (value) >= 1e4 || (value != 0 && fabs (value) < 1e-3))
    return g_strdup_printf ("%.3g", value);
  return g_strdup_printf ("%.3f", value);
}

static char *
format_seconds (double seconds)
{
  if (isnan (seconds))
    return g_strdup ("—");
  if (seconds < 10)
    return g_strdup_printf (_("%.2f s"), seconds);
  if (seconds < 120)
    return g_strdup_printf (_("%.1f s"), seconds);
  return g_strdup_printf (_("%.0f min"), seconds / 60);
}

/* ---- Hyperparameter editor -------------------------------------------------------- */

static gboolean
is_hyperparameter (GParamSpec *pspec)
{
  return (pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE &&
         !(pspec->flags & G_PARAM_CONSTRUCT_ONLY) &&
         g_type_is_a (pspec->owner_type, SD_TYPE_RECOMMENDER) &&
         pspec->owner_type != SD_TYPE_RECOMMENDER;
}

static char *
value_to_string (const GValue *value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_INT)
    return g_strdup_printf ("%d", g_value_get_int (value));
  if (type == G_TYPE_UINT)
    return g_strdup_printf ("%u", g_value_get_uint (value));
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
  if (type == G_TYPE_UINT64)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
  if (type == G_TYPE_DOUBLE)
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", g_value_get_double (value)));
  if (type == G_TYPE_FLOAT)
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.7g", g_value_get_float (value)));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (value) ? "true" : "false");
  if (G_TYPE_IS_ENUM (type))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (type);
      GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (value));
      return g_strdup (ev ? ev->value_nick : "");
    }
  if (type == G_TYPE_STRING)
    return g_strdup (g_value_get_string (value) ? g_value_get_string (value) : "");
  return g_strdup ("");
}

static char *
param_string (GObject    *object,
              GParamSpec *pspec)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (object, pspec->name, &value);
  return value_to_string (&value);
}

static char *
default_string (GParamSpec *pspec)
{
  return value_to_string (g_param_spec_get_default_value (pspec));
}

static gboolean
numeric_range (GParamSpec *pspec,
               double     *min,
               double     *max)
{
  if (G_IS_PARAM_SPEC_INT (pspec))
    *min = G_PARAM_SPEC_INT (pspec)->minimum, *max = G_PARAM_SPEC_INT (pspec)->maximum;
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    *min = G_PARAM_SPEC_UINT (pspec)->minimum, *max = G_PARAM_SPEC_UINT (pspec)->maximum;
  else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    *min = G_PARAM_SPEC_DOUBLE (pspec)->minimum, *max = G_PARAM_SPEC_DOUBLE (pspec)->maximum;
  else if (G_IS_PARAM_SPEC_FLOAT (pspec))
    *min = G_PARAM_SPEC_FLOAT (pspec)->minimum, *max = G_PARAM_SPEC_FLOAT (pspec)->maximum;
  else
    return FALSE;
  return TRUE;
}

/* A default or a bound as the user reads numbers: whole ones grouped ("1,000,000", not
 * "1e+06"), others with the locale's decimal mark, as the spin button beside it shows them. */
static char *
format_bound (double v,
              gboolean integral)
{
  if (integral && v >= (double) G_MAXINT)
    return g_strdup (_("any"));
  if (v == floor (v) && fabs (v) < 1e15)
    return sd_format_count ((gint64) v);
  return g_strdup_printf ("%g", v);
}

static char *
row_subtitle (const char *model,
              GParamSpec *pspec)
{
  g_autofree char *def = default_string (pspec);
  /* What the setting does for the shop first; the model's own (technical) blurb otherwise. */
  const char *plain = sd_model_param_describe (model, pspec->name);
  const char *blurb = plain ? plain : g_param_spec_get_blurb (pspec) ? _(g_param_spec_get_blurb (pspec)) : NULL;
  double min, max;

  if (numeric_range (pspec, &min, &max))
    {
      gboolean integral = !G_IS_PARAM_SPEC_DOUBLE (pspec) && !G_IS_PARAM_SPEC_FLOAT (pspec);
      g_autofree char *lo = format_bound (min, integral);
      g_autofree char *hi = format_bound (max, integral);
      g_autofree char *def_shown = format_bound (g_ascii_strtod (def, NULL), FALSE);
      /* TRANSLATORS: under a hyperparameter: its description, default value and range */
      return g_strdup_printf (_("%s. Default %s, from %s to %s."), blurb ? blurb : "", def_shown, lo, hi);
    }
  if (*def)
    /* TRANSLATORS: under a hyperparameter: its description and default value */
    return g_strdup_printf (_("%s. Default “%s”."), blurb ? blurb : "", def);
  return g_strdup (blurb ? blurb : "");
}

static GtkLabel *
row_error_label (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "sd-error-label");
}

/* An action row says what is wrong in place of its description, in the error colour; an
 * entry row (no subtitle) shows the message beside the text. */
static void
show_row_error (GtkWidget  *row,
                const char *message)
{
  GtkLabel *label = row_error_label (row);

  g_object_set_data_full (G_OBJECT (row), "sd-error", g_strdup (message), g_free);
  if (ADW_IS_ACTION_ROW (row))
    {
      const char *subtitle = g_object_get_data (G_OBJECT (row), "sd-subtitle");
      g_autofree char *escaped = escape_markup (message ? message : subtitle ? subtitle : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
    }
  else if (label)
    {
      gtk_label_set_text (label, message ? message : "");
      gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
    }
  if (message)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static gboolean
apply_param (SdTrainingPage *self,
             GtkWidget      *row,
             const char     *value)
{
  GParamSpec *pspec = g_object_get_data (G_OBJECT (row), "sd-pspec");
  g_autoptr(GError) error = NULL;

  if (self->updating || self->scratch == NULL)
    return TRUE;
  if (!sd_recommender_set_param (self->scratch, pspec->name, value, &error))
    {
      g_autofree char *kept = param_string (G_OBJECT (self->scratch), pspec);
      /* TRANSLATORS: a refused hyperparameter: the model's reason, then the value kept */
      g_autofree char *message = g_strdup_printf (_("%s. Still %s."), error->message, kept);
      show_row_error (row, message);
      return FALSE;
    }
  show_row_error (row, NULL);
  update_preset_row (self);
  return TRUE;
}

/* Typed text goes to the model before the spin button clamps it, so an out-of-range
 * value is refused with the model's own message rather than silently changed. */
static int
spin_input_cb (GtkSpinButton  *spin,
               double         *new_value,
               SdTrainingPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (spin), "sd-row");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  char *end = NULL;
  double v;

  v = g_ascii_strtod (trimmed, &end);
  if (!apply_param (self, row, trimmed))
    return GTK_INPUT_ERROR;
  if (end == trimmed)
    return GTK_INPUT_ERROR;
  *new_value = v;
  return TRUE;
}

static void
spin_value_changed_cb (GtkSpinButton  *spin,
                       SdTrainingPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (spin), "sd-row");
  GParamSpec *pspec = g_object_get_data (G_OBJECT (row), "sd-pspec");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double v = gtk_spin_button_get_value (spin);

  if (G_IS_PARAM_SPEC_DOUBLE (pspec) || G_IS_PARAM_SPEC_FLOAT (pspec))
    g_ascii_formatd (buf, sizeof buf, "%.10g", v);
  else
    g_snprintf (buf, sizeof buf, "%.0f", v);
  /* A refused entry makes the button show the kept value again, which notifies too: that
   * is no new value, and the message about the refused one stays. */
  if (self->scratch)
    {
      g_autofree char *current = param_string (G_OBJECT (self->scratch), pspec);
      if (g_ascii_strtod (current, NULL) == g_ascii_strtod (buf, NULL))
        return;
    }
  apply_param (self, row, buf);
}

static void
combo_selected_cb (AdwComboRow    *row,
                   GParamSpec     *unused,
                   SdTrainingPage *self)
{
  GParamSpec *pspec = g_object_get_data (G_OBJECT (row), "sd-pspec");
  g_autoptr(GEnumClass) klass = g_type_class_ref (pspec->value_type);
  guint selected = adw_combo_row_get_selected (row);

  if (selected < klass->n_values)
    apply_param (self, GTK_WIDGET (row), klass->values[selected].value_nick);
}

static void
entry_changed_cb (GtkEditable    *entry,
                  SdTrainingPage *self)
{
  apply_param (self, GTK_WIDGET (entry), gtk_editable_get_text (entry));
}

static void
switch_active_cb (GtkSwitch      *sw,
                  GParamSpec     *unused,
                  SdTrainingPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (sw), "sd-row");
  apply_param (self, row, gtk_switch_get_active (sw) ? "true" : "false");
}

static GtkWidget *
make_error_label (GtkWidget *row)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_visible (label, FALSE);
  g_object_set_data (G_OBJECT (row), "sd-error-label", label);
  return label;
}

static void
spin_shape (GParamSpec *pspec,
            double      def,
            double     *step,
            guint      *digits)
{
  if (!G_IS_PARAM_SPEC_DOUBLE (pspec) && !G_IS_PARAM_SPEC_FLOAT (pspec))
    {
      *step = 1;
      *digits = 0;
      return;
    }
  /* A step a tenth of the default's order of magnitude: 0.1 → 0.01, 500 → 10. */
  *step = def > 0 ? pow (10, floor (log10 (def)) - 1) : 0.01;
  *step = CLAMP (*step, 1e-6, 1000);
  *digits = (guint) CLAMP (-floor (log10 (*step)), 0, 6);
}

static GtkWidget *
make_param_row (SdTrainingPage *self,
                GParamSpec     *pspec)
{
  const char *nick = _(g_param_spec_get_nick (pspec));   /* marked with N_() in core */
  g_autofree char *subtitle = row_subtitle (sd_recommender_get_name (self->scratch), pspec);
  g_autofree char *current = param_string (G_OBJECT (self->scratch), pspec);
  GtkWidget *row;
  double min, max;

  if (numeric_range (pspec, &min, &max))
    {
      double value = g_ascii_strtod (current, NULL), def, step;
      g_autofree char *def_text = default_string (pspec);
      GtkAdjustment *adjustment;
      GtkWidget *spin;
      guint digits;

      def = g_ascii_strtod (def_text, NULL);
      spin_shape (pspec, def, &step, &digits);
      row = adw_action_row_new ();
      adjustment = gtk_adjustment_new (value, min, max, step, step * 10, 0);
      spin = gtk_spin_button_new (adjustment, step, digits);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
      /* A refused value puts the kept one back instead of clamping it into range. */
      gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, nick, -1);
      g_object_set_data (G_OBJECT (spin), "sd-row", row);
      g_signal_connect_object (spin, "input", G_CALLBACK (spin_input_cb), self, 0);
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (spin_value_changed_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      g_object_set_data (G_OBJECT (row), "sd-editor", spin);
    }
  else if (G_IS_PARAM_SPEC_ENUM (pspec))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (pspec->value_type);
      g_autoptr(GtkStringList) nicks = gtk_string_list_new (NULL);
      guint selected = 0;

      for (guint i = 0; i < klass->n_values; i++)
        {
          gtk_string_list_append (nicks, klass->values[i].value_nick);
          if (g_strcmp0 (klass->values[i].value_nick, current) == 0)
            selected = i;
        }
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (nicks));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (combo_selected_cb), self, 0);
    }
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    {
      GtkWidget *sw = gtk_switch_new ();

      row = adw_action_row_new ();
      gtk_switch_set_active (GTK_SWITCH (sw), g_strcmp0 (current, "true") == 0);
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, nick, -1);
      g_object_set_data (G_OBJECT (sw), "sd-row", row);
      g_signal_connect_object (sw, "notify::active", G_CALLBACK (switch_active_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
    }
  else
    {
      /* Strings: free text the model checks (an entry row has no subtitle, so the
       * description goes in the tooltip). */
      row = adw_entry_row_new ();
      gtk_editable_set_text (GTK_EDITABLE (row), current);
      gtk_widget_set_tooltip_text (row, subtitle);
      g_signal_connect_object (row, "changed", G_CALLBACK (entry_changed_cb), self, 0);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), make_error_label (row));
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), nick);
  if (ADW_IS_ACTION_ROW (row))
    {
      g_autofree char *escaped = escape_markup (subtitle);
      g_object_set_data_full (G_OBJECT (row), "sd-subtitle", g_strdup (subtitle), g_free);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, nick,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  g_object_set_data (G_OBJECT (row), "sd-pspec", pspec);
  return row;
}

/* The preset whose settings the model has now, or SD_N_PRESETS ("Custom"). */
static SdPreset
current_preset (SdTrainingPage *self)
{
  const char *model = sd_recommender_get_name (self->scratch);

  for (SdPreset p = 0; p < SD_N_PRESETS; p++)
    {
      const char * const *params = sd_preset_get_params (model, p);
      gboolean all = params != NULL;

      for (guint i = 0; all && params[i]; i++)
        {
          const char *eq = strchr (params[i], '=');
          g_autofree char *key = g_strndup (params[i], eq - params[i]);
          GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->scratch), key);
          g_autofree char *now = pspec ? param_string (G_OBJECT (self->scratch), pspec) : NULL;
          char *end = NULL;
          double a = now ? g_ascii_strtod (now, &end) : 0;
          gboolean numeric = now && end && *end == '\0' && *now;

          all = now && (g_strcmp0 (now, eq + 1) == 0 ||
                        (numeric && a == g_ascii_strtod (eq + 1, NULL)));
        }
      if (all)
        return p;
    }
  return SD_N_PRESETS;
}

static void
apply_preset (SdTrainingPage *self,
              SdPreset        selected)
{
  const char * const *params = sd_preset_get_params (sd_recommender_get_name (self->scratch), selected);

  for (guint i = 0; params && params[i]; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = g_strndup (params[i], eq - params[i]);
      g_autoptr(GError) error = NULL;
      if (!sd_recommender_set_param (self->scratch, key, eq + 1, &error))
        g_warning ("Preset %s of %s: %s", sd_preset_to_string (selected),
                   sd_recommender_get_name (self->scratch), error->message);
    }
}

static void
preset_selected_cb (AdwComboRow    *row,
                    GParamSpec     *pspec,
                    SdTrainingPage *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || self->scratch == NULL || selected >= SD_N_PRESETS)
    return;
  apply_preset (self, selected);
  /* Rebuilt after this signal returns: the row is replaced. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle_cb, g_object_ref (self), g_object_unref);
}

gboolean
sd_training_page_set_preset (SdTrainingPage *self,
                             const char     *preset)
{
  SdPreset p;

  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), FALSE);
  if (self->scratch == NULL || !sd_preset_from_string (preset, &p) ||
      !sd_preset_get_params (sd_recommender_get_name (self->scratch), p))
    return FALSE;
  apply_preset (self, p);
  rebuild_param_rows (self);
  return TRUE;
}

char *
sd_training_page_get_preset (SdTrainingPage *self)
{
  SdPreset p;

  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), NULL);
  if (self->scratch == NULL || !sd_preset_get_params (sd_recommender_get_name (self->scratch), SD_PRESET_FAST))
    return NULL;
  p = current_preset (self);
  return g_strdup (p < SD_N_PRESETS ? sd_preset_to_string (p) : "custom");
}

static gboolean
rebuild_idle_cb (gpointer data)
{
  rebuild_param_rows (data);
  return G_SOURCE_REMOVE;
}

static void
rebuild_param_rows (SdTrainingPage *self)
{
  g_autofree GParamSpec **pspecs = NULL;
  GtkWidget *expander = NULL;
  const char *model;
  guint n = 0, n_expert = 0;

  for (guint i = 0; i < self->group_rows->len; i++)
    adw_preferences_group_remove (self->params_group, g_ptr_array_index (self->group_rows, i));
  g_ptr_array_set_size (self->group_rows, 0);
  g_ptr_array_set_size (self->param_rows, 0);
  self->preset_row = NULL;
  if (self->scratch == NULL)
    return;

  self->updating = TRUE;
  model = sd_recommender_get_name (self->scratch);
  if (sd_preset_get_params (model, SD_PRESET_FAST))
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
      SdPreset now = current_preset (self);
      GtkWidget *row = adw_combo_row_new ();

      for (SdPreset p = 0; p < SD_N_PRESETS; p++)
        gtk_string_list_append (labels, sd_preset_get_label (p));
      /* TRANSLATORS: the preset of a model whose settings were changed by hand */
      gtk_string_list_append (labels, C_("preset", "Custom"));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), now);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Preset"));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   now < SD_N_PRESETS ? sd_preset_describe (model, now)
                                                      : _("Settings changed by hand"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (preset_selected_cb), self, 0);
      adw_preferences_group_add (self->params_group, row);
      g_ptr_array_add (self->group_rows, row);
      self->preset_row = row;
    }
  expander = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("_Expert Settings"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (expander), TRUE);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), _("Every setting of the model, as its authors named them"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), self->expert_expanded);
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self->scratch), &n);
  for (guint i = 0; i < n; i++)
    if (is_hyperparameter (pspecs[i]))
      {
        GtkWidget *row = make_param_row (self, pspecs[i]);
        if (sd_model_param_is_everyday (model, pspecs[i]->name))
          {
            adw_preferences_group_add (self->params_group, row);
            g_ptr_array_add (self->group_rows, row);
          }
        else
          {
            adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
            n_expert++;
          }
        g_ptr_array_add (self->param_rows, row);
      }
  if (n_expert > 0)
    {
      g_signal_connect_object (expander, "notify::expanded", G_CALLBACK (expert_expanded_cb), self, 0);
      adw_preferences_group_add (self->params_group, expander);
      g_ptr_array_add (self->group_rows, expander);
    }
  else
    {
      /* Never added: a floating reference nobody took. */
      g_object_ref_sink (expander);
      g_object_unref (expander);
    }
  self->updating = FALSE;

  adw_preferences_group_set_description (self->params_group,
                                         self->param_rows->len == 0
                                         ? _("This model has no hyperparameters.")
                                         : NULL);
}

static void
expert_expanded_cb (AdwExpanderRow *row,
                    GParamSpec     *pspec,
                    SdTrainingPage *self)
{
  self->expert_expanded = adw_expander_row_get_expanded (row);
}

/* After an edit by hand: the preset row says which preset the settings are now. */
static void
update_preset_row (SdTrainingPage *self)
{
  SdPreset now;

  if (self->preset_row == NULL || self->scratch == NULL)
    return;
  now = current_preset (self);
  self->updating = TRUE;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->preset_row), now);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preset_row),
                               now < SD_N_PRESETS ? sd_preset_describe (sd_recommender_get_name (self->scratch), now)
                                                  : _("Settings changed by hand"));
  self->updating = FALSE;
}

static void
set_model (SdTrainingPage *self,
           const char     *name)
{
  g_clear_object (&self->scratch);
  if (name)
    self->scratch = sd_recommender_new (name, NULL);
  rebuild_param_rows (self);
  if (name == NULL && chatbot_selected (self))
    adw_preferences_group_set_description (self->params_group,
                                           _("The chatbot learns which intent a message has from the shop's chat "
                                             "examples, corrections included. Its settings are fixed."));
  gtk_widget_set_sensitive (self->weights_group, name != NULL);
  gtk_widget_set_sensitive (self->eval_group, name != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  update_actions (self);
}

/* Above the model picker, what the chosen model does in plain words: the names (ALS, EASE,
 * kNN) tell a shop manager nothing. Not the row's subtitle: beside the picker it would
 * squeeze the model's name where the page is two columns wide. */
static void
show_model_summary (SdTrainingPage *self)
{
  const char *name = selected_name (self);
  g_autoptr(SdRecommender) model = name ? sd_recommender_new (name, NULL) : NULL;
  const char *summary = model ? sd_recommender_get_summary (model)
                              : _("Learns what each customer message asks for (an order’s status, a return, …) from the chatbot’s examples");
  g_autofree char *text = NULL;

  /* TRANSLATORS: the Training page's words on the model: what the chosen one does, then
   * what the charts show for which models */
  text = g_strdup_printf (_("%s. %s"), summary,
                          _("Models that learn in rounds (ALS, BPR and the chatbot) draw a loss curve: how far off "
                            "they still are, falling as they learn. Models that learn in one step get an accuracy "
                            "score only."));
  adw_preferences_group_set_description (self->model_group, text);
}

static void
model_selected_cb (SdTrainingPage *self)
{
  show_model_summary (self);
  set_model (self, selected_name (self));
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  set_model (self, selected_name (self));
}

gboolean
sd_training_page_select_model (SdTrainingPage *self,
                               const char     *name)
{
  const char **names = sd_recommender_list_names ();

  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), FALSE);
  if (g_strcmp0 (name, "chatbot") == 0)
    {
      adw_combo_row_set_selected (self->model_row, g_strv_length ((char **) names));
      return TRUE;
    }
  for (guint i = 0; names[i]; i++)
    if (g_strcmp0 (names[i], name) == 0)
      {
        if (adw_combo_row_get_selected (self->model_row) != i)
          adw_combo_row_set_selected (self->model_row, i);
        else if (self->scratch == NULL)
          set_model (self, name);
        return TRUE;
      }
  return FALSE;
}

gboolean
sd_training_page_set_param (SdTrainingPage *self,
                            const char     *key,
                            const char     *value,
                            GError        **error)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), FALSE);
  g_return_val_if_fail (self->scratch != NULL, FALSE);

  for (guint i = 0; i < self->param_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->param_rows, i);
      GParamSpec *pspec = g_object_get_data (G_OBJECT (row), "sd-pspec");
      if (g_strcmp0 (pspec->name, key) == 0)
        {
          if (!apply_param (self, row, value))
            return sd_recommender_set_param (self->scratch, key, value, error);
          rebuild_param_rows (self);
          return TRUE;
        }
    }
  return sd_recommender_set_param (self->scratch, key, value, error);
}

void
sd_training_page_set_validate (SdTrainingPage *self,
                               gboolean        validate)
{
  g_return_if_fail (SD_IS_TRAINING_PAGE (self));
  gtk_switch_set_active (self->validate_switch, validate);
}

static char **
current_params (SdTrainingPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree GParamSpec **pspecs = NULL;
  guint n = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self->scratch), &n);
  for (guint i = 0; i < n; i++)
    if (is_hyperparameter (pspecs[i]))
      {
        g_autofree char *value = param_string (G_OBJECT (self->scratch), pspecs[i]);
        g_autofree char *pair = g_strdup_printf ("%s=%s", pspecs[i]->name, value);
        g_strv_builder_add (builder, pair);
      }
  return g_strv_builder_end (builder);
}

/* ---- Training --------------------------------------------------------------------- */

gboolean
sd_training_page_get_training (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), FALSE);
  return self->training;
}

gboolean
sd_training_page_get_tuning (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), FALSE);
  return self->tune_job != NULL;
}

char *
sd_training_page_get_param (SdTrainingPage *self,
                            const char     *key)
{
  GParamSpec *pspec;

  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), NULL);
  if (self->scratch == NULL ||
      !(pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->scratch), key)) ||
      !is_hyperparameter (pspec))
    return NULL;
  return param_string (G_OBJECT (self->scratch), pspec);
}

guint
sd_training_page_get_n_live_loss_points (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), 0);
  return self->n_live_loss;
}

SdLineChart *
sd_training_page_get_loss_chart (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), NULL);
  return self->loss_chart;
}

static void
update_actions (SdTrainingPage *self)
{
  const char *name = selected_name (self);
  gboolean idle = self->store != NULL && !self->training && self->tune_job == NULL;
  const char * const *grid, * const *fixed;
  guint n_random;
  gboolean searchable = name && find_grid (name, &grid, &fixed, &n_random);

  /* The chatbot learns from its built-in examples, so it trains even on an empty shop. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.train",
                                 idle && ((self->scratch && self->has_data) || chatbot_selected (self)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.tune", idle && self->has_data && searchable);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tune_button),
                               searchable ? _("Search for better hyperparameters on a validation split")
                                          : _("This model has no hyperparameters worth searching"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.cancel",
                                 self->training || self->tune_job != NULL);
}

static void
update_progress (SdTrainingPage *self)
{
  SdJob *job = self->training ? self->train_job : self->tune_job;
  const char *text;

  if (job == NULL)
    return;
  text = sd_job_get_text (job);
  gtk_label_set_text (self->progress_status, text && *text ? text : _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, sd_job_get_fraction (job));
}

static void
train_metric_cb (SdJob          *job,
                 int             step,
                 const char     *name,
                 double          value,
                 SdTrainingPage *self)
{
  int series;

  if (job != self->train_job)
    return;
  if (g_strcmp0 (name, "loss") == 0 && self->training_chatbot)
    {
      /* After calibration the classifier refits on all data: a phase of its own. */
      series = sd_line_chart_find_series (self->classifier_chart, "live-refit");
      if (series < 0)
        series = sd_line_chart_find_series (self->classifier_chart, "live");
      if (series >= 0)
        sd_line_chart_append (self->classifier_chart, series, step, value);
      self->n_live_loss++;
      update_empty (self);
    }
  else if (g_strcmp0 (name, "valid_accuracy") == 0 && self->training_chatbot)
    {
      g_autofree char *label = g_strdup_printf (_("%s (now), refit on all data"), self->live_label);
      sd_line_chart_add_series (self->classifier_chart, "live-refit", label);
      sd_line_chart_add_marker (self->classifier_chart, step, _("refit on all data"));
    }
  else if (g_strcmp0 (name, "loss") == 0)
    {
      if (self->n_live_loss == 0)
        self->live_first_loss = value;
      if ((series = sd_line_chart_find_series (self->loss_chart, "live")) >= 0)
        {
          double first = self->live_first_loss != 0 && isfinite (self->live_first_loss) ? self->live_first_loss : 1;
          sd_line_chart_set_series_raw_scale (self->loss_chart, series, first);
          sd_line_chart_append (self->loss_chart, series, step, value / first);
        }
      self->n_live_loss++;
      update_empty (self);
    }
  else if (g_strcmp0 (name, "ndcg@10") == 0 &&
           (series = sd_line_chart_find_series (self->ndcg_chart, "live")) >= 0)
    {
      sd_line_chart_append (self->ndcg_chart, series, step, value);
      update_empty (self);
    }
}

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdTrainingPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);
  gint64 run_id = -1;
  g_autofree char *message = NULL;

  if (job != self->train_job)
    return;
  if (!self->training_chatbot)
    run_id = sd_train_job_get_run_id (job);
  else if (self->store)
    /* The dialogue job does not say its run; it is the newest chatbot run. */
    run_id = sd_run_history_newest_run_id (self->store, "chatbot", NULL);
  self->training = FALSE;
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  /* The run is in the runs table now: its stored curves replace the live ones. */
  if (run_id > 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = run_id;
      g_hash_table_add (self->overlaid, key);
    }
  g_clear_object (&self->train_job);

  if (ok && !self->training_chatbot && self->retrain_of > 0 && self->store)
    maybe_auto_promote (self, job);
  self->retrain_of = 0;
  if (ok && self->training_chatbot)
    /* TRANSLATORS: a toast, %s is a model's name */
    message = g_strdup_printf (_("%s trained"), self->live_label);
  else if (ok)
    {
      g_autofree char *secs = format_seconds (sd_train_job_get_fit_seconds (job));
      /* TRANSLATORS: a toast, %s is a model's name, then a time like "4.6 s" */
      message = g_strdup_printf (_("%s trained in %s"), self->live_label, secs);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup (_("Training cancelled: the stored models were left as they were"));
  else
    {
      gtk_label_set_text (self->settings_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->settings_error), TRUE);
      message = g_strdup (_("Training failed"));
    }
  toast (self, message);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);

  if (self->store && ok)
    sd_store_notify_changed (self->store);   /* other pages load the new model; we reload */
  else
    reload_runs (self);
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  GtkWindow *window = get_window (self);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) params = NULL;
  SdTrainOptions options;
  SdJob *job;

  if (self->store == NULL || self->training || window == NULL || !gtk_widget_get_mapped (widget))
    return;
  if (self->scratch == NULL && chatbot_selected (self))
    {
      g_clear_object (&self->train_job);
      self->train_job = sd_dialogue_train_job_new (sd_store_get_path (self->store));
      self->training_chatbot = TRUE;
      start_training (self, _("Chatbot intent classifier"));
      return;
    }
  if (self->scratch == NULL)
    return;

  params = current_params (self);
  sd_train_options_init (&options);
  options.db_path = sd_store_get_path (self->store);
  options.model = selected_name (self);
  options.params = (const char * const *) params;
  options.validate = gtk_switch_get_active (self->validate_switch);
  options.weights.view = gtk_spin_button_get_value (self->view_spin);
  options.weights.cart = gtk_spin_button_get_value (self->cart_spin);
  options.weights.purchase = gtk_spin_button_get_value (self->purchase_spin);
  options.weights.review = gtk_spin_button_get_value (self->review_spin);

  if (!(job = sd_train_job_new (&options, &error)))
    {
      gtk_label_set_text (self->settings_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->settings_error), TRUE);
      return;
    }
  g_clear_object (&self->train_job);
  self->train_job = job;
  self->training_chatbot = FALSE;
  start_training (self, _(sd_recommender_get_label (self->scratch)));
}

/* Keeps the progress panel at the top of the view while it opens: the first frames'
 * layout has not made room for it yet, so the scrolled window would stop short. */
static gboolean
follow_progress (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->columns), GTK_TYPE_SCROLLED_WINDOW);
  graphene_point_t at;
  gboolean settled = TRUE;

  if (scrolled && sd_columns_get_stacked (self->columns) &&
      gtk_widget_compute_point (GTK_WIDGET (self->progress_revealer), GTK_WIDGET (self->columns),
                                &GRAPHENE_POINT_INIT (0, 0), &at))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      double before = gtk_adjustment_get_value (adjustment);
      gtk_adjustment_set_value (adjustment, MAX (0, at.y - 18));
      settled = fabs (gtk_adjustment_get_value (adjustment) - before) < 1;
    }
  /* until the panel is open and the last frame's layout moved nothing */
  if (gtk_revealer_get_child_revealed (self->progress_revealer) && settled)
    {
      self->follow_progress_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Reveals the progress panel, and in a window where the results stack below the settings
 * (1024 px wide) scrolls to it: the Train button greyed out and nothing else changed in
 * view, the progress and the loss curve a screen and a half further down. */
static void
show_progress (SdTrainingPage *self)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  if (sd_columns_get_stacked (self->columns) && self->follow_progress_id == 0)
    self->follow_progress_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), follow_progress, NULL, NULL);
}

/* Shows the progress panel and live curves for self->train_job and runs it. */
static void
start_training (SdTrainingPage *self,
                const char     *label)
{
  SdJob *job = self->train_job;
  g_autofree char *title = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  self->training = TRUE;
  self->n_live_loss = 0;
  g_free (self->live_label);
  self->live_label = g_strdup (label);
  rebuild_charts (self);

  /* TRANSLATORS: the progress panel's title, %s is a model's name */
  title = g_strdup_printf (_("Training %s"), self->live_label);
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_status, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  show_progress (self);

  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::text", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "metric", G_CALLBACK (train_metric_cb), self, 0);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
  sd_job_set_ask_before_quit (job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), job, train_done_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);

  gtk_label_set_text (self->progress_status, _("Cancelling…"));
  if (self->training && self->train_job)
    sd_job_cancel (self->train_job);
  if (self->tune_job)
    sd_job_cancel (self->tune_job);
}

/* ---- Tuning ----------------------------------------------------------------------- */

/* Core has search grids for the neighbourhood models and EASE; the factor models' grids
 * are small random searches here, so a search takes minutes, not hours. */
typedef struct {
  const char         *model;
  const char * const  grid[4];
  const char * const  fixed[2];
  guint               n_random;
} PageGrid;

static const PageGrid page_grids[] = {
  { "als", { "factors=16,32,64", "reg=0.1,1,10,50", "alpha=1,5,10", NULL }, { "iterations=10", NULL }, 8 },
  { "bpr", { "learning-rate=0.01,0.05,0.1", "reg=0.001,0.01,0.05", NULL }, { "epochs=20", NULL }, 6 },
};

static gboolean
find_grid (const char          *model,
           const char * const **grid,
           const char * const **fixed,
           guint               *n_random)
{
  *grid = sd_tune_default_grid (model);
  *fixed = NULL;
  *n_random = 0;
  for (guint i = 0; !*grid && i < G_N_ELEMENTS (page_grids); i++)
    if (g_strcmp0 (page_grids[i].model, model) == 0)
      {
        *grid = page_grids[i].grid;
        *fixed = page_grids[i].fixed;
        *n_random = page_grids[i].n_random;
      }
  return *grid != NULL;
}

typedef struct {
  char                 *db_path;
  char                 *model;
  SdInteractionWeights  weights;
  guint                 max_trials;
  double                max_seconds;
  SdTuneResult         *result;
  GMutex                lock;
  GPtrArray            *finished;   /* SdTuneTrial copies the page has not shown yet */
} TuneData;

static void
tune_data_free (TuneData *d)
{
  g_free (d->db_path);
  g_free (d->model);
  sd_tune_result_free (d->result);
  g_ptr_array_unref (d->finished);
  g_mutex_clear (&d->lock);
  g_free (d);
}

/* In the search's thread: handed to the main loop under the lock. */
static void
tune_trial_done (const SdTuneTrial *trial,
                 guint              index,
                 gpointer           user_data)
{
  TuneData *d = user_data;

  g_mutex_lock (&d->lock);
  g_ptr_array_add (d->finished, sd_tune_trial_copy (trial));
  g_mutex_unlock (&d->lock);
}

/* Main thread, on each trial's metric point: the trials finished since, into the dialog. */
static void
tune_metric_cb (SdJob          *job,
                int             step,
                const char     *name,
                double          value,
                SdTrainingPage *self)
{
  TuneData *d = sd_job_get_data (job);
  g_autoptr(GPtrArray) done = NULL;

  g_mutex_lock (&d->lock);
  done = g_steal_pointer (&d->finished);
  d->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_tune_trial_free);
  g_mutex_unlock (&d->lock);
  for (guint i = 0; self->tune_dialog && i < done->len; i++)
    sd_tune_dialog_add_trial (self->tune_dialog, g_ptr_array_index (done, i));
}

static gboolean
tune_func (SdJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  TuneData *d = data;
  g_autoptr(SdStore) store = sd_store_open (d->db_path, error);
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  SdTuneOptions options = { 0 };

  if (!store)
    return FALSE;
  sd_job_set_progress (job, 0, _("Reading the shop"));
  if (!(train = sd_interactions_from_store (store, &d->weights, cancellable, error)) ||
      !(catalog = sd_catalog_from_store (store, train, NULL, error)))
    return FALSE;
  options.model = d->model;
  find_grid (d->model, &options.grid, &options.fixed, &options.n_random);
  options.seed = 1;
  options.catalog = catalog;
  options.max_trials = d->max_trials;
  options.max_seconds = d->max_seconds;
  options.trial_done = tune_trial_done;
  options.trial_data = d;
  d->result = sd_tune_run (train, &options, job, cancellable, error);
  return d->result != NULL;
}

static void
tune_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  SdTrainingPage   *self)
{
  GStrv assignments = g_object_get_data (G_OBJECT (dialog), "sd-assignments");
  const char *model = g_object_get_data (G_OBJECT (dialog), "sd-model");

  if (g_strcmp0 (response, "use") != 0 || !sd_training_page_select_model (self, model))
    return;
  for (guint i = 0; assignments && assignments[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (assignments[i], "=", 2);
      if (kv[0] && kv[1])
        sd_recommender_set_param (self->scratch, kv[0], kv[1], NULL);
    }
  rebuild_param_rows (self);
  toast (self, _("The best values are in the editor: train to keep a model with them"));
}

static void
tune_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdTrainingPage) self = user_data;
  SdJob *job = SD_JOB (object);
  TuneData *d = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job == self->tune_job)
    g_clear_object (&self->tune_job);
  gtk_revealer_set_reveal_child (self->progress_revealer, self->training);
  update_actions (self);

  if (ok && d->result && d->result->trials->len > 0)
    {
      SdTuneTrial *best = g_ptr_array_index (d->result->trials, d->result->best);
      g_autofree char *values = g_strjoinv (", ", best->assignments);
      g_autofree char *score = format_metric (best->value);
      g_autofree char *label = model_label ("recommender", d->model);
      g_autofree char *body = NULL;
      g_autofree char *metric = g_ascii_strup (d->result->metric, -1);
      GtkWidget *dialog;

      /* TRANSLATORS: after a hyperparameter search: trials, model, metric, score, values */
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u setting of %s was tried on a validation split. The best %s, %s, came with %s.",
                                           "%u settings of %s were tried on a validation split. The best %s, %s, came with %s.",
                                           d->result->trials->len),
                              d->result->trials->len, label, metric, score, values);
      if (d->result->out_of_time)
        {
          g_autofree char *more = g_strdup_printf (_("%s The time budget ran out before %u planned trials."),
                                                   body, d->result->n_planned);
          g_free (body);
          body = g_steal_pointer (&more);
        }
      /* Closed while it ran: a new one shows every trial. */
      dialog = self->tune_dialog ? self->tune_dialog
                                 : sd_tune_dialog_new (GTK_WINDOW (get_window (self)), _("Search Finished"), d->result->metric);
      gtk_window_set_title (GTK_WINDOW (dialog), _("Search Finished"));
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("Search Finished"));
      sd_tune_dialog_finish (dialog, d->result, body);
      g_object_set_data_full (G_OBJECT (dialog), "sd-assignments", g_strdupv (best->assignments),
                              (GDestroyNotify) g_strfreev);
      g_object_set_data_full (G_OBJECT (dialog), "sd-model", g_strdup (d->model), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (tune_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->tune_dialog)
        gtk_window_destroy (GTK_WINDOW (self->tune_dialog));
      toast (self, _("Search cancelled"));
    }
  else if (error)
    {
      gtk_label_set_text (self->settings_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->settings_error), TRUE);
    }
}

static void
tune_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  GtkWindow *window = get_window (self);
  const char *name = selected_name (self);
  g_autofree char *label = NULL, *title = NULL;
  TuneData *d;

  const char * const *grid, * const *fixed;
  guint n_random;

  if (self->store == NULL || self->tune_job || self->training || !window || !name ||
      !find_grid (name, &grid, &fixed, &n_random))
    return;

  d = g_new0 (TuneData, 1);
  d->db_path = g_strdup (sd_store_get_path (self->store));
  d->model = g_strdup (name);
  sd_interactions_weights_default (&d->weights);
  d->weights.view = gtk_spin_button_get_value (self->view_spin);
  d->weights.cart = gtk_spin_button_get_value (self->cart_spin);
  d->weights.purchase = gtk_spin_button_get_value (self->purchase_spin);
  d->weights.review = gtk_spin_button_get_value (self->review_spin);
  label = model_label ("recommender", name);
  /* TRANSLATORS: a background task, %s is a model's name */
  title = g_strdup_printf (_("Tuning %s"), label);
  g_mutex_init (&d->lock);
  d->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_tune_trial_free);
  if (gtk_drop_down_get_selected (self->tune_budget_unit) == 1)
    d->max_seconds = 60.0 * gtk_spin_button_get_value (self->tune_budget_spin);
  else
    d->max_trials = (guint) gtk_spin_button_get_value_as_int (self->tune_budget_spin);
  self->tune_job = sd_job_new (title, tune_func, d, (GDestroyNotify) tune_data_free);
  g_signal_connect_object (self->tune_job, "metric", G_CALLBACK (tune_metric_cb), self, 0);
  if (self->tune_dialog)
    gtk_window_destroy (GTK_WINDOW (self->tune_dialog));
  self->tune_dialog = sd_tune_dialog_new (window, title, "ndcg@10");
  g_object_add_weak_pointer (G_OBJECT (self->tune_dialog), (gpointer *) &self->tune_dialog);
  gtk_window_present (GTK_WINDOW (self->tune_dialog));

  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_status, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  show_progress (self);
  g_signal_connect_object (self->tune_job, "notify::fraction", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tune_job, "notify::text", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  update_actions (self);
  sd_job_set_ask_before_quit (self->tune_job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), self->tune_job, tune_done_cb, g_object_ref (self));
}

/* ---- Charts and runs -------------------------------------------------------------- */

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = **(gint64 **) a, y = **(gint64 **) b;
  return x < y ? -1 : x > y;
}

/* Closed-form models have a single validation score: drawn as a flat line across the
 * epochs of the other curves, it reads as the bar an iterative model has to clear. */
typedef struct {
  int    max_step;
  GArray *flat;   /* FlatLine */
} ChartExtent;

typedef struct {
  guint  series;
  double value;
} FlatLine;

/* A loss curve divided by its first epoch's value: models measure loss on scales that
 * differ by 10^5 (BPR about 0.2, ALS about 84,000), and this way each starts at 1 and
 * shows how much of it is left; the hover gives the value itself. */
static void
add_normalised_loss (SdLineChart *chart,
                     guint        series,
                     GArray      *loss)
{
  double first = g_array_index (loss, SdRunPoint, 0).value;

  if (first == 0 || !isfinite (first))
    first = 1;
  sd_line_chart_set_series_raw_scale (chart, series, first);
  for (guint i = 0; i < loss->len; i++)
    {
      SdRunPoint *p = &g_array_index (loss, SdRunPoint, i);
      sd_line_chart_append (chart, series, p->step, p->value / first);
    }
}

/* The chatbot classifier's loss in its own chart; when it refit on all data after
 * calibration (a "valid_accuracy" point marks where), the refit is a second series after a
 * marker, not a line jumping from 0.1 back to 3.3. */
static void
add_classifier_loss (SdTrainingPage *self,
                     gint64          run_id,
                     const char     *id,
                     const char     *label,
                     GArray         *loss)
{
  g_autoptr(GArray) marks = sd_run_history_get_curve (self->store, run_id, "valid_accuracy", 4, NULL);
  int refit_at = marks && marks->len > 0 ? g_array_index (marks, SdRunPoint, 0).step : G_MAXINT;
  guint first = sd_line_chart_add_series (self->classifier_chart, id, label);
  guint second = first;

  for (guint i = 0; i < loss->len; i++)
    {
      SdRunPoint *p = &g_array_index (loss, SdRunPoint, i);

      if (p->step >= refit_at && second == first)
        {
          g_autofree char *refit_id = g_strconcat (id, "-refit", NULL);
          /* TRANSLATORS: the second phase of a chatbot run in a chart legend, %s is the run */
          g_autofree char *refit_label = g_strdup_printf (_("%s, refit on all data"), label);
          second = sd_line_chart_add_series (self->classifier_chart, refit_id, refit_label);
          sd_line_chart_add_marker (self->classifier_chart, refit_at, _("refit on all data"));
        }
      sd_line_chart_append (self->classifier_chart, p->step >= refit_at ? second : first, p->step, p->value);
    }
}

static void
add_run_curves (SdTrainingPage *self,
                gint64          run_id,
                gboolean        with_loss,
                ChartExtent    *extent)
{
  g_autoptr(SdRunInfo) run = sd_run_history_get_run (self->store, run_id, NULL);
  g_autoptr(GArray) loss = NULL;
  g_autoptr(GArray) ndcg = NULL;
  g_autofree char *id = g_strdup_printf ("run-%" G_GINT64_FORMAT, run_id);
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  guint series = 0;

  if (run == NULL)
    return;
  name = run_title (self->store, run);
  /* TRANSLATORS: a past run's curve in a chart legend: model name and run number */
  label = g_strdup_printf (_("%s #%ld"), name, (long) run_id);

  loss = with_loss ? sd_run_history_get_curve (self->store, run_id, "loss", MAX_CURVE_POINTS, NULL) : NULL;
  ndcg = sd_run_history_get_curve (self->store, run_id, "ndcg@10", MAX_CURVE_POINTS, NULL);
  if (loss && loss->len > 0 && g_strcmp0 (run->kind, "chatbot") == 0)
    add_classifier_loss (self, run_id, id, label, loss);
  else if (loss && loss->len > 0)
    add_normalised_loss (self->loss_chart, sd_line_chart_add_series (self->loss_chart, id, label), loss);
  if (ndcg && ndcg->len > 0 && sd_line_chart_find_series (self->ndcg_chart, id) < 0)
    {
      series = sd_line_chart_add_series (self->ndcg_chart, id, label);
      for (guint i = 0; i < ndcg->len; i++)
        {
          SdRunPoint *p = &g_array_index (ndcg, SdRunPoint, i);
          sd_line_chart_append (self->ndcg_chart, series, p->step, p->value);
          extent->max_step = MAX (extent->max_step, p->step);
        }
      if (ndcg->len == 1 && (loss == NULL || loss->len == 0))
        {
          FlatLine flat = { series, g_array_index (ndcg, SdRunPoint, 0).value };
          g_array_append_val (extent->flat, flat);
        }
    }
}

/* A series without points (a closed-form model has no loss) counts as nothing to show. */
static void
update_empty (SdTrainingPage *self)
{
  gboolean loss = sd_line_chart_get_n_series (self->loss_chart) > 0 &&
                  (!self->training || self->n_live_loss > 0 || g_hash_table_size (self->overlaid) > 0);
  /* Runs ticked but nothing drawn: say why, rather than ask to tick a run. */
  gtk_label_set_text (GTK_LABEL (self->loss_empty),
                      !self->has_data && self->store != NULL
                      ? _("This shop has no orders or behaviour to learn from yet. Import some on the Data page.")
                      : self->overlaid && g_hash_table_size (self->overlaid) > 0 && !self->training
                      ? _("The ticked runs have no curve here: models that learn in one step have no loss, and the chatbot’s is in its own chart below.")
                      : _("No curve yet. Train a model, or tick a past run below."));
  gtk_widget_set_visible (self->loss_empty, !loss);
  gtk_widget_set_visible (self->ndcg_empty, sd_line_chart_get_n_series (self->ndcg_chart) == 0);
  gtk_widget_set_visible (self->classifier_empty, sd_line_chart_get_n_series (self->classifier_chart) == 0);
}

static void
rebuild_charts (SdTrainingPage *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) flat = g_array_new (FALSE, FALSE, sizeof (FlatLine));
  ChartExtent extent = { 1, flat };
  GHashTableIter iter;
  gpointer key;

  sd_line_chart_clear (self->loss_chart);
  sd_line_chart_clear (self->ndcg_chart);
  sd_line_chart_clear (self->classifier_chart);
  /* TRANSLATORS: the loss chart's y axis: each run's loss divided by its first epoch's */
  sd_line_chart_set_axis_titles (self->loss_chart, _("Epoch"), _("Loss ÷ first epoch"));
  sd_line_chart_set_axis_titles (self->ndcg_chart, _("Epoch"), _("NDCG@10"));
  sd_line_chart_set_axis_titles (self->classifier_chart, _("Epoch"), _("Loss"));
  sd_line_chart_set_x_integer (self->loss_chart, TRUE);
  sd_line_chart_set_x_integer (self->ndcg_chart, TRUE);
  sd_line_chart_set_x_integer (self->classifier_chart, TRUE);

  g_hash_table_iter_init (&iter, self->overlaid);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_ids);
  for (guint i = 0; self->store && i < ids->len; i++)
    add_run_curves (self, *(gint64 *) g_ptr_array_index (ids, i), TRUE, &extent);
  /* The NDCG chart shows every run the comparison table lists, ticked or not. */
  for (guint i = 0; self->store && i < self->validated->len; i++)
    add_run_curves (self, g_array_index (self->validated, gint64, i), FALSE, &extent);

  if (self->training && self->train_job && self->training_chatbot)
    {
      g_autofree char *label = g_strdup_printf (_("%s (now)"), self->live_label);
      guint loss = sd_line_chart_add_series (self->classifier_chart, "live", label);
      GArray *points = sd_job_get_points (self->train_job);

      for (guint i = 0; points && i < points->len; i++)
        {
          SdMetricPoint *p = &g_array_index (points, SdMetricPoint, i);
          if (g_strcmp0 (p->name, "valid_accuracy") == 0)
            {
              g_autofree char *refit = g_strdup_printf (_("%s (now), refit on all data"), self->live_label);
              loss = sd_line_chart_add_series (self->classifier_chart, "live-refit", refit);
              sd_line_chart_add_marker (self->classifier_chart, p->step, _("refit on all data"));
            }
          else if (g_strcmp0 (p->name, "loss") == 0)
            sd_line_chart_append (self->classifier_chart, loss, p->step, p->value);
        }
    }
  else if (self->training && self->train_job)
    {
      /* TRANSLATORS: the running training's curve in a chart legend, %s is a model */
      g_autofree char *label = g_strdup_printf (_("%s (now)"), self->live_label);
      guint loss = sd_line_chart_add_series (self->loss_chart, "live", label);
      guint ndcg = sd_line_chart_add_series (self->ndcg_chart, "live", label);
      GArray *points = sd_job_get_points (self->train_job);
      gboolean first = TRUE;

      for (guint i = 0; points && i < points->len; i++)
        {
          SdMetricPoint *p = &g_array_index (points, SdMetricPoint, i);
          if (g_strcmp0 (p->name, "loss") == 0)
            {
              if (first)
                self->live_first_loss = p->value != 0 && isfinite (p->value) ? p->value : 1;
              first = FALSE;
              sd_line_chart_set_series_raw_scale (self->loss_chart, loss, self->live_first_loss);
              sd_line_chart_append (self->loss_chart, loss, p->step, p->value / self->live_first_loss);
            }
          else if (g_strcmp0 (p->name, "ndcg@10") == 0)
            {
              sd_line_chart_append (self->ndcg_chart, ndcg, p->step, p->value);
              extent.max_step = MAX (extent.max_step, p->step);
            }
        }
    }
  for (guint i = 0; i < flat->len; i++)
    {
      FlatLine *line = &g_array_index (flat, FlatLine, i);
      if (extent.max_step > 1)
        sd_line_chart_append (self->ndcg_chart, line->series, extent.max_step, line->value);
    }
  update_empty (self);
}

static void
run_toggled_cb (GtkCheckButton *check,
                SdTrainingPage *self)
{
  gint64 run_id = *(gint64 *) g_object_get_data (G_OBJECT (check), "sd-run-id");

  if (gtk_check_button_get_active (check))
    {
      gint64 *key = g_new (gint64, 1);
      *key = run_id;
      g_hash_table_add (self->overlaid, key);
    }
  else
    g_hash_table_remove (self->overlaid, &run_id);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.compare-runs", g_hash_table_size (self->overlaid) >= 2);
  rebuild_charts (self);
}

static const char *
status_label (const char *status)
{
  if (g_strcmp0 (status, "finished") == 0)
    return _("finished");
  if (g_strcmp0 (status, "running") == 0)
    return _("running");
  if (g_strcmp0 (status, "cancelled") == 0)
    return _("cancelled");
  if (g_strcmp0 (status, "failed") == 0)
    return _("failed");
  return status;
}

static GtkWidget *
make_run_row (SdTrainingPage  *self,
              const SdRunInfo *run)
{
  gint64 run_id = run->id;
  const char *status = run->status;
  g_autofree char *label = run_title (self->store, run);
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *when = sd_format_time (run->started_at);
  GString *subtitle = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  double ndcg = sd_run_info_get_summary_number (run, "ndcg@10");
  double fit = sd_run_info_get_summary_number (run, "fit_seconds");
  double accuracy = sd_run_info_get_summary_number (run, "valid_accuracy");
  gint64 *id = g_new (gint64, 1);

  {
    g_autofree char *escaped_label = escape_markup (label);
    title = g_strdup_printf ("%s <span alpha=\"60%%\">#%" G_GINT64_FORMAT "</span>",
                             escaped_label, run_id);
  }
  /* Unfinished runs say so in a tag at the end of the row. */
  g_string_append (subtitle, when);
  if (run->has_loss)
    {
      g_autofree char *v = format_metric (run->last_loss);
      /* TRANSLATORS: in a run's summary line: the loss after the last epoch */
      g_string_append_printf (subtitle, _(" · final loss %s"), v);
    }
  if (!isnan (ndcg))
    {
      g_autofree char *v = format_metric (ndcg);
      g_string_append_printf (subtitle, _(" · NDCG@10 %s"), v);
    }
  if (!isnan (accuracy))
    {
      g_autofree char *v = format_metric (accuracy);
      /* TRANSLATORS: in a chatbot run's summary line: share of held-out messages understood */
      g_string_append_printf (subtitle, _(" · accuracy %s"), v);
    }
  if (!isnan (fit))
    {
      g_autofree char *v = format_seconds (fit);
      /* TRANSLATORS: in a run's summary line: how long fitting took */
      g_string_append_printf (subtitle, _(" · fit in %s"), v);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  escaped = escape_markup (subtitle->str);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  *id = run_id;
  g_object_set_data_full (G_OBJECT (check), "sd-run-id", id, g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->overlaid, &run_id));
  g_signal_connect_object (check, "toggled", G_CALLBACK (run_toggled_cb), self, 0);
  {
    g_autofree char *a11y = g_strdup_printf (_("Show run %ld of %s on the charts"),
                                             (long) run_id, label);
    gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  {
    g_autoptr(SdRunRecord) record = sd_model_runs_get (self->store, run_id, NULL);
    if (record && record->live_mask)
      {
        GtkWidget *tag = gtk_label_new (_("live"));
        gtk_widget_add_css_class (tag, "caption-heading");
        gtk_widget_add_css_class (tag, "accent");
        gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      }
    if (record && record->note)
      {
        g_autofree char *escaped_note = escape_markup (record->note);
        g_autofree char *with_note = g_strdup_printf ("%s\n%s", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), escaped_note);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), with_note);
      }
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), run_menu_button (run_id, record && record->model_id > 0, label));
  }
  if (g_strcmp0 (status, "finished") != 0)
    {
      GtkWidget *tag = gtk_label_new (status_label (status));
      gtk_widget_add_css_class (tag, "caption");
      gtk_widget_add_css_class (tag, g_strcmp0 (status, "failed") == 0 ? "error" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }
  g_string_free (subtitle, TRUE);
  return row;
}

static void
reload_comparison (SdTrainingPage *self)
{
  static const char *const metrics[] = { "precision@10", "recall@20", "ndcg@10", "hit@10",
                                         "coverage", "novelty", "fit_seconds" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_free);
  double best[G_N_ELEMENTS (metrics)];

  g_list_store_remove_all (self->metrics);
  g_array_set_size (self->validated, 0);
  if (self->store == NULL)
    goto out;

  /* Each model's newest finished run that was validated. */
  runs = sd_run_history_newest_validated_runs (self->store, MAX_COMPARED, &error);
  if (!runs)
    {
      g_warning ("Could not compare the training runs: %s", error->message);
      goto out;
    }
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    best[m] = NAN;
  for (guint r = 0; r < runs->len; r++)
    {
      const SdRunInfo *run = g_ptr_array_index (runs, r);
      double *values = g_new (double, G_N_ELEMENTS (metrics) + 1);
      char *name = g_strdup (run->model);

      for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
        {
          values[m] = sd_run_info_get_summary_number (run, metrics[m]);
          if (!isnan (values[m]))
            {
              gboolean lower_better = g_str_equal (metrics[m], "fit_seconds");
              if (isnan (best[m]) || (lower_better ? values[m] < best[m] : values[m] > best[m]))
                best[m] = values[m];
            }
        }
      g_ptr_array_add (rows, name);
      g_ptr_array_add (rows, values);
      g_array_append_val (self->validated, run->id);
    }

  for (guint r = 0; r < rows->len; r += 2)
    {
      const char *name = g_ptr_array_index (rows, r);
      double *values = g_ptr_array_index (rows, r + 1);
      char **cells = g_new0 (char *, G_N_ELEMENTS (metrics) + 2);
      g_autoptr(SdTableRow) row = NULL;

      cells[0] = model_label ("recommender", name);
      /* "ALS (implicit feedback)" → "ALS": the table is narrow, the runs list says more. */
      if (strstr (cells[0], " ("))
        *strstr (cells[0], " (") = '\0';
      for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
        {
          g_autofree char *text = g_str_equal (metrics[m], "fit_seconds") ? format_seconds (values[m])
                                                                          : format_metric (values[m]);
          cells[m + 1] = values[m] == best[m] && rows->len > 2 ? g_strdup_printf ("<b>%s</b>", text)
                                                               : g_steal_pointer (&text);
        }
      row = sd_table_row_new (r / 2, cells, G_N_ELEMENTS (metrics) + 1);
      g_list_store_append (self->metrics, row);
    }

out:
  gtk_stack_set_visible_child_name (self->metrics_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->metrics)) > 0 ? "table" : "empty");
}

static void
reload_runs (SdTrainingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  sd_list_box_remove_all (self->runs_list);
  self->n_runs = 0;
  self->newest_run = 0;
  self->newest_has_loss = FALSE;

  if (self->store)
    runs = sd_run_history_list_training_runs (self->store, MAX_RUNS, &error);
  for (guint i = 0; runs && i < runs->len; i++)
    {
      const SdRunInfo *run = g_ptr_array_index (runs, i);

      gtk_list_box_append (self->runs_list, make_run_row (self, run));
      /* The newest run with a loss curve, else the newest of all. */
      if (self->n_runs++ == 0 || (!self->newest_has_loss && run->has_loss))
        {
          self->newest_run = run->id;
          self->newest_has_loss = run->has_loss;
        }
    }
  if (error)
    g_warning ("Could not list the training runs: %s", error->message);

  reload_comparison (self);
  reload_live (self);
  rebuild_charts (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.compare-runs", g_hash_table_size (self->overlaid) >= 2);
}

guint
sd_training_page_get_n_runs (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), 0);
  return self->n_runs;
}

guint
sd_training_page_get_n_compared (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->metrics));
}

/* ---- Runs as records: menus, live models, comparison --------------------------------- */

static GtkWidget *
run_menu_button (gint64      run_id,
                 gboolean    has_model,
                 const char *title)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *button = gtk_menu_button_new ();
  g_autofree char *a11y = g_strdup_printf (_("Actions for run %ld of %s"), (long) run_id, title);

  if (has_model)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("_Promote to Live"), NULL);
      g_menu_item_set_action_and_target_value (item, "training.promote-run", g_variant_new_int64 (run_id));
      g_menu_append_item (menu, item);
      g_autoptr(GMenuItem) again = g_menu_item_new (_("Re_train With the Same Settings"), NULL);
      g_menu_item_set_action_and_target_value (again, "training.retrain", g_variant_new_int64 (run_id));
      g_menu_append_item (menu, again);
    }
  {
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Name and Note…"), NULL);
    g_menu_item_set_action_and_target_value (item, "training.rename-run", g_variant_new_int64 (run_id));
    g_menu_append_item (menu, item);
  }
  {
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Delete"), NULL);
    g_menu_item_set_action_and_target_value (item, "training.delete-run", g_variant_new_int64 (run_id));
    g_menu_append_item (menu, item);
  }
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return button;
}

static char *
record_title (SdTrainingPage    *self,
              const SdRunRecord *record)
{
  g_autofree char *name = record->label ? g_strdup (record->label) : model_label (record->kind, record->model);
  return g_strdup_printf ("%s #%ld", name, (long) record->run_id);
}

/* One row per purpose with a live model: what it is, how much the shop changed since it
 * was trained (with Retrain one click away), and Roll Back. */
static void
reload_live (SdTrainingPage *self)
{
  guint n = 0;

  sd_list_box_remove_all (self->live_list);
  for (guint p = 0; self->store && p < SD_N_MODEL_PURPOSES; p++)
    {
      gint64 live = sd_model_registry_live_id (self->store, p, NULL);
      g_autoptr(SdModelInfo) info = live > 0 ? sd_model_registry_get (self->store, live, NULL) : NULL;
      g_autoptr(SdRunRecord) record = info && info->run_id > 0 ? sd_model_runs_get (self->store, info->run_id, NULL) : NULL;
      GtkWidget *row, *back;
      gint64 fresh;

      if (info == NULL)
        continue;
      row = adw_action_row_new ();
      {
        g_autofree char *name = record ? record_title (self, record) : g_strdup (info->label);
        g_autofree char *escaped = escape_markup (name);
        g_autofree char *title = g_strdup_printf ("%s: %s", sd_model_purpose_get_label (p), escaped);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      }
      fresh = record ? sd_model_runs_new_orders (self->store, record, NULL) : -1;
      if (fresh > 0 || (info->needs_retraining && record))
        {
          g_autofree char *count = sd_format_count (fresh);
          g_autofree char *text = info->needs_retraining
                                  /* TRANSLATORS: a badge on a live model that learnt from a customer since forgotten */
                                  ? g_strdup (_("Learnt from a forgotten customer"))
                                  /* TRANSLATORS: a badge on a live model: the shop's orders since it was trained */
                                  : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s new order since training",
                                                                  "%s new orders since training", (gulong) fresh), count);
          GtkWidget *badge = gtk_label_new (text);
          GtkWidget *retrain = gtk_button_new_with_mnemonic (_("Re_train"));

          gtk_widget_add_css_class (badge, "warning");
          gtk_widget_add_css_class (badge, "caption-heading");
          gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
          gtk_widget_set_valign (retrain, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (retrain, _("Train again with the same settings on the shop as it is now"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (retrain), "training.retrain");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (retrain), g_variant_new_int64 (record->run_id));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), retrain);
        }
      else if (fresh == 0)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Up to date with the shop's orders"));
      back = gtk_button_new_with_mnemonic (_("_Roll Back"));
      gtk_widget_set_valign (back, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (back, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "training.rollback");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (back), g_variant_new_string (sd_model_purpose_to_string (p)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), back);
      gtk_list_box_append (self->live_list, row);
      n++;
    }
  {
    /* Whether a retrained model replaces the live one by itself when it validates no worse. */
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *sw = gtk_switch_new ();
    g_autofree char *value = self->store ? sd_store_get_setting (self->store, "models.auto-promote") : NULL;

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Promote _retrained models automatically"));
    adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 n ? _("Only when the new run scores at least as well on held-out data")
                                   : _("No model is live yet: promote one from a run's menu below"));
    gtk_switch_set_active (GTK_SWITCH (sw), g_strcmp0 (value, "1") == 0);
    gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
    g_signal_connect_object (sw, "notify::active", G_CALLBACK (auto_promote_toggled_cb), self, 0);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
    gtk_list_box_append (self->live_list, row);
  }
}

static void
auto_promote_toggled_cb (GtkSwitch      *sw,
                         GParamSpec     *pspec,
                         SdTrainingPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->store &&
      !sd_store_set_setting (self->store, "models.auto-promote", gtk_switch_get_active (sw) ? "1" : "0", &error))
    toast (self, error->message);
}

static void
do_promote (SdTrainingPage *self,
            gint64          model_id,
            SdModelPurpose  purpose,
            const char      *title)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;
  if (!sd_model_registry_promote (self->store, model_id, purpose, NULL, NULL, &error))
    {
      toast (self, error->message);
      return;
    }
  {
    /* TRANSLATORS: a toast: a run's model is now the live one, %s is the run, then a purpose */
    g_autofree char *message = g_strdup_printf (_("%s is live for %s"), title, sd_model_purpose_get_label (purpose));
    toast (self, message);
  }
  sd_store_notify_changed (self->store);
}

typedef struct {
  char              *db_path;
  gint64             candidate, live;
  SdModelComparison *result;
} CompareWork;

static void
compare_work_free (CompareWork *w)
{
  g_free (w->db_path);
  g_clear_pointer (&w->result, sd_model_comparison_free);
  g_free (w);
}

static gboolean
compare_func (SdJob         *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  CompareWork *w = data;
  g_autoptr(SdStore) store = sd_store_open (w->db_path, error);

  return store && (w->result = sd_model_compare (store, w->candidate, w->live, 5, job, cancellable, error)) != NULL;
}

static void
compare_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GtkWidget) dialog = user_data;
  g_autoptr(GError) error = NULL;
  CompareWork *w = sd_job_get_data (SD_JOB (object));
  gboolean ok = sd_job_run_finish (SD_JOB (object), result, &error);

  /* Closed meanwhile: nothing to show it in. */
  if (!gtk_widget_get_visible (dialog))
    return;
  if (ok)
    sd_promote_dialog_set_comparison (dialog, w->result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sd_promote_dialog_set_error (dialog, error->message);
}

static void
promote_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SdTrainingPage   *self)
{
  SdJob *job = g_object_get_data (G_OBJECT (dialog), "sd-job");

  if (job)
    sd_job_cancel (job);
  if (g_strcmp0 (response, "promote") == 0)
    do_promote (self, *(gint64 *) g_object_get_data (G_OBJECT (dialog), "sd-model-id"),
                GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "sd-purpose")),
                g_object_get_data (G_OBJECT (dialog), "sd-candidate"));
}

/* Promote a run's model; a recommender that would replace another live one is first
 * measured against it, in a dialog that then offers Promote. */
static void
promote_run_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  g_autoptr(SdRunRecord) record = NULL;
  g_autoptr(SdModelInfo) info = NULL;
  g_autoptr(SdModelInfo) live_info = NULL;
  g_autofree char *title = NULL;
  SdModelPurpose purpose;
  gint64 live;

  if (self->store == NULL || !(record = sd_model_runs_get (self->store, g_variant_get_int64 (parameter), NULL)) ||
      record->model_id <= 0 || !(info = sd_model_registry_get (self->store, record->model_id, NULL)) ||
      !sd_model_purpose_for_kind (info->kind, &purpose))
    return;
  title = record_title (self, record);
  live = sd_model_registry_live_id (self->store, purpose, NULL);
  if (live > 0 && live != record->model_id && g_str_equal (info->kind, "recommender") &&
      (live_info = sd_model_registry_get (self->store, live, NULL)) && get_window (self))
    {
      g_autoptr(SdRunRecord) live_record = live_info->run_id > 0 ? sd_model_runs_get (self->store, live_info->run_id, NULL) : NULL;
      g_autofree char *live_title = live_record ? record_title (self, live_record) : g_strdup (live_info->label);
      GtkWidget *dialog = sd_promote_dialog_new (get_window (self), title, live_title, sd_model_purpose_get_label (purpose));
      CompareWork *w = g_new0 (CompareWork, 1);
      gint64 *model_id = g_new (gint64, 1);
      SdJob *job;

      w->db_path = g_strdup (sd_store_get_path (self->store));
      w->candidate = record->model_id;
      w->live = live;
      *model_id = record->model_id;
      job = sd_job_new (_("Comparing with the live model"), compare_func, w, (GDestroyNotify) compare_work_free);
      g_object_set_data_full (G_OBJECT (dialog), "sd-model-id", model_id, g_free);
      g_object_set_data (G_OBJECT (dialog), "sd-purpose", GUINT_TO_POINTER (purpose));
      g_object_set_data_full (G_OBJECT (dialog), "sd-job", job, g_object_unref);
      g_signal_connect_object (dialog, "response", G_CALLBACK (promote_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      /* Not in the window's task list: the dialog shows it and its Cancel stops it. */
      sd_job_run_async (job, compare_done_cb, g_object_ref (dialog));
      return;
    }
  do_promote (self, record->model_id, purpose, title);
}

static void
rollback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  g_autoptr(GError) error = NULL;
  SdModelPurpose purpose;
  gint64 now_live = 0;

  if (self->store == NULL || !sd_model_purpose_from_string (g_variant_get_string (parameter, NULL), &purpose))
    return;
  if (!sd_model_registry_rollback (self->store, purpose, NULL, NULL, &now_live, &error))
    {
      toast (self, error->message);
      return;
    }
  if (now_live > 0)
    {
      g_autofree char *message = g_strdup_printf (_("%s rolled back to model %ld"), sd_model_purpose_get_label (purpose), (long) now_live);
      toast (self, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("No model is live for %s now: it uses its default"),
                                                  sd_model_purpose_get_label (purpose));
      toast (self, message);
    }
  sd_store_notify_changed (self->store);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SdTrainingPage   *self)
{
  g_autoptr(GError) error = NULL;
  gint64 run_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "sd-run-id");
  GtkEditable *name = g_object_get_data (G_OBJECT (dialog), "sd-name");
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "sd-note");

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;
  if (!sd_model_runs_set_label (self->store, run_id, gtk_editable_get_text (name), gtk_editable_get_text (note), &error))
    toast (self, error->message);
  reload_runs (self);
}

static void
rename_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  gint64 *run_id = g_new (gint64, 1);
  g_autoptr(SdRunRecord) record = NULL;
  GtkWidget *dialog, *box, *name, *note;

  *run_id = g_variant_get_int64 (parameter);
  if (self->store == NULL || !(record = sd_model_runs_get (self->store, *run_id, NULL)))
    {
      g_free (run_id);
      return;
    }
  dialog = adw_message_dialog_new (get_window (self), _("Name and Note"),
                                   _("A name to tell this run apart, and a note on why it was run or what it showed."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  name = gtk_entry_new ();
  note = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (name), _("Name"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("Note"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (name), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Run name"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (note), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Run note"), -1);
  gtk_editable_set_text (GTK_EDITABLE (name), record->label ? record->label : "");
  gtk_editable_set_text (GTK_EDITABLE (note), record->note ? record->note : "");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), note);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data_full (G_OBJECT (dialog), "sd-run-id", run_id, g_free);
  g_object_set_data (G_OBJECT (dialog), "sd-name", name);
  g_object_set_data (G_OBJECT (dialog), "sd-note", note);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SdTrainingPage   *self)
{
  g_autoptr(GError) error = NULL;
  gint64 run_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "sd-run-id");

  if (g_strcmp0 (response, "delete") != 0 || self->store == NULL)
    return;
  if (!sd_model_runs_delete (self->store, run_id, &error))
    {
      toast (self, error->message);
      return;
    }
  g_hash_table_remove (self->overlaid, &run_id);
  sd_store_notify_changed (self->store);
}

static void
delete_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  gint64 *run_id = g_new (gint64, 1);
  GtkWidget *dialog;

  *run_id = g_variant_get_int64 (parameter);
  dialog = adw_message_dialog_new (get_window (self), _("Delete Run?"),
                                   _("The run, its curves and the model it stored are deleted. A run whose model is live cannot be deleted."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "sd-run-id", run_id, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
sd_training_page_set_run_ticked (SdTrainingPage *self,
                                 gint64          run_id,
                                 gboolean        ticked)
{
  g_return_if_fail (SD_IS_TRAINING_PAGE (self));
  if (ticked)
    {
      gint64 *key = g_new (gint64, 1);
      *key = run_id;
      g_hash_table_add (self->overlaid, key);
    }
  else
    g_hash_table_remove (self->overlaid, &run_id);
  reload_runs (self);
}

GtkWidget *
sd_training_page_compare_runs (SdTrainingPage *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_run_record_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  GtkWidget *dialog;

  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), NULL);
  g_hash_table_iter_init (&iter, self->overlaid);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_ids);
  for (guint i = 0; self->store && i < ids->len; i++)
    {
      SdRunRecord *r = sd_model_runs_get (self->store, *(gint64 *) g_ptr_array_index (ids, i), NULL);
      if (r)
        {
          g_ptr_array_add (titles, record_title (self, r));
          g_ptr_array_add (records, r);
        }
    }
  if (records->len < 2)
    return NULL;
  dialog = sd_run_compare_dialog_new (get_window (self), records, titles);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
compare_runs_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  sd_training_page_compare_runs (SD_TRAINING_PAGE (widget));
}

/* Retrain: the run's model and hyperparameters, validated, on the shop as it is now. */
static void
retrain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  g_autoptr(SdRunRecord) record = NULL;
  g_auto(GStrv) params = NULL;
  g_autoptr(GError) error = NULL;
  SdTrainOptions options;
  SdJob *job;

  if (self->store == NULL || self->training ||
      !(record = sd_model_runs_get (self->store, g_variant_get_int64 (parameter), NULL)) ||
      g_strcmp0 (record->kind, "recommender") != 0)
    return;
  params = sd_run_record_params_as_args (record);
  sd_train_options_init (&options);
  options.db_path = sd_store_get_path (self->store);
  options.model = record->model;
  options.params = (const char * const *) params;
  options.validate = TRUE;
  if (!(job = sd_train_job_new (&options, &error)))
    {
      toast (self, error->message);
      return;
    }
  g_clear_object (&self->train_job);
  self->train_job = job;
  self->training_chatbot = FALSE;
  self->retrain_of = record->model_id;
  start_training (self, model_label (record->kind, record->model));
}

/* After a retrain: promote its model if the setting says so and it validates no worse than
 * the live one. */
static void
maybe_auto_promote (SdTrainingPage *self,
                    SdJob          *job)
{
  g_autofree char *value = sd_store_get_setting (self->store, "models.auto-promote");
  gint64 live = sd_model_registry_live_id (self->store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL);
  gint64 model_id = sd_train_job_get_model_id (job);
  g_autoptr(SdModelInfo) old = live > 0 ? sd_model_registry_get (self->store, live, NULL) : NULL;
  g_autoptr(SdModelInfo) new = model_id > 0 ? sd_model_registry_get (self->store, model_id, NULL) : NULL;
  double before, after;

  if (g_strcmp0 (value, "1") != 0 || old == NULL || new == NULL || live != self->retrain_of)
    return;
  before = sd_model_runs_json_number (old->metrics, "ndcg@10");
  after = sd_model_runs_json_number (new->metrics, "ndcg@10");
  if (isnan (before) || isnan (after))
    return;
  if (after >= before &&
      sd_model_registry_promote (self->store, model_id, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL,
                                 _("retrained; validation not worse"), NULL))
    toast (self, _("The retrained model validated no worse and is live now"));
  else
    toast (self, _("The retrained model validated worse; the live model stays"));
}

/* ---- Comparison table ------------------------------------------------------------- */

static void
metric_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_UINT (column) == 0 ? 0.0 : 1.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_UINT (column) > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
metric_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  column)
{
  SdTableRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  if (GPOINTER_TO_UINT (column) == 0)
    gtk_label_set_text (GTK_LABEL (label), sd_table_row_get_value (row, 0));
  else
    gtk_label_set_markup (GTK_LABEL (label), sd_table_row_get_value (row, GPOINTER_TO_UINT (column)));
}

static void
setup_metric_columns (SdTrainingPage *self)
{
  const char *titles[] = {
    N_("Model"), N_("P@10"), N_("R@20"), N_("NDCG@10"), N_("Hit@10"),
    N_("Cover"), N_("Novelty"), N_("Fit"),
  };
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->metrics)));

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (metric_setup_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (metric_bind_cb), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(titles[i]), factory);
      if (i == 0)
        {
          gtk_column_view_column_set_expand (column, TRUE);
          gtk_column_view_column_set_fixed_width (column, 100);
        }
      else
        gtk_column_view_column_set_fixed_width (column, i == 3 ? 76 : 64);
      gtk_column_view_append_column (self->metrics_view, column);
    }
  gtk_column_view_set_model (self->metrics_view, GTK_SELECTION_MODEL (selection));
}

/* ---- Store ------------------------------------------------------------------------ */

/* A kind of event the shop's data has none of (an order export such as Online Retail has
 * purchases only) is greyed out and says so, rather than offering a weight that changes
 * nothing. The counts come from the summaries, at once. */
static void
show_weight_kinds (SdTrainingPage *self)
{
  GtkSpinButton *spins[SD_N_EVENT_KINDS] = {
    [SD_EVENT_VIEW] = self->view_spin,
    [SD_EVENT_CART] = self->cart_spin,
    [SD_EVENT_PURCHASE] = self->purchase_spin,
    [SD_EVENT_REVIEW] = self->review_spin,
  };
  SdStoreStats stats = { 0 };
  gint64 total = 0;

  /* No shop (the window closing, its template children going): nothing to say. */
  if (self->store == NULL || self->view_spin == NULL)
    return;
  if (sd_summary_usable (self->store) && sd_store_get_stats (self->store, &stats, NULL))
    for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
      total += stats.events[k];
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (spins[k]), ADW_TYPE_ACTION_ROW);
      gboolean none = total > 0 && stats.events[k] == 0;

      gtk_widget_set_sensitive (row, !none);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   none ? _("None in this shop's data")
                                   : k == SD_EVENT_REVIEW ? _("Scaled by the rating: five stars count in full") : "");
    }
}

static void
check_data (SdTrainingPage *self)
{
  show_weight_kinds (self);
  self->has_data = self->store && sd_run_history_shop_has_training_data (self->store, NULL);
  update_empty (self);
}

static void
store_changed_cb (SdTrainingPage *self)
{
  check_data (self);
  reload_runs (self);
  update_actions (self);
}

SdStore *
sd_training_page_get_store (SdTrainingPage *self)
{
  g_return_val_if_fail (SD_IS_TRAINING_PAGE (self), NULL);
  return self->store;
}

void
sd_training_page_set_store (SdTrainingPage *self,
                            SdStore        *store)
{
  g_return_if_fail (SD_IS_TRAINING_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store)
    g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  /* Runs of another shop mean nothing here; the newest one is drawn, so a shop with a
   * history does not open on empty charts. */
  g_hash_table_remove_all (self->overlaid);
  check_data (self);
  reload_runs (self);
  if (self->newest_run > 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = self->newest_run;
      g_hash_table_add (self->overlaid, key);
      reload_runs (self);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
sd_training_page_dispose (GObject *object)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (object);
  GtkWidget *child;

  if (self->follow_progress_id)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->follow_progress_id);
  self->follow_progress_id = 0;
  if (self->tune_dialog)
    g_object_remove_weak_pointer (G_OBJECT (self->tune_dialog), (gpointer *) &self->tune_dialog);
  self->tune_dialog = NULL;
  if (self->train_job)
    g_signal_handlers_disconnect_by_data (self->train_job, self);
  g_clear_object (&self->train_job);
  if (self->tune_job)
    g_signal_handlers_disconnect_by_data (self->tune_job, self);
  g_clear_object (&self->tune_job);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_TRAINING_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->scratch);
  g_clear_pointer (&self->param_rows, g_ptr_array_unref);
  g_clear_pointer (&self->group_rows, g_ptr_array_unref);
  g_clear_pointer (&self->overlaid, g_hash_table_unref);
  g_clear_pointer (&self->validated, g_array_unref);
  g_clear_object (&self->metrics);
  g_clear_pointer (&self->live_label, g_free);

  G_OBJECT_CLASS (sd_training_page_parent_class)->dispose (object);
}

static void
sd_training_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TRAINING:
      g_value_set_boolean (value, self->training);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_training_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_training_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_training_page_class_init (SdTrainingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_training_page_dispose;
  object_class->get_property = sd_training_page_get_property;
  object_class->set_property = sd_training_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SD_TYPE_LINE_CHART);
  g_type_ensure (SD_TYPE_COLUMNS);
  g_type_ensure (SD_TYPE_CHART_CONTROLS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-training-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, model_group);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, params_group);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, weights_group);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, eval_group);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, view_spin);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, cart_spin);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, purchase_spin);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, review_spin);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, validate_switch);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, settings_error);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, tune_button);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, columns);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, progress_title);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, progress_status);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, loss_chart);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, ndcg_chart);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, loss_empty);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, live_list);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, tune_budget_spin);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, tune_budget_unit);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, classifier_chart);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, classifier_empty);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, ndcg_empty);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, runs_list);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, metrics_stack);
  gtk_widget_class_bind_template_child (widget_class, SdTrainingPage, metrics_view);
  gtk_widget_class_bind_template_callback (widget_class, model_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "training.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "training.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "training.tune", NULL, tune_action);
  gtk_widget_class_install_action (widget_class, "training.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "training.compare-runs", NULL, compare_runs_action);
  gtk_widget_class_install_action (widget_class, "training.promote-run", "x", promote_run_action);
  gtk_widget_class_install_action (widget_class, "training.rename-run", "x", rename_run_action);
  gtk_widget_class_install_action (widget_class, "training.delete-run", "x", delete_run_action);
  gtk_widget_class_install_action (widget_class, "training.rollback", "s", rollback_action);
  gtk_widget_class_install_action (widget_class, "training.retrain", "x", retrain_action);
}

static void
sd_training_page_init (SdTrainingPage *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const char **names = sd_recommender_list_names ();
  SdInteractionWeights weights;
  GtkWidget *placeholder;

  self->param_rows = g_ptr_array_new ();
  self->group_rows = g_ptr_array_new ();
  self->overlaid = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->validated = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->metrics = g_list_store_new (SD_TYPE_TABLE_ROW);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *label = model_label ("recommender", names[i]);
      gtk_string_list_append (labels, label);
    }
  gtk_string_list_append (labels, _("Chatbot intent classifier"));
  self->updating = TRUE;
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (labels));
  self->updating = FALSE;
  show_model_summary (self);

  sd_interactions_weights_default (&weights);
  gtk_spin_button_set_value (self->view_spin, weights.view);
  gtk_spin_button_set_value (self->cart_spin, weights.cart);
  gtk_spin_button_set_value (self->purchase_spin, weights.purchase);
  gtk_spin_button_set_value (self->review_spin, weights.review);

  placeholder = gtk_label_new (_("No training runs yet. Choose a model and press Train."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->runs_list, placeholder);

  /* Ctrl+Return trains wherever the focus is (the sidebar, say) while the page is shown. */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_alternative_trigger_new (
                                                              gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                              gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                                                            gtk_named_action_new ("training.train")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }

  setup_metric_columns (self);
  sd_training_page_select_model (self, "als");
  rebuild_charts (self);
  update_actions (self);
}
