/* sd-text-features.h — hashed features of a short English or Chinese text
 *
 * Shared by the small linear models of the chatbot (sentiment, the fallback intent
 * classifier). The tokens come from sd_tokenize() (NFKC, case folding, hyphenated words
 * kept whole): words for Latin text, characters and character bigrams for CJK, word
 * bigrams, emoji and ! ?, and negation scope: after "not", "never", "n't", 不,
 * 没, … the following words (characters in Chinese) up to the next punctuation are
 * marked, so "not good" gives NOT_good rather than good.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends a 32-bit hash per feature of @text (any bytes: invalid UTF-8 is replaced,
 * at most @max_bytes of it are read) to @out (a GArray of guint32). */
void sd_text_features (const char *text,
                       gsize       max_bytes,
                       GArray     *out);

typedef enum {
  SD_TEXT_FEATURES_DEFAULT  = 0,
  /* character 3-grams of Latin words ("<ord", "ord", "rde", …), which make typos and
   * inflections share features: worth it for short chat messages */
  SD_TEXT_FEATURES_SUBWORDS = 1 << 0,
  /* the shop concepts the text names (sd-chat-concepts: "money back", 退钱 → refund) and
   * each pair of them, so a synonym the training texts never used still counts */
  SD_TEXT_FEATURES_CONCEPTS = 1 << 1,
} SdTextFeatureFlags;

void sd_text_features_full (const char         *text,
                            gsize               max_bytes,
                            SdTextFeatureFlags  flags,
                            GArray             *out);

/* The hash of one named feature, "prefix:name", as the functions above make it (for
 * models that add features of their own). */
guint32 sd_text_feature_hash (const char *prefix,
                              const char *name);

/* The same features as strings ("w:good", "NOT_w:good", "b:not|good", "c:好", "cc:不好"),
 * for explanations and tests. */
GPtrArray *sd_text_feature_names (const char *text,
                                  gsize       max_bytes);

G_END_DECLS
