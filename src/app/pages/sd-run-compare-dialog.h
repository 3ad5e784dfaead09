/* sd-run-compare-dialog.h — two or more training runs side by side
 *
 * A dialog with a column per run: what it is, when it ran and for how long, the data it
 * saw, its validation scores, and every hyperparameter any of them has, the rows where
 * the runs differ highlighted. The records come from sd-model-runs; nothing is computed
 * here.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* @records: SdRunRecord * (two or more). @titles: what each run is called (char *). */
GtkWidget *sd_run_compare_dialog_new (GtkWindow *parent,
                                      GPtrArray *records,
                                      GPtrArray *titles);
/* How many parameter rows differ (for tests). */
guint      sd_run_compare_dialog_get_n_differing (GtkWidget *dialog);

G_END_DECLS
