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

#include "sd-chart-controls.h"
#include "sd-columns.h"
#include "sd-dialogue.h"
#include "sd-format.h"
#include "sd-model-runs.h"
#include "sd-page-host.h"
#include "sd-summary.h"
#include "sd-table-row.h"
#include "sd-train-job.h"
#include "sd-training-page-private.h"
#include "sd-tune-dialog.h"

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

/* ---- Helpers ---------------------------------------------------------------------- */

/* Text as Pango markup: &, < and > escaped, and nothing else. g_markup_escape_text()
 * also turns ' into &apos;, which some labels then show literally ("customer&apos;s"). */
char *
sd_training_page_escape_markup (const char *text)
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

GtkWindow *
sd_training_page_get_window (SdTrainingPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

void
sd_training_page_toast (SdTrainingPage *self,
                        const char     *message)
{
  sd_page_host_toast (GTK_WIDGET (self), message);
}

const char *
sd_training_page_selected_name (SdTrainingPage *self)
{
  const char **names = sd_recommender_list_names ();
  guint selected = adw_combo_row_get_selected (self->model_row);

  for (guint i = 0; names[i]; i++)
    if (i == selected)
      return names[i];
  return NULL;
}

/* The model picker lists the recommenders, then the chatbot's intent classifier. */
gboolean
sd_training_page_chatbot_selected (SdTrainingPage *self)
{
  return adw_combo_row_get_selected (self->model_row) == g_strv_length ((char **) sd_recommender_list_names ());
}

/* A model name as people read it: the recommender's label, else the name itself. */
char *
sd_training_page_model_label (const char *kind,
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
char *
sd_training_page_run_title (SdStore         *store,
                            const SdRunInfo *run)
{
  char *label = store ? sd_model_runs_get_label (store, run->id) : NULL;

  return label ? label : sd_training_page_model_label (run->kind, run->model);
}

/* A metric on screen, in the user's locale: a large loss as a grouped whole number
 * ("871,521", not "8.72e+05"), others with three decimals. */
char *
sd_training_page_format_metric (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e4 && fabs (value) < 1e15)
    return sd_format_count ((gint64) llround (value));
  if (fabs (value) >= 1e4 || (value != 0 && fabs (value) < 1e-3))
    return g_strdup_printf ("%.3g", value);
  return g_strdup_printf ("%.3f", value);
}

char *
sd_training_page_format_seconds (double seconds)
{
  if (isnan (seconds))
    return g_strdup ("—");
  if (seconds < 10)
    return g_strdup_printf (_("%.2f s"), seconds);
  if (seconds < 120)
    return g_strdup_printf (_("%.1f s"), seconds);
  return g_strdup_printf (_("%.0f min"), seconds / 60);
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
      !sd_training_page_is_hyperparameter (pspec))
    return NULL;
  return sd_training_page_param_string (G_OBJECT (self->scratch), pspec);
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

void
sd_training_page_update_actions (SdTrainingPage *self)
{
  const char *name = sd_training_page_selected_name (self);
  gboolean idle = self->store != NULL && !self->training && self->tune_job == NULL;
  const char * const *grid, * const *fixed;
  guint n_random;
  gboolean searchable = name && find_grid (name, &grid, &fixed, &n_random);

  /* The chatbot learns from its built-in examples, so it trains even on an empty shop. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.train",
                                 idle && ((self->scratch && self->has_data) || sd_training_page_chatbot_selected (self)));
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
      sd_training_page_update_empty (self);
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
      sd_training_page_update_empty (self);
    }
  else if (g_strcmp0 (name, "ndcg@10") == 0 &&
           (series = sd_line_chart_find_series (self->ndcg_chart, "live")) >= 0)
    {
      sd_line_chart_append (self->ndcg_chart, series, step, value);
      sd_training_page_update_empty (self);
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
    sd_training_page_maybe_auto_promote (self, job);
  self->retrain_of = 0;
  if (ok && self->training_chatbot)
    /* TRANSLATORS: a toast, %s is a model's name */
    message = g_strdup_printf (_("%s trained"), self->live_label);
  else if (ok)
    {
      g_autofree char *secs = sd_training_page_format_seconds (sd_train_job_get_fit_seconds (job));
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
  sd_training_page_toast (self, message);
  sd_training_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);

  if (self->store && ok)
    sd_store_notify_changed (self->store);   /* other pages load the new model; we reload */
  else
    sd_training_page_reload_runs (self);
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdTrainingPage *self = SD_TRAINING_PAGE (widget);
  GtkWindow *window = sd_training_page_get_window (self);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) params = NULL;
  SdTrainOptions options;
  SdJob *job;

  if (self->store == NULL || self->training || window == NULL || !gtk_widget_get_mapped (widget))
    return;
  if (self->scratch == NULL && sd_training_page_chatbot_selected (self))
    {
      g_clear_object (&self->train_job);
      self->train_job = sd_dialogue_train_job_new (sd_store_get_path (self->store));
      self->training_chatbot = TRUE;
      sd_training_page_start_training (self, _("Chatbot intent classifier"));
      return;
    }
  if (self->scratch == NULL)
    return;

  params = sd_training_page_current_params (self);
  sd_train_options_init (&options);
  options.db_path = sd_store_get_path (self->store);
  options.model = sd_training_page_selected_name (self);
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
  sd_training_page_start_training (self, _(sd_recommender_get_label (self->scratch)));
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
void
sd_training_page_start_training (SdTrainingPage *self,
                                 const char     *label)
{
  SdJob *job = self->train_job;
  g_autofree char *title = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->settings_error), FALSE);
  self->training = TRUE;
  self->n_live_loss = 0;
  g_free (self->live_label);
  self->live_label = g_strdup (label);
  sd_training_page_rebuild_charts (self);

  /* TRANSLATORS: the progress panel's title, %s is a model's name */
  title = g_strdup_printf (_("Training %s"), self->live_label);
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_status, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  show_progress (self);

  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::text", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "metric", G_CALLBACK (train_metric_cb), self, 0);
  sd_training_page_update_actions (self);
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
  sd_training_page_rebuild_param_rows (self);
  sd_training_page_toast (self, _("The best values are in the editor: train to keep a model with them"));
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
  sd_training_page_update_actions (self);

  if (ok && d->result && d->result->trials->len > 0)
    {
      SdTuneTrial *best = g_ptr_array_index (d->result->trials, d->result->best);
      g_autofree char *values = g_strjoinv (", ", best->assignments);
      g_autofree char *score = sd_training_page_format_metric (best->value);
      g_autofree char *label = sd_training_page_model_label ("recommender", d->model);
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
                                 : sd_tune_dialog_new (GTK_WINDOW (sd_training_page_get_window (self)), _("Search Finished"), d->result->metric);
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
      sd_training_page_toast (self, _("Search cancelled"));
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
  GtkWindow *window = sd_training_page_get_window (self);
  const char *name = sd_training_page_selected_name (self);
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
  label = sd_training_page_model_label ("recommender", name);
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
  sd_training_page_update_actions (self);
  sd_job_set_ask_before_quit (self->tune_job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), self->tune_job, tune_done_cb, g_object_ref (self));
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
  sd_training_page_update_empty (self);
}

static void
store_changed_cb (SdTrainingPage *self)
{
  check_data (self);
  sd_training_page_reload_runs (self);
  sd_training_page_update_actions (self);
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
  sd_training_page_reload_runs (self);
  if (self->newest_run > 0)
    {
      gint64 *key = g_new (gint64, 1);
      *key = self->newest_run;
      g_hash_table_add (self->overlaid, key);
      sd_training_page_reload_runs (self);
    }
  sd_training_page_update_actions (self);
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
  gtk_widget_class_bind_template_callback (widget_class, sd_training_page_model_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "training.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "training.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "training.tune", NULL, tune_action);
  gtk_widget_class_install_action (widget_class, "training.reset", NULL, sd_training_page_reset_action);
  gtk_widget_class_install_action (widget_class, "training.compare-runs", NULL, sd_training_page_compare_runs_action);
  gtk_widget_class_install_action (widget_class, "training.promote-run", "x", sd_training_page_promote_run_action);
  gtk_widget_class_install_action (widget_class, "training.rename-run", "x", sd_training_page_rename_run_action);
  gtk_widget_class_install_action (widget_class, "training.delete-run", "x", sd_training_page_delete_run_action);
  gtk_widget_class_install_action (widget_class, "training.rollback", "s", sd_training_page_rollback_action);
  gtk_widget_class_install_action (widget_class, "training.retrain", "x", sd_training_page_retrain_action);
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
      g_autofree char *label = sd_training_page_model_label ("recommender", names[i]);
      gtk_string_list_append (labels, label);
    }
  gtk_string_list_append (labels, _("Chatbot intent classifier"));
  self->updating = TRUE;
  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (labels));
  self->updating = FALSE;
  sd_training_page_show_model_summary (self);

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

  sd_training_page_setup_metric_columns (self);
  sd_training_page_select_model (self, "als");
  sd_training_page_rebuild_charts (self);
  sd_training_page_update_actions (self);
}
