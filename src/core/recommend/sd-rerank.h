/* sd-rerank.h — re-ranking a model's top list for fairness, on top of any recommender
 *
 * Three kinds, each with one strength from 0 (the model's own order) to 1:
 *   mmr        maximal marginal relevance: each next item trades the model's (normalised)
 *              score against its likeness (category and tags) to the items already chosen
 *   calibrate  the list's categories brought towards the customer's history (Steck 2018:
 *              score against the KL divergence of the history's category shares from the
 *              list's)
 *   exposure   a floor for long-tail and new products: round(strength × 5) of the first
 *              ten places go to the best-scored of them, at the lowest of those places
 * A re-ranked model is an SdRecommender that wraps a fitted one: its scores put the
 * re-ranked top list above every other item, in its order, so whatever serves it
 * (sd_recommender_recommend, the pages, coupon interest, the chatbot) sees the re-ranking.
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-interactions.h"
#include "sd-recommender.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_RERANK_NONE,
  SD_RERANK_MMR,
  SD_RERANK_CALIBRATE,
  SD_RERANK_EXPOSURE,
  SD_N_RERANK_KINDS
} SdRerankKind;

typedef struct {
  SdRerankKind kind;
  double       strength;   /* 0 … 1 */
} SdRerankSpec;

/* "mmr", "calibrate", "exposure" ("none" for SD_RERANK_NONE). */
const char *sd_rerank_kind_to_string   (SdRerankKind        kind);
/* For people, translated: "Diversity (MMR)", …, and what the kind does in a sentence. */
const char *sd_rerank_kind_get_label   (SdRerankKind        kind);
const char *sd_rerank_kind_get_description (SdRerankKind    kind);
/* "KIND=STRENGTH" (or "none"); refused with a message naming the kinds or the range. */
gboolean    sd_rerank_spec_parse       (const char         *text,
                                        SdRerankSpec       *spec,
                                        GError            **error);
/* "mmr=0.5" (the strength to three digits, never through the locale), or "none". */
char       *sd_rerank_spec_to_string   (const SdRerankSpec *spec);
gboolean    sd_rerank_spec_is_active   (const SdRerankSpec *spec);

/* ---- what is known of each item --------------------------------------------------------- */

/* Per item of a training matrix: its category, likeness features, popularity, and
 * whether it is in the long tail or new. Immutable once made; shared by reference. */
typedef struct {
  guint     n_items;
  guint     n_categories;
  char    **categories;     /* n_categories names */
  int      *category;       /* per item, index into categories or -1 */
  guint    *popularity;     /* per item: training users who have it */
  gboolean *tail;           /* outside the most popular items that make 80 % of interactions */
  gboolean *is_new;         /* created within NEW_DAYS of the newest product (FALSE when unknown) */
  gboolean  has_new;        /* the shop dates its products */
  GQuark  **features;       /* per item, 0-terminated and sorted; NULL without a catalogue */
  /*< private >*/
  gint      ref_count;
} SdRerankItems;

#define SD_RERANK_NEW_DAYS 90

/* @created_at (nullable, n_items unix seconds, 0 = unknown) dates the products. */
SdRerankItems *sd_rerank_items_new        (SdInteractions *train,
                                           SdCatalog      *catalog,
                                           const gint64   *created_at);
/* The same with the products' dates read from @store (products.created_at). */
SdRerankItems *sd_rerank_items_from_store (SdStore        *store,
                                           SdInteractions *train,
                                           SdCatalog      *catalog,
                                           GError        **error);
SdRerankItems *sd_rerank_items_ref        (SdRerankItems  *items);
void           sd_rerank_items_unref      (SdRerankItems  *items);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdRerankItems, sd_rerank_items_unref)

/* Category and tag features of each item (sorted GQuarks, 0-terminated), for likeness;
 * NULL when the catalogue has neither. */
GQuark       **sd_item_features_new       (SdCatalog      *catalog,
                                           guint           n_items);
void           sd_item_features_free      (GQuark        **features,
                                           guint           n_items);
/* Jaccard of two feature lists. */
double         sd_item_features_jaccard   (const GQuark   *a,
                                           const GQuark   *b);

/* ---- re-ranking ------------------------------------------------------------------------ */

/* Re-ranks @scores (a user's, already filtered: excluded items are -INFINITY) into
 * @out (@n_out item indices, best first; fewer when fewer items are finite). Returns the
 * number written. Thread-safe. */
guint          sd_rerank_list             (const SdRerankItems *items,
                                           SdInteractions      *train,
                                           guint                user,
                                           const SdRerankSpec  *spec,
                                           const float         *scores,
                                           guint               *out,
                                           guint                n_out);

/* ---- a re-ranked model ------------------------------------------------------------------ */

#define SD_TYPE_RERANKED (sd_reranked_get_type ())
G_DECLARE_FINAL_TYPE (SdReranked, sd_reranked, SD, RERANKED, SdRecommender)

/* @inner, fitted, with its top list re-ranked by @spec; fitted on @inner's matrix. */
SdRecommender *sd_reranked_new            (SdRecommender      *inner,
                                           SdRerankItems      *items,
                                           const SdRerankSpec *spec);
SdRecommender *sd_reranked_get_inner      (SdReranked         *self);
const SdRerankSpec *sd_reranked_get_spec  (SdReranked         *self);
/* The name of @model, or of the model it re-ranks. */
const char    *sd_recommender_get_base_name (SdRecommender    *model);

G_END_DECLS
