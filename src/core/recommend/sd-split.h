/* sd-split.h — train/test splits of an interaction matrix for honest evaluation
 *
 * Both halves of a split share the same users and items (same dense indices), so a model
 * trained on one can be scored against the other directly.
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-interactions.h"

G_BEGIN_DECLS

typedef struct {
  SdInteractions *train;
  SdInteractions *test;
  gsize           n_dropped;   /* test cells whose user or item the training side lacks */
} SdSplit;

void     sd_split_clear            (SdSplit        *split);

/* Per user, round(@ratio × their items) cells chosen at random (seeded) go to test; a
 * user always keeps at least one training cell. */
void     sd_split_random_holdout   (SdInteractions *all,
                                    double          ratio,
                                    guint32         seed,
                                    SdSplit        *out);
/* Per user with two or more cells, the newest one (by time; ties: the higher item index)
 * goes to test. */
void     sd_split_leave_last_out   (SdInteractions *all,
                                    SdSplit        *out);

/* MovieLens "user<TAB>item<TAB>rating<TAB>time" files (u1.base / u1.test, u.data):
 * cells are ratings >= @min_rating, weight 1. Every user of @base_path gets an index,
 * and every item of @items_path (u.item; may be NULL: the items of both files), so the
 * whole catalogue is ranked. @test_path may be NULL (out->test stays NULL). Errors name
 * the file and line. */
gboolean sd_split_read_movielens   (const char     *base_path,
                                    const char     *test_path,
                                    const char     *items_path,
                                    int             min_rating,
                                    SdSplit        *out,
                                    GError        **error);
/* u.item as a catalog for @reference's items: titles (Latin-1 converted), the first genre
 * as category, all genres as tags. */
SdCatalog *sd_movielens_read_catalog (const char     *items_path,
                                      SdInteractions *reference,
                                      GError        **error);

G_END_DECLS
