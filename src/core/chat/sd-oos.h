/* sd-oos.h — when a classifier's answer is "out of scope": the threshold rule and its
 * trade-off curve
 *
 * A text is out of scope when the classifier's best label is the out-of-scope label, or
 * its calibrated confidence is below a threshold. The rule that picks the threshold, on
 * validation data and never on test data: the lowest threshold at which at least a target
 * share of the out-of-scope texts is recognised (in-scope accuracy is then the highest
 * that share allows). chat-eval --valid and the dialogue's fallback classifier both use
 * it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The OOS recall the rule aims at on validation data (issue 14's target is 0.50 on
 * test data; validation sets hold a hundred out-of-scope texts or fewer, hence a margin). */
#define SD_OOS_TARGET_RECALL 0.6

typedef struct {
  double   confidence;      /* of the best label */
  gboolean is_oos;          /* the truth: out of scope */
  gboolean predicted_oos;   /* the best label is the out-of-scope label */
  gboolean correct;         /* the best label is the truth (in-scope texts) */
} SdOosCase;

typedef struct {
  double threshold;
  double in_scope_accuracy;   /* in-scope texts answered with their label (not rejected) */
  double oos_recall;          /* out-of-scope texts rejected */
} SdOosPoint;

void   sd_oos_at               (const SdOosCase *cases,
                                guint            n,
                                double           threshold,
                                SdOosPoint      *point);
/* The rule above; 0 when no threshold reaches @target_recall short of rejecting all. */
double sd_oos_choose_threshold (const SdOosCase *cases,
                                guint            n,
                                double           target_recall);

G_END_DECLS
