/* sd-training-page.h — train recommenders in the background and compare them
 *
 * Pick a model, edit its hyperparameters (rows built from the model's GParamSpecs) and
 * the interaction weights, and train it as an SdJob through the window: the loss and the
 * validation NDCG@10 draw live as epochs end. Past runs of any kind (recommender or
 * chatbot) are listed from the `runs` table and can be overlaid on the same charts; a
 * table compares the models' newest validated runs. "Tune…" runs the hyperparameter
 * search and offers its best values.
 *
 * Actions: training.train (Ctrl+Return), training.cancel, training.tune, training.reset.
 */
#pragma once

#include <adwaita.h>

#include "sd-line-chart.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_TRAINING_PAGE (sd_training_page_get_type ())
G_DECLARE_FINAL_TYPE (SdTrainingPage, sd_training_page, SD, TRAINING_PAGE, GtkWidget)

SdStore     *sd_training_page_get_store       (SdTrainingPage *self);
void         sd_training_page_set_store       (SdTrainingPage *self,
                                               SdStore        *store);
/* Chooses the model to edit by name ("als", or "chatbot" for the chatbot's intent
 * classifier); FALSE for an unknown one. */
gboolean     sd_training_page_select_model    (SdTrainingPage *self,
                                               const char     *name);
/* Sets a hyperparameter as the editor does; FALSE with @error (also shown next to the
 * field) when the model refuses the value. */
gboolean     sd_training_page_set_param       (SdTrainingPage *self,
                                               const char     *key,
                                               const char     *value,
                                               GError        **error);
void         sd_training_page_set_validate    (SdTrainingPage *self,
                                               gboolean        validate);
/* Property "training": whether a training job started here is running. */
gboolean     sd_training_page_get_training    (SdTrainingPage *self);
/* Whether a hyperparameter search started here is running. */
gboolean     sd_training_page_get_tuning      (SdTrainingPage *self);
/* The value the editor holds for @key (KEY=VALUE form), or NULL. */
char        *sd_training_page_get_param       (SdTrainingPage *self,
                                               const char     *key);
/* Loss points drawn for the running (or last) training. */
guint        sd_training_page_get_n_live_loss_points (SdTrainingPage *self);
guint        sd_training_page_get_n_runs      (SdTrainingPage *self);
/* Rows of the model comparison table. */
guint        sd_training_page_get_n_compared  (SdTrainingPage *self);
SdLineChart *sd_training_page_get_loss_chart  (SdTrainingPage *self);

/* The model's preset ("fast", "balanced", "best"): its settings follow. FALSE for a model
 * without presets or an unknown name. */
gboolean    sd_training_page_set_preset     (SdTrainingPage *self,
                                             const char     *preset);
/* The preset the settings match, "custom" when none, NULL for a model without presets. */
char       *sd_training_page_get_preset     (SdTrainingPage *self);
/* Ticks or unticks run @run_id (its curves on the charts, a column in the comparison). */
void        sd_training_page_set_run_ticked (SdTrainingPage *self,
                                             gint64          run_id,
                                             gboolean        ticked);
/* Opens the comparison of the ticked runs (two or more) and returns the dialog, or NULL. */
GtkWidget  *sd_training_page_compare_runs (SdTrainingPage *self);

G_END_DECLS
