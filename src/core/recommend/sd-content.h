/* sd-content.h — content-based recommendations from the catalogue's texts
 *
 * Each item is a TF-IDF vector over the words of its title, description, category and
 * tags (English words, Chinese characters and character bigrams), L2-normalised; a
 * customer's profile is the sum of their history items' vectors weighted by the
 * interaction, and items are ranked by cosine similarity to it. With similarity=jaccard
 * the tags' Jaccard overlap is used instead. Needs a catalog (sd_recommender_set_catalog)
 * before fit; works for items nobody has touched yet.
 */
#pragma once

#include "sd-recommender.h"

G_BEGIN_DECLS

typedef enum {
  SD_CONTENT_COSINE,    /* TF-IDF of all the texts */
  SD_CONTENT_JACCARD,   /* overlap of the tag (and category) sets */
} SdContentSimilarity;

GType sd_content_similarity_get_type (void);
#define SD_TYPE_CONTENT_SIMILARITY (sd_content_similarity_get_type ())

#define SD_TYPE_CONTENT (sd_content_get_type ())
G_DECLARE_FINAL_TYPE (SdContent, sd_content, SD, CONTENT, SdRecommender)

SdRecommender *sd_content_new              (void);

/* The @n items most similar to @item by content (SdScoredItem, best first, @item left
 * out), by the model's similarity measure. Empty before fit. */
GArray        *sd_content_similar_items    (SdContent *self,
                                            guint      item,
                                            guint      n);
/* Similarity of two items in [0, 1] by the model's measure (for intra-list diversity). */
double         sd_content_similarity       (SdContent *self,
                                            guint      a,
                                            guint      b);
/* The terms of @item's vector, strongest first (at most @max; NULL-terminated, free with
 * g_strfreev). */
char         **sd_content_item_terms       (SdContent *self,
                                            guint      item,
                                            guint      max);

G_END_DECLS
