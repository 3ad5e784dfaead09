/* sd-cli-recommend-private.h — what the recommendation commands' files share
 *
 * `eval`, `train`, `recommend`/`similar` and `tune` each have a file; the models they
 * build, the metrics they name and the progress they show are sd-cli-recommend.c's.
 */
#pragma once

#include "sd-cli.h"
#include "sd-csv.h"
#include "sd-job.h"
#include "sd-recommender.h"

G_BEGIN_DECLS

/* sd-cli-recommend.c */
void sd_cli_cap_blas_threads (void);
gboolean sd_cli_check_grid (const char *name, char **grid);
gboolean sd_cli_check_metric (const char *metric);
gboolean sd_cli_check_model (const char *command, const char *name, char **params);
SdCsvWriter *sd_cli_csv_rows_new (GString *out);
gboolean sd_cli_fit_with_progress (SdRecommender *model, SdInteractions *train, GError **error);
char *sd_cli_metric_for_people (const char *name, double value);
char *sd_cli_metric_label (const char *name);
SdRecommender *sd_cli_new_model (const char *command, const char *name, char **params);
char *sd_cli_seconds_for_people (double seconds);
char *sd_cli_sibling_file (const char *path, const char *name);
const char *sd_cli_source_text (const char *source);

/* sd-cli-train.c */
void sd_cli_on_job_progress (SdJob *job, GParamSpec *pspec, gpointer user_data);

G_END_DECLS
