/* sd-interactions.h — the user × item interaction matrix the recommenders learn from
 *
 * Built once from a store (or from triples, for data sets read straight from files) and
 * then immutable and shared (reference counted) between a model, its evaluation and the
 * threads that use them. Users and items are mapped to dense indices 0..n-1; the store
 * ids are kept for going back.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  double view;              /* weight of one view */
  double cart;
  double purchase;
  double review;            /* a review counts as this times rating / 5 (the full weight when unrated) */
  int    positive_min_rating; /* reviews rated below this are left out (0 keeps all) */
  double half_life_days;    /* time decay of an event's weight; 0 = none */
  gint64 now;               /* unix seconds the decay is measured from; 0 = newest event */
} SdInteractionWeights;

void sd_interactions_weights_default (SdInteractionWeights *weights);

typedef struct {
  guint    n_users;
  guint    n_items;
  gsize    nnz;
  gsize   *indptr;     /* n_users + 1: user u's items are indices[indptr[u] .. indptr[u+1]) */
  guint   *indices;    /* item index per cell, ascending within a row */
  float   *values;     /* confidence weight per cell (> 0) */
  gint64  *times;      /* newest event time per cell (unix seconds) */
  gint64  *user_ids;   /* dense user → store id (customers.id, or the key given to the builder) */
  gint64  *item_ids;   /* dense item → store id (products.id, or the builder's key) */

  /*< private >*/
  gint       ref_count;
  GHashTable *user_index;  /* store id → dense index + 1 */
  GHashTable *item_index;
} SdInteractions;

SdInteractions *sd_interactions_ref         (SdInteractions *self);
void            sd_interactions_unref       (SdInteractions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdInteractions, sd_interactions_unref)

/* -1 when the id is not in the matrix (a cold-start user or item). */
int             sd_interactions_user_index  (SdInteractions *self,
                                             gint64          user_id);
int             sd_interactions_item_index  (SdInteractions *self,
                                             gint64          item_id);
/* The item-major copy (rows are items, columns users), for item-based models. */
SdInteractions *sd_interactions_transpose   (SdInteractions *self);
/* The cells k with mask[k] == @which, in a matrix of the same shape and ids (the same
 * dense indices): a split without going through a builder, so a million customers'
 * cells are copied once, not sorted again. */
SdInteractions *sd_interactions_select      (SdInteractions *self,
                                             const guint8   *mask,
                                             guint8          which);
/* Number of users who interacted with each item (n_items entries, caller frees). */
guint          *sd_interactions_item_counts (SdInteractions *self);

/* Every customer and product of the store gets an index, so items nobody touched yet can
 * still be recommended by content. Events and the lines of orders that were not pending, cancelled
 * or refunded count (an order line also imported as a purchase event at the same time
 * counts once). Ids are sorted, so index order follows store id order. */
SdInteractions *sd_interactions_from_store  (SdStore                    *store,
                                             const SdInteractionWeights *weights,
                                             GCancellable               *cancellable,
                                             GError                    **error);

/* For files read directly (MovieLens splits): add cells, then build. Duplicate cells add
 * their weights and keep the newest time; cells whose weight ends up <= 0 are dropped.
 * Ids are whatever keys the caller uses; dense indices follow ascending id order. */
typedef struct _SdInteractionsBuilder SdInteractionsBuilder;

SdInteractionsBuilder *sd_interactions_builder_new   (void);
/* Makes sure an index exists for ids even when they have no cells (e.g. test-only items). */
void                   sd_interactions_builder_add_user (SdInteractionsBuilder *builder,
                                                         gint64                 user_id);
void                   sd_interactions_builder_add_item (SdInteractionsBuilder *builder,
                                                         gint64                 item_id);
void                   sd_interactions_builder_add   (SdInteractionsBuilder *builder,
                                                      gint64                 user_id,
                                                      gint64                 item_id,
                                                      float                  weight,
                                                      gint64                 time);
/* Consumes the builder. */
SdInteractions        *sd_interactions_builder_build (SdInteractionsBuilder *builder);
/* Consumes the builder, mapping ids into @reference's indices (same n_users, n_items,
 * user_ids, item_ids); cells whose user or item @reference lacks are dropped and counted
 * in @n_dropped. For a test split that must line up with its training split. */
SdInteractions        *sd_interactions_builder_build_aligned (SdInteractionsBuilder *builder,
                                                              SdInteractions        *reference,
                                                              gsize                 *n_dropped);
void                   sd_interactions_builder_free  (SdInteractionsBuilder *builder);

G_END_DECLS
