/* sd-tune-dialog.h — a hyperparameter search as it runs, and what it chose
 *
 * Opened when Tune… starts: each trial is added as it finishes, as a row of the table
 * (its settings and score) and a point of the chart of score against the first setting
 * searched (coloured by the second, when there is one). At the end the body says what the
 * search chose, its row is marked, and "use" (Use These Values) is enabled.
 */
#pragma once

#include <adwaita.h>

#include "sd-tune.h"

G_BEGIN_DECLS

GtkWidget *sd_tune_dialog_new          (GtkWindow         *parent,
                                        const char        *title,
                                        const char        *metric);
void       sd_tune_dialog_add_trial    (GtkWidget         *dialog,
                                        const SdTuneTrial *trial);
/* @body: the sentence saying what was chosen. */
void       sd_tune_dialog_finish       (GtkWidget         *dialog,
                                        const SdTuneResult *result,
                                        const char        *body);
guint      sd_tune_dialog_get_n_trials (GtkWidget         *dialog);

G_END_DECLS
