/* sd-embed.h — a neighbour-preserving 2-D map of points, and how well a map keeps neighbours
 *
 * PCA keeps the directions of most variance; on real shops those carry a few percent of
 * the differences and the map is a cloud. A layout that keeps each point's nearest
 * neighbours near (UMAP-style: a fuzzy k-nearest-neighbour graph, laid out by stochastic
 * gradient descent with negative sampling) shows the groups instead. Whichever map keeps
 * more neighbours is the one worth showing: sd_embed_knn_recall() measures it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Called now and then with the share of the layout done, in [0, 1]. */
typedef void (*SdEmbedProgress) (double   fraction,
                                 gpointer user_data);

/* The @k nearest neighbours (Euclidean, exact) of each of @n rows of @data (n × d,
 * row-major), found with BLAS blocks of the Gram matrix: @neighbours gets n × k indices,
 * nearest first, @distances (when non-NULL) their distances. k is clamped to n − 1. */
gboolean sd_embed_knn          (const double  *data,
                                gsize          n,
                                guint          d,
                                guint          k,
                                guint         *neighbours,
                                double        *distances,
                                GCancellable  *cancellable,
                                GError       **error);

/* Lays @n rows of @data out in two dimensions (@out: n × 2) so that each row's
 * @n_neighbours nearest stay near. @init (n × 2, e.g. the PCA projection; NULL: random)
 * is where the layout starts, which makes it deterministic for a given @seed and keeps
 * the large-scale arrangement. @n_epochs 0 picks a default for n. */
gboolean sd_embed_layout       (const double    *data,
                                gsize            n,
                                guint            d,
                                guint            n_neighbours,
                                guint            n_epochs,
                                guint64          seed,
                                const double    *init,
                                double          *out,
                                SdEmbedProgress  progress,
                                gpointer         user_data,
                                GCancellable    *cancellable,
                                GError         **error);

/* k-NN recall of a 2-D map: the share of each point's @k nearest neighbours in @data
 * (n × d) that are also among its @k nearest on the map @xy (n × 2), averaged over the
 * points. 1: every neighbourhood kept; about k / n for a random map. NaN when n ≤ k. */
double   sd_embed_knn_recall   (const double  *data,
                                gsize          n,
                                guint          d,
                                const double  *xy,
                                guint          k);

G_END_DECLS
