/* sd-intent-blend.h — the chatbot's two intent classifiers as one: the trained intent model
 * (sd-intent-model) and the fallback linear classifier (sd-chat-linear), their calibrated
 * probabilities averaged
 *
 * The two see a message differently (embeddings of words, n-grams and concepts against one
 * weight per hashed feature), so where one is unsure the other often is not. Intents are
 * matched by name: the blend speaks in the intent model's labels, and an intent only the
 * linear classifier knows (added to the corpus after the model was trained) is left out.
 */
#pragma once

#include "sd-chat-linear.h"
#include "sd-intent-model.h"
#include "sd-oos.h"

G_BEGIN_DECLS

typedef enum {
  SD_INTENT_BLEND_MEAN,        /* w · p_model + (1 − w) · p_linear */
  SD_INTENT_BLEND_GEOMETRIC,   /* ∝ p_model^w · p_linear^(1 − w), normalised */
} SdIntentBlendKind;

typedef struct {
  SdIntentBlendKind kind;
  double            weight;      /* of the intent model, in [0, 1] */
  double            threshold;   /* a best intent less likely than this is out of scope */
} SdIntentBlend;

/* What the chatbot ships (chosen on inner folds of paraphrase groups, see the .c), with
 * the threshold 0 until one is tuned. */
void     sd_intent_blend_init   (SdIntentBlend       *blend);

/* The blend's probability of each of @model's labels into @probs (its n_labels entries).
 * FALSE when the intent model saw no feature of @text in training. */
gboolean sd_intent_blend_probs  (const SdIntentBlend *blend,
                                 SdIntentModel       *model,
                                 SdChatLinear        *linear,
                                 const char          *text,
                                 double              *probs);

/* The @n most likely labels of @probs (as from sd_intent_blend_probs()), best first, each
 * once; returns how many were written. */
guint    sd_intent_blend_top    (SdIntentModel       *model,
                                 const double        *probs,
                                 SdIntentGuess       *top,
                                 guint                n);

/* The @n most likely intents into @top and whether the message is out of scope: the
 * intent model saw none of its features, the best intent is the model's out-of-scope
 * label, or its probability is below the blend's threshold. */
guint    sd_intent_blend_predict (const SdIntentBlend *blend,
                                  SdIntentModel       *model,
                                  SdChatLinear        *linear,
                                  const char          *text,
                                  SdIntentGuess       *top,
                                  guint                n,
                                  gboolean            *out_of_scope);

/* What sd-oos needs of each of @texts (with their true @labels) under the blend (a GArray
 * of SdOosCase); @oos_label names the out-of-scope texts. */
GArray  *sd_intent_blend_oos_cases (const SdIntentBlend *blend,
                                    SdIntentModel       *model,
                                    SdChatLinear        *linear,
                                    GPtrArray           *texts,
                                    GPtrArray           *labels,
                                    const char          *oos_label);

G_END_DECLS
