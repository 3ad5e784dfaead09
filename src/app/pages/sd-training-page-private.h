/* sd-training-page-private.h — what the files of the Training page share
 *
 * SdTrainingPage is split across files by job (sd-training-page.c holds the type, training
 * and tuning); this header is theirs alone.
 */
#pragma once

#include <adwaita.h>

#include "sd-job.h"
#include "sd-recommender.h"
#include "sd-run-history.h"
#include "sd-training-page.h"

G_BEGIN_DECLS

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

/* sd-training-page-params.c */
char **sd_training_page_current_params (SdTrainingPage *self);
void sd_training_page_expert_expanded_cb (AdwExpanderRow *row, GParamSpec *pspec, SdTrainingPage *self);
gboolean sd_training_page_is_hyperparameter (GParamSpec *pspec);
void sd_training_page_model_selected_cb (SdTrainingPage *self);
char *sd_training_page_param_string (GObject *object, GParamSpec *pspec);
gboolean sd_training_page_rebuild_idle_cb (gpointer data);
void sd_training_page_rebuild_param_rows (SdTrainingPage *self);
void sd_training_page_reset_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_show_model_summary (SdTrainingPage *self);
void sd_training_page_update_preset_row (SdTrainingPage *self);

/* sd-training-page-runs.c */
void sd_training_page_auto_promote_toggled_cb (GtkSwitch *sw, GParamSpec *pspec, SdTrainingPage *self);
void sd_training_page_compare_runs_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_delete_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_maybe_auto_promote (SdTrainingPage *self, SdJob *job);
void sd_training_page_promote_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_rebuild_charts (SdTrainingPage *self);
void sd_training_page_reload_live (SdTrainingPage *self);
void sd_training_page_reload_runs (SdTrainingPage *self);
void sd_training_page_rename_run_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_retrain_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_training_page_rollback_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
GtkWidget *sd_training_page_run_menu_button (gint64 run_id, gboolean has_model, const char *title);
void sd_training_page_setup_metric_columns (SdTrainingPage *self);
void sd_training_page_update_empty (SdTrainingPage *self);

/* sd-training-page.c */
gboolean sd_training_page_chatbot_selected (SdTrainingPage *self);
char *sd_training_page_escape_markup (const char *text);
char *sd_training_page_format_metric (double value);
char *sd_training_page_format_seconds (double seconds);
GtkWindow *sd_training_page_get_window (SdTrainingPage *self);
char *sd_training_page_model_label (const char *kind, const char *name);
char *sd_training_page_run_title (SdStore *store, const SdRunInfo *run);
const char *sd_training_page_selected_name (SdTrainingPage *self);
void sd_training_page_start_training (SdTrainingPage *self, const char *label);
void sd_training_page_toast (SdTrainingPage *self, const char *message);
void sd_training_page_update_actions (SdTrainingPage *self);

G_END_DECLS
