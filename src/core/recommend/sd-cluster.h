/* sd-cluster.h — k-means, and how well a clustering agrees with known classes
 *
 * k-means groups customers on the map of taste; the agreement measures say how closely
 * those groups match known ones (the demo shop's planted taste groups), so the map can be
 * trusted or not.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lloyd's k-means on @n rows of @data (row-major, @n × @d), started from k-means++ seeds
 * drawn with @seed; the best of @n_init starts (lowest within-cluster sum of squares) is
 * kept. Fills @labels (n entries, 0..k-1) and, when non-NULL, @centroids (k × d). Returns
 * the within-cluster sum of squares. The same input and seed give the same labels.
 * k is clamped to n. */
double sd_kmeans               (const double *data,
                                gsize         n,
                                guint         d,
                                guint         k,
                                guint32       seed,
                                guint         n_init,
                                guint         max_iterations,
                                guint        *labels,
                                double       *centroids);

/* Adjusted Rand index (Hubert and Arabie 1985) of two labellings of the same @n things:
 * 1 for identical partitions (up to renaming), about 0 for random ones, negative when
 * worse than chance. Labels are any small integers. */
double sd_adjusted_rand_index  (const guint  *a,
                                const guint  *b,
                                gsize         n);

/* Purity of @clusters against @classes: the share of things whose cluster's most common
 * class is their own. 1 when every cluster holds one class. */
double sd_cluster_purity       (const guint  *clusters,
                                const guint  *classes,
                                gsize         n);

/* Mean silhouette of @labels (k clusters) over at most @max_sample rows of @data (n × d),
 * every row counting in the distances: 1 for tight, well separated clusters, 0 for
 * overlapping ones. */
double sd_cluster_silhouette   (const double  *data,
                                gsize          n,
                                guint          d,
                                const guint   *labels,
                                guint          k,
                                gsize          max_sample);

G_END_DECLS
