/* sd-seriation.h — ordering the rows of a similarity matrix so that clusters show
 *
 * A heatmap of customers in arbitrary order is noise; the same matrix with similar rows next
 * to each other shows blocks. The order is the leaf order of an average-linkage (UPGMA)
 * agglomerative clustering, with each merge oriented so the two most similar ends meet.
 * O(n³) time and O(n²) memory: meant for the few hundred rows a heatmap can show.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @sim: symmetric n×n similarities, row-major (larger is more alike; NaN counts as the
 * least alike). Fills @order (n entries) with a permutation of 0..n-1: order[k] is the row
 * to show at position k. */
void   sd_seriation_order          (const double *sim,
                                    gsize         n,
                                    guint        *order);

/* Sum of the similarities of neighbours in @order: higher means a smoother picture. */
double sd_seriation_adjacent_score (const double *sim,
                                    gsize         n,
                                    const guint  *order);

G_END_DECLS
