/* sd-intent-model.h — a fastText-style text classifier (intents, sentiment, any labels)
 *
 * Each text becomes a bag of hashed features (words, word n-grams, character n-grams of
 * words with boundary markers, CJK characters and their n-grams). Every feature seen in
 * training has an embedding row; a text's vector is the average of its rows, and a
 * linear softmax layer gives the label probabilities. Training is SGD with a linearly
 * decaying learning rate, optionally an ensemble of models with different seeds whose
 * logits are averaged.
 *
 * A validation split cut from the training data fits a temperature (so probabilities are
 * calibrated) and the confidence threshold below which a text is out of scope. The model
 * keeps its label names and saves to a compact blob (int8 rows with a scale per row); the
 * in-memory model is quantised the same way at the end of training, so a loaded model
 * predicts exactly as the trained one.
 *
 * A trained model is immutable: predictions may run from several threads at once.
 */
#pragma once

#include <gio/gio.h>

#include "sd-intent-data.h"
#include "sd-job.h"

G_BEGIN_DECLS

typedef struct {
  guint    dim;                  /* embedding size */
  guint    epochs;               /* 0 = by data size: 25 to 100, at least 100k updates */
  double   lr;                   /* initial learning rate, decays linearly to 0 */
  guint    word_ngrams;          /* 1 = words only, 2 = + bigrams, 3 = + trigrams */
  guint    char_min;             /* character n-grams of "<word>"; 0 turns them off */
  guint    char_max;
  guint    min_count;            /* features seen fewer times in training are dropped */
  guint    n_models;             /* ensemble size (each trained with its own seed) */
  double   label_smoothing;      /* 0 = one-hot targets */
  double   feature_dropout;      /* share of a text's features left out at each update */
  gboolean balanced;             /* weigh each label's updates by its inverse frequency */
  double   validation_fraction;  /* held out for calibration and the threshold; 0 = none */
  gboolean refit;                /* after calibrating, train again on all the data */
  guint64  seed;
  const char *oos_label;         /* the label of out-of-scope examples, if the data has one */
  guint    concepts;             /* 0 = off; else the shop concepts a text names (sd-chat-concepts)
                                  * are features, each counted this many times in the average */
  gboolean concept_pairs;        /* with concepts: each pair of them a feature too */
} SdIntentParams;

/* Defaults chosen on validation splits cut from the BANKING77 and SMP2019 training data
 * (never on their test sets): fastText's usual settings plus label smoothing 0.1, which
 * gained about two points of accuracy on both. */
void            sd_intent_params_init        (SdIntentParams *params);

#define SD_INTENT_TOP_N 3

typedef struct {
  int         label;           /* index into the model's labels */
  const char *name;            /* owned by the model */
  double      probability;     /* calibrated */
} SdIntentScore;

typedef struct {
  int           label;         /* the most likely label (never -1) */
  const char   *name;
  double        confidence;    /* its calibrated probability */
  gboolean      out_of_scope;  /* below the threshold, the out-of-scope label, or no
                                * feature of the text was seen in training */
  guint         n_top;
  SdIntentScore top[SD_INTENT_TOP_N];   /* best first; top[0] is label itself */
} SdIntentPrediction;

#define SD_TYPE_INTENT_MODEL (sd_intent_model_get_type ())
G_DECLARE_FINAL_TYPE (SdIntentModel, sd_intent_model, SD, INTENT_MODEL, GObject)

/* Trains on @data. @job (may be NULL) receives progress and one "loss" metric point per
 * epoch (the steps count on across ensemble members and the refit), and
 * "valid_accuracy" after calibration. Cancelled through @cancellable with
 * G_IO_ERROR_CANCELLED. Deterministic for a given seed. */
SdIntentModel  *sd_intent_model_train        (const SdIntentData    *data,
                                              const SdIntentParams  *params,
                                              SdJob                 *job,
                                              GCancellable          *cancellable,
                                              GError               **error);

void            sd_intent_model_predict      (SdIntentModel         *self,
                                              const char            *text,
                                              SdIntentPrediction    *prediction);
/* Calibrated probabilities of every label into @probs (n_labels entries); returns how many
 * of the text's features were seen in training (0: the model does not understand it). */
guint           sd_intent_model_predict_probs (SdIntentModel        *self,
                                              const char            *text,
                                              double                *probs);

guint           sd_intent_model_get_n_labels (SdIntentModel         *self);
const char     *sd_intent_model_get_label    (SdIntentModel         *self,
                                              guint                  index);
/* -1 when absent. */
int             sd_intent_model_find_label   (SdIntentModel         *self,
                                              const char            *name);
/* -1 when the model has no out-of-scope label. */
int             sd_intent_model_get_oos_label (SdIntentModel        *self);
double          sd_intent_model_get_temperature (SdIntentModel      *self);
double          sd_intent_model_get_threshold (SdIntentModel        *self);
/* Replaces the threshold fitted in training (e.g. by sd_oos_choose_threshold() on other
 * validation data); set it before the model is shared between threads. */
void            sd_intent_model_set_threshold (SdIntentModel        *self,
                                              double                 threshold);
guint           sd_intent_model_get_n_features (SdIntentModel       *self);
/* Mean negative log-likelihood on the validation split before and after calibration,
 * and the accuracy there (0 when the model was trained without a split). */
void            sd_intent_model_get_validation (SdIntentModel       *self,
                                              double                *nll_before,
                                              double                *nll_after,
                                              double                *accuracy);

GBytes         *sd_intent_model_save         (SdIntentModel         *self);
SdIntentModel  *sd_intent_model_load         (GBytes                *blob,
                                              GError               **error);

G_END_DECLS
