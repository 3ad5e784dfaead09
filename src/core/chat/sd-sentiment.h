/* sd-sentiment.h — negative / neutral / positive, a linear model over hashed features
 *
 * Multinomial logistic regression over sd-text-features (words with negation scope,
 * word bigrams, CJK characters and bigrams), trained by AdaGrad with class weights so
 * a rare class (negative reviews are ~5 % of Amazon's) is not drowned by the majority.
 * The app's model is trained at first use from a small built-in English + Chinese
 * corpus (milliseconds), not shipped as weights: a model trained on the Amazon reviews
 * is several hundred kB and knows musical instruments better than shop support chats.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  SD_SENTIMENT_NEGATIVE,
  SD_SENTIMENT_NEUTRAL,
  SD_SENTIMENT_POSITIVE,
  SD_N_SENTIMENTS
} SdSentimentLabel;

const char *sd_sentiment_label_to_string (SdSentimentLabel label);

/* Calibration is kept per script: Latin (English) or CJK (Chinese). */
typedef enum {
  SD_SENTIMENT_SCRIPT_LATIN,
  SD_SENTIMENT_SCRIPT_CJK,
  SD_N_SENTIMENT_SCRIPTS
} SdSentimentScript;

/* CJK when @text has a Han character. */
SdSentimentScript sd_sentiment_script_of (const char *text);

typedef struct {
  SdSentimentLabel label;
  double           prob[SD_N_SENTIMENTS];
} SdSentimentResult;

typedef struct {
  guint    epochs;          /* 5 */
  double   learning_rate;   /* 0.1 (AdaGrad) */
  double   l2;              /* 1e-6 per step */
  gboolean class_weights;   /* weight each class by n / (classes × n_class) */
  guint64  seed;            /* shuffling */
  const guint *sources;     /* NULL, or per text a small number naming where it came
                             * from: class weights are then computed per source */
} SdSentimentOptions;

void sd_sentiment_options_init (SdSentimentOptions *options);

#define SD_TYPE_SENTIMENT (sd_sentiment_get_type ())
G_DECLARE_FINAL_TYPE (SdSentiment, sd_sentiment, SD, SENTIMENT, GObject)

/* An untrained model with 2^@hash_bits buckets (10..24). */
SdSentiment *sd_sentiment_new          (guint                      hash_bits);
/* The app's model: the shipped one (data/chat-corpus/sentiment.bin, trained on review
 * data and the chat corpus by sd_sentiment_train_shipped()), or, where it is missing, one
 * trained on the built-in chat corpus alone. */
SdSentiment *sd_sentiment_new_builtin  (GError                   **error);
/* The built-in chat corpus as training data (sentiment.tsv; complaints, thanks and one
 * in four other requests from the intent corpus), appended to @texts (char *) and
 * @labels (SdSentimentLabel). */
gboolean     sd_sentiment_builtin_corpus (GPtrArray               *texts,
                                          GArray                  *labels,
                                          GError                 **error);

gboolean     sd_sentiment_train        (SdSentiment               *self,
                                        const char *const         *texts,
                                        const SdSentimentLabel    *labels,
                                        guint                      n,
                                        const SdSentimentOptions  *options,
                                        GCancellable              *cancellable,
                                        GError                   **error);
/* With a calibrated model, prob[negative] is the calibrated chance and the label is
 * negative when it reaches the script's threshold; otherwise the label is the likeliest. */
void         sd_sentiment_predict      (SdSentiment               *self,
                                        const char                *text,
                                        SdSentimentResult         *result);
/* Whether @text is a bare keyword request ("refund progress", "退款查询": three words at
 * most, or six Chinese characters) with none of the chat's mood signals (complaint words,
 * "still", "again", "!!!", 还没, 差评, …). The review-trained model hears "refund" as
 * angry, since reviews say it when they are; in such a request the word is the topic. */
gboolean     sd_sentiment_is_bare_request (const char          *text);
/* Whether @text carries one of the chat's mood signals (complaint words, "still", "again",
 * "!!", words in capitals, 还没, 差评, …): a mood the customer said, not only one heard. */
gboolean     sd_sentiment_has_signals  (const char              *text);
/* The uncalibrated log-odds of "negative", what calibration is fitted on. */
double       sd_sentiment_negative_logit (SdSentiment             *self,
                                          const char              *text);
/* Calibrated chance of negative = σ(a · logit + b); negative from @threshold on. */
void         sd_sentiment_set_calibration (SdSentiment            *self,
                                           SdSentimentScript       script,
                                           double                  a,
                                           double                  b,
                                           double                  threshold);
/* FALSE (and a = 1, b = 0, threshold 0.5) for an uncalibrated model. */
gboolean     sd_sentiment_get_calibration (SdSentiment            *self,
                                           SdSentimentScript       script,
                                           double                 *a,
                                           double                 *b,
                                           double                 *threshold);

typedef struct {
  guint  n;
  double accuracy;
  double macro_f1;
  double f1[SD_N_SENTIMENTS];
  guint  confusion[SD_N_SENTIMENTS][SD_N_SENTIMENTS];  /* [gold][predicted] */
} SdSentimentEval;

void         sd_sentiment_evaluate     (SdSentiment               *self,
                                        const char *const         *texts,
                                        const SdSentimentLabel    *labels,
                                        guint                      n,
                                        SdSentimentEval           *eval);
/* Scores the constant prediction @label on @labels the same way (the baseline). */
void         sd_sentiment_evaluate_constant (SdSentimentLabel      label,
                                             const SdSentimentLabel *labels,
                                             guint                  n,
                                             SdSentimentEval       *eval);

GBytes      *sd_sentiment_save         (SdSentiment               *self);
SdSentiment *sd_sentiment_load         (GBytes                    *bytes,
                                        GError                   **error);

/* Reads Amazon review JSON lines (optionally gzip-compressed) with the JSON reader:
 * the text is the summary and the review; ratings 1–2 are negative, 3 neutral, 4–5
 * positive. @texts gets char *, @labels SdSentimentLabel (as guint). @max_rows 0 reads
 * all. A line that is not JSON fails with SD_ERROR_INVALID_INPUT, one without an
 * "overall" rating of 1–5 with SD_ERROR_WRONG_FORMAT, both naming the line. */
gboolean     sd_sentiment_read_reviews (const char                *path,
                                        guint                      max_rows,
                                        GPtrArray                 *texts,
                                        GArray                    *labels,
                                        GError                   **error);

G_END_DECLS
