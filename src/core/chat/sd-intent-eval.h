/* sd-intent-eval.h — how well a text classifier does on labelled test data */
#pragma once

#include <glib.h>

#include "sd-intent-data.h"
#include "sd-intent-model.h"
#include "sd-oos.h"

G_BEGIN_DECLS

typedef struct {
  char  *truth;
  char  *predicted;
  guint  count;
} SdIntentConfusion;

typedef struct {
  guint    n;
  double   accuracy;
  double   macro_f1;        /* over the labels in the truth or the predictions */
  gboolean has_oos;         /* the model has an out-of-scope label and the data uses it */
  double   oos_recall;      /* out-of-scope texts recognised as such */
  double   oos_precision;
  double   in_scope_accuracy;
  guint    unknown_labels;  /* test examples whose label the model never saw */
  GArray  *confusions;      /* SdIntentConfusion, the costliest first */
} SdIntentEval;

/* With an out-of-scope label, a text the model rejects counts as that label. At most
 * @max_confusions pairs are kept. */
SdIntentEval *sd_intent_eval_run  (SdIntentModel      *model,
                                   const SdIntentData *test,
                                   guint               max_confusions);
void          sd_intent_eval_free (SdIntentEval       *eval);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdIntentEval, sd_intent_eval_free)

/* What sd-oos needs of each text of @data under @model (a GArray of SdOosCase); NULL when
 * the model has no out-of-scope label. */
GArray       *sd_intent_eval_oos_cases (SdIntentModel      *model,
                                        const SdIntentData *data);

G_END_DECLS
