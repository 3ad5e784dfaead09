/* sd-promote-dialog.h — before a model goes live: the candidate against the live one
 *
 * Opens saying it is measuring; the page runs sd_model_compare() in a job and hands the
 * result over. Then it shows both models' scores on the same held-out data and how much of
 * a few customers' top ten they share, and offers Promote (response "promote").
 */
#pragma once

#include <adwaita.h>

#include "sd-model-compare.h"

G_BEGIN_DECLS

GtkWidget *sd_promote_dialog_new            (GtkWindow               *parent,
                                             const char              *candidate,
                                             const char              *live,
                                             const char              *purpose);
void       sd_promote_dialog_set_comparison (GtkWidget               *dialog,
                                             const SdModelComparison *comparison);
/* The comparison failed: says why; Promote stays possible. */
void       sd_promote_dialog_set_error      (GtkWidget               *dialog,
                                             const char              *message);

G_END_DECLS
