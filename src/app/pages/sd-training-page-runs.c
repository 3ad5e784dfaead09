/* sd-training-page-runs.c — the Training page's charts and runs: live and past loss and metric
 * curves, the runs as records (menus, live models) and the comparison table */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-columns.h"
#include "sd-format.h"
#include "sd-list-rows.h"
#include "sd-model-registry.h"
#include "sd-model-runs.h"
#include "sd-promote-dialog.h"
#include "sd-run-compare-dialog.h"
#include "sd-table-row.h"
#include "sd-train-job.h"
#include "sd-training-page-private.h"

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
  name = sd_training_page_run_title (self->store, run);
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
void
sd_training_page_update_empty (SdTrainingPage *self)
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

void
sd_training_page_rebuild_charts (SdTrainingPage *self)
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
  sd_training_page_update_empty (self);
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
  sd_training_page_rebuild_charts (self);
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
  g_autofree char *label = sd_training_page_run_title (self->store, run);
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
    g_autofree char *escaped_label = sd_training_page_escape_markup (label);
    title = g_strdup_printf ("%s <span alpha=\"60%%\">#%" G_GINT64_FORMAT "</span>",
                             escaped_label, run_id);
  }
  /* Unfinished runs say so in a tag at the end of the row. */
  g_string_append (subtitle, when);
  if (run->has_loss)
    {
      g_autofree char *v = sd_training_page_format_metric (run->last_loss);
      /* TRANSLATORS: in a run's summary line: the loss after the last epoch */
      g_string_append_printf (subtitle, _(" · final loss %s"), v);
    }
  if (!isnan (ndcg))
    {
      g_autofree char *v = sd_training_page_format_metric (ndcg);
      g_string_append_printf (subtitle, _(" · NDCG@10 %s"), v);
    }
  if (!isnan (accuracy))
    {
      g_autofree char *v = sd_training_page_format_metric (accuracy);
      /* TRANSLATORS: in a chatbot run's summary line: share of held-out messages understood */
      g_string_append_printf (subtitle, _(" · accuracy %s"), v);
    }
  if (!isnan (fit))
    {
      g_autofree char *v = sd_training_page_format_seconds (fit);
      /* TRANSLATORS: in a run's summary line: how long fitting took */
      g_string_append_printf (subtitle, _(" · fit in %s"), v);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  escaped = sd_training_page_escape_markup (subtitle->str);
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
        g_autofree char *escaped_note = sd_training_page_escape_markup (record->note);
        g_autofree char *with_note = g_strdup_printf ("%s\n%s", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), escaped_note);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), with_note);
      }
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), sd_training_page_run_menu_button (run_id, record && record->model_id > 0, label));
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

      cells[0] = sd_training_page_model_label ("recommender", name);
      /* "ALS (implicit feedback)" → "ALS": the table is narrow, the runs list says more. */
      if (strstr (cells[0], " ("))
        *strstr (cells[0], " (") = '\0';
      for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
        {
          g_autofree char *text = g_str_equal (metrics[m], "fit_seconds") ? sd_training_page_format_seconds (values[m])
                                                                          : sd_training_page_format_metric (values[m]);
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

void
sd_training_page_reload_runs (SdTrainingPage *self)
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
  sd_training_page_reload_live (self);
  sd_training_page_rebuild_charts (self);
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

GtkWidget *
sd_training_page_run_menu_button (gint64      run_id,
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
  g_autofree char *name = record->label ? g_strdup (record->label) : sd_training_page_model_label (record->kind, record->model);
  return g_strdup_printf ("%s #%ld", name, (long) record->run_id);
}

/* One row per purpose with a live model: what it is, how much the shop changed since it
 * was trained (with Retrain one click away), and Roll Back. */
void
sd_training_page_reload_live (SdTrainingPage *self)
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
        g_autofree char *escaped = sd_training_page_escape_markup (name);
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
    g_signal_connect_object (sw, "notify::active", G_CALLBACK (sd_training_page_auto_promote_toggled_cb), self, 0);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
    gtk_list_box_append (self->live_list, row);
  }
}

void
sd_training_page_auto_promote_toggled_cb (GtkSwitch      *sw,
                                          GParamSpec     *pspec,
                                          SdTrainingPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->store &&
      !sd_store_set_setting (self->store, "models.auto-promote", gtk_switch_get_active (sw) ? "1" : "0", &error))
    sd_training_page_toast (self, error->message);
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
      sd_training_page_toast (self, error->message);
      return;
    }
  {
    /* TRANSLATORS: a toast: a run's model is now the live one, %s is the run, then a purpose */
    g_autofree char *message = g_strdup_printf (_("%s is live for %s"), title, sd_model_purpose_get_label (purpose));
    sd_training_page_toast (self, message);
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
void
sd_training_page_promote_run_action (GtkWidget  *widget,
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
      (live_info = sd_model_registry_get (self->store, live, NULL)) && sd_training_page_get_window (self))
    {
      g_autoptr(SdRunRecord) live_record = live_info->run_id > 0 ? sd_model_runs_get (self->store, live_info->run_id, NULL) : NULL;
      g_autofree char *live_title = live_record ? record_title (self, live_record) : g_strdup (live_info->label);
      GtkWidget *dialog = sd_promote_dialog_new (sd_training_page_get_window (self), title, live_title, sd_model_purpose_get_label (purpose));
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

void
sd_training_page_rollback_action (GtkWidget  *widget,
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
      sd_training_page_toast (self, error->message);
      return;
    }
  if (now_live > 0)
    {
      g_autofree char *message = g_strdup_printf (_("%s rolled back to model %ld"), sd_model_purpose_get_label (purpose), (long) now_live);
      sd_training_page_toast (self, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("No model is live for %s now: it uses its default"),
                                                  sd_model_purpose_get_label (purpose));
      sd_training_page_toast (self, message);
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
    sd_training_page_toast (self, error->message);
  sd_training_page_reload_runs (self);
}

void
sd_training_page_rename_run_action (GtkWidget  *widget,
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
  dialog = adw_message_dialog_new (sd_training_page_get_window (self), _("Name and Note"),
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
      sd_training_page_toast (self, error->message);
      return;
    }
  g_hash_table_remove (self->overlaid, &run_id);
  sd_store_notify_changed (self->store);
}

void
sd_training_page_delete_run_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  gint64 *run_id = g_new (gint64, 1);
  GtkWidget *dialog;

  *run_id = g_variant_get_int64 (parameter);
  dialog = adw_message_dialog_new (sd_training_page_get_window (self), _("Delete Run?"),
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
  sd_training_page_reload_runs (self);
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
  dialog = sd_run_compare_dialog_new (sd_training_page_get_window (self), records, titles);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

void
sd_training_page_compare_runs_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  sd_training_page_compare_runs (SD_TRAINING_PAGE (widget));
}

/* Retrain: the run's model and hyperparameters, validated, on the shop as it is now. */
void
sd_training_page_retrain_action (GtkWidget  *widget,
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
      sd_training_page_toast (self, error->message);
      return;
    }
  g_clear_object (&self->train_job);
  self->train_job = job;
  self->training_chatbot = FALSE;
  self->retrain_of = record->model_id;
  sd_training_page_start_training (self, sd_training_page_model_label (record->kind, record->model));
}

/* After a retrain: promote its model if the setting says so and it validates no worse than
 * the live one. */
void
sd_training_page_maybe_auto_promote (SdTrainingPage *self,
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
    sd_training_page_toast (self, _("The retrained model validated no worse and is live now"));
  else
    sd_training_page_toast (self, _("The retrained model validated worse; the live model stays"));
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

void
sd_training_page_setup_metric_columns (SdTrainingPage *self)
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
