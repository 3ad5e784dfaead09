/* sd-sentiment-data.h — the review data the shipped sentiment model learns from, and how
 * well it hears a negative message
 *
 * English: Amazon musical-instrument reviews (1–2 stars negative, 3 neutral, 4–5
 * positive). Chinese: the online-shopping reviews of ChineseNlpCorpus (0 negative, 1
 * positive). Each review goes to training or test by a seeded hash of its text, so a text and its duplicates always land in the
 * same part and the model, the script that ships it and the tests agree on the split.
 */
#pragma once

#include "sd-sentiment.h"

G_BEGIN_DECLS

typedef enum {
  SD_SENTIMENT_PART_TRAIN,   /* 8 in 10 (calibrated by cross-fitting within it) */
  SD_SENTIMENT_PART_TEST,    /* 2 in 10: never seen by the shipped model */
} SdSentimentPart;

SdSentimentPart sd_sentiment_part_of (const char *text);

/* Reads online_shopping_10_cats.csv (`text,label`, also `cat,label,review`): label 0
 * negative, 1 positive; @texts gets char *, @labels guint. */
gboolean sd_sentiment_read_chinese_reviews (const char  *path,
                                            GPtrArray   *texts,
                                            GArray      *labels,
                                            GError     **error);

typedef struct {
  GPtrArray *texts;    /* char * */
  GArray    *labels;   /* SdSentimentLabel: negative or positive */
} SdSentimentSet;

void sd_sentiment_set_free (SdSentimentSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSentimentSet, sd_sentiment_set_free)

/* The negative and positive reviews of @part of one data set. English 3-star reviews are
 * left out, and English positives are cut (by hash order, deterministically) to as many
 * as there are negatives: a balanced set, since negatives are under 5 % of the reviews.
 * @amazon or @chinese may be NULL. */
SdSentimentSet *sd_sentiment_review_set (const char         *amazon_path,
                                         const char         *chinese_path,
                                         SdSentimentPart     part,
                                         GError            **error);

typedef struct {
  guint  n, n_negative;
  double recall;       /* of negative, at the model's decision */
  double precision;
  double pr_auc;       /* average precision of the calibrated chance of negative */
  double accuracy;     /* negative vs not */
} SdSentimentScore;

void sd_sentiment_score (SdSentiment            *model,
                         const SdSentimentSet   *set,
                         SdSentimentScore       *score);

/* Trains the model the app ships: the training parts of both review sets plus the
 * built-in chat corpus (which carries the chat signals), class weights per source. Per
 * script, a Platt scaling and a threshold (the highest whose negative recall is at least
 * @target_recall) are fitted on out-of-fold scores of the training part's balanced
 * negative-vs-positive reviews (five folds), so the test part stays unseen. */
SdSentiment *sd_sentiment_train_shipped (const char    *amazon_path,
                                         const char    *chinese_path,
                                         guint          hash_bits,
                                         double         target_recall,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
