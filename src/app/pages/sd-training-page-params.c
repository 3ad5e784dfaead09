/* sd-training-page-params.c — the Training page's settings editor: a scratch instance of the
 * chosen model whose every field the model itself accepts or refuses, presets, the model's
 * summary */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-columns.h"
#include "sd-format.h"
#include "sd-model-presets.h"
#include "sd-training-page-private.h"

/* ---- Hyperparameter editor -------------------------------------------------------- */

gboolean
sd_training_page_is_hyperparameter (GParamSpec *pspec)
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

char *
sd_training_page_param_string (GObject    *object,
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
      g_autofree char *escaped = sd_training_page_escape_markup (message ? message : subtitle ? subtitle : "");
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
      g_autofree char *kept = sd_training_page_param_string (G_OBJECT (self->scratch), pspec);
      /* TRANSLATORS: a refused hyperparameter: the model's reason, then the value kept */
      g_autofree char *message = g_strdup_printf (_("%s. Still %s."), error->message, kept);
      show_row_error (row, message);
      return FALSE;
    }
  show_row_error (row, NULL);
  sd_training_page_update_preset_row (self);
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
      g_autofree char *current = sd_training_page_param_string (G_OBJECT (self->scratch), pspec);
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
  g_autofree char *current = sd_training_page_param_string (G_OBJECT (self->scratch), pspec);
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
      g_autofree char *escaped = sd_training_page_escape_markup (subtitle);
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
          g_autofree char *now = pspec ? sd_training_page_param_string (G_OBJECT (self->scratch), pspec) : NULL;
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
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, sd_training_page_rebuild_idle_cb, g_object_ref (self), g_object_unref);
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
  sd_training_page_rebuild_param_rows (self);
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

gboolean
sd_training_page_rebuild_idle_cb (gpointer data)
{
  sd_training_page_rebuild_param_rows (data);
  return G_SOURCE_REMOVE;
}

void
sd_training_page_rebuild_param_rows (SdTrainingPage *self)
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
    if (sd_training_page_is_hyperparameter (pspecs[i]))
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
      g_signal_connect_object (expander, "notify::expanded", G_CALLBACK (sd_training_page_expert_expanded_cb), self, 0);
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

void
sd_training_page_expert_expanded_cb (AdwExpanderRow *row,
                                     GParamSpec     *pspec,
                                     SdTrainingPage *self)
{
  self->expert_expanded = adw_expander_row_get_expanded (row);
}

/* After an edit by hand: the preset row says which preset the settings are now. */
void
sd_training_page_update_preset_row (SdTrainingPage *self)
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
  sd_training_page_rebuild_param_rows (self);
  if (name == NULL && sd_training_page_chatbot_selected (self))
    adw_preferences_group_set_description (self->params_group,
                                           _("The chatbot learns which intent a message has from the shop's chat "
                                             "examples, corrections included. Its settings are fixed."));
  gtk_widget_set_sensitive (self->weights_group, name != NULL);
  gtk_widget_set_sensitive (self->eval_group, name != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  sd_training_page_update_actions (self);
}

/* Above the model picker, what the chosen model does in plain words: the names (ALS, EASE,
 * kNN) tell a shop manager nothing. Not the row's subtitle: beside the picker it would
 * squeeze the model's name where the page is two columns wide. */
void
sd_training_page_show_model_summary (SdTrainingPage *self)
{
  const char *name = sd_training_page_selected_name (self);
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

void
sd_training_page_model_selected_cb (SdTrainingPage *self)
{
  sd_training_page_show_model_summary (self);
  set_model (self, sd_training_page_selected_name (self));
}

void
sd_training_page_reset_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  set_model (self, sd_training_page_selected_name (self));
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
          sd_training_page_rebuild_param_rows (self);
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

char **
sd_training_page_current_params (SdTrainingPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree GParamSpec **pspecs = NULL;
  guint n = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self->scratch), &n);
  for (guint i = 0; i < n; i++)
    if (sd_training_page_is_hyperparameter (pspecs[i]))
      {
        g_autofree char *value = sd_training_page_param_string (G_OBJECT (self->scratch), pspecs[i]);
        g_autofree char *pair = g_strdup_printf ("%s=%s", pspecs[i]->name, value);
        g_strv_builder_add (builder, pair);
      }
  return g_strv_builder_end (builder);
}
